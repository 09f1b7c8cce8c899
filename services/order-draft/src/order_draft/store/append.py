"""Append: any number of per-stream batches in one call of append_events(), hence one round trip."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from order_draft.store import codec
from order_draft.store.model import NO_STREAM, Append, AppendResult, WrongExpectedVersion

_SQL = (
    "SELECT outcome, stream_version, first_position, last_position, result "
    "FROM append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
)
COMMAND_RACE = "P0D01"  # the same command id committed meanwhile for another stream; retry to read it


async def append_batches(
    conn: asyncpg.Connection | asyncpg.Pool, appends: Sequence[Append]
) -> list[AppendResult | WrongExpectedVersion]:
    """Write every batch that passes its checks; a conflict is returned (not raised) for that batch only."""
    streams, expected, command_ids, results, counts = [], [], [], [], []
    event_ids, types, versions, payloads, metadata = [], [], [], [], []
    for append in appends:
        streams.append(append.stream_id)
        expected.append(NO_STREAM if append.expected_version == 0 else append.expected_version)
        command_ids.append(append.command_id)
        results.append(None if append.result is None else codec.dumps(append.result))
        counts.append(len(append.events))
        for event in append.events:
            event_ids.append(event.event_id)
            types.append(event.type)
            versions.append(event.schema_version)
            payloads.append(codec.dumps(event.payload))
            metadata.append(codec.dumps(event.metadata))
    rows = await conn.fetch(
        _SQL, streams, expected, command_ids, results, counts, event_ids, types, versions, payloads, metadata
    )
    outcomes: list[AppendResult | WrongExpectedVersion] = []
    for append, row in zip(appends, rows, strict=True):
        outcome, version, first, last, result = row
        if outcome == "conflict":
            outcomes.append(WrongExpectedVersion(append.stream_id, append.expected_version, version))
            continue
        outcomes.append(
            AppendResult(
                stream_id=append.stream_id,
                stream_version=version,
                first_position=first,
                last_position=last,
                result=None if result is None else codec.loads(result),
                duplicate=outcome == "duplicate",
            )
        )
    return outcomes
