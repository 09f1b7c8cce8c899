"""Append: one stream through append_stream(), several through append_events(); one round trip each."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from order_draft.store import codec
from order_draft.store.model import NO_STREAM, Append, AppendResult, WrongExpectedVersion

_ONE = "SELECT * FROM append_stream($1, $2, $3, $4, $5, $6, $7, $8, $9)"
_MANY = "SELECT * FROM append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
COMMAND_RACE = "P0D01"  # the same command id committed meanwhile for another stream; retry to read it

Outcome = AppendResult | WrongExpectedVersion


def _expected(append: Append) -> int:
    return NO_STREAM if append.expected_version == 0 else append.expected_version


def _result(append: Append) -> str | None:
    return None if append.result is None else codec.dumps(append.result)


def _outcome(append: Append, row: asyncpg.Record) -> Outcome:
    outcome, version, result = row
    if outcome == "conflict":
        return WrongExpectedVersion(append.stream_id, append.expected_version, version)
    return AppendResult(
        stream_id=append.stream_id,
        stream_version=version,
        result=None if result is None else codec.loads(result),
        duplicate=outcome == "duplicate",
    )


async def append_batches(conn: asyncpg.Connection | asyncpg.Pool, appends: Sequence[Append]) -> list[Outcome]:
    """Write every batch that passes its checks; a conflict is returned (not raised) for that batch only."""
    dumps = codec.dumps
    event_ids, types, versions, payloads, metadata = [], [], [], [], []
    for append in appends:
        for event in append.events:
            event_ids.append(event.event_id)
            types.append(event.type)
            versions.append(event.schema_version)
            payloads.append(dumps(event.payload))
            metadata.append(dumps(event.metadata) if event.metadata else "{}")
    if len(appends) == 1:
        [one] = appends
        row = await conn.fetchrow(
            _ONE, one.stream_id, _expected(one), one.command_id, _result(one),
            event_ids, types, versions, payloads, metadata,
        )  # fmt: skip
        assert row is not None
        return [_outcome(one, row)]
    rows = await conn.fetch(
        _MANY,
        [a.stream_id for a in appends],
        [_expected(a) for a in appends],
        [a.command_id for a in appends],
        [_result(a) for a in appends],
        [len(a.events) for a in appends],
        event_ids, types, versions, payloads, metadata,
    )  # fmt: skip
    return [_outcome(append, row) for append, row in zip(appends, rows, strict=True)]
