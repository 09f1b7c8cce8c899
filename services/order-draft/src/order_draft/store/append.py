"""Append: one stream through one SQL statement (or append_stream()), several through append_events(); one
round trip each."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from order_draft.store import codec
from order_draft.store.model import ANY, NO_STREAM, Append, AppendResult, WrongExpectedVersion

_ONE = "SELECT * FROM append_stream($1, $2, $3, $4, $5, $6, $7, $8, $9)"
_MANY = "SELECT * FROM append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
# The common case: one batch of events with an expected version and no command id, in a transaction of
# the store's own. Its id is assigned by this INSERT, after the statement's snapshot read the head, so
# every event it builds on was committed with a smaller id and the global order agrees with the stream
# (no lock needed). A writer racing for the same version fails on the primary key; the store retries with
# the function, which sees the winner. It writes only when the head is the expected version; when it
# writes nothing, append_stream() says why. One plain statement costs the server ~30 us less per call
# than the PL/pgSQL function's statement-by-statement execution (docs/event-store.md). With ANY, or a
# command id, or in a caller's transaction, the function runs: writers of a stream queue on its lock.
FAST = """
INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata)
SELECT $1, $2 + u.n, coalesce(u.event_id, gen_random_uuid()), u.event_type, u.schema_version, u.payload,
       coalesce(u.metadata, '{}')
  FROM unnest($3::uuid[], $4::text[], $5::int[], $6::json[], $7::json[])
       WITH ORDINALITY AS u(event_id, event_type, schema_version, payload, metadata, n)
 WHERE (SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = $1) = $2
"""
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


async def append_batches(
    conn: asyncpg.Connection | asyncpg.Pool, appends: Sequence[Append], *, fast: bool = False
) -> list[Outcome]:
    """Write every batch that passes its checks; a conflict is returned (not raised) for that batch only.
    `fast`: `conn` is in no transaction of the caller's, so FAST may serve a lone batch."""
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
        count = len(event_ids)
        if fast and count and one.command_id is None and one.expected_version != ANY:
            # Columns nobody filled travel as NULL rather than as arrays of NULLs or of "{}".
            ids = event_ids if any(event_ids) else None
            meta = metadata if any(m != "{}" for m in metadata) else None
            expected = max(one.expected_version, 0)
            status = await conn.execute(FAST, one.stream_id, expected, ids, types, versions, payloads, meta)
            if status == f"INSERT 0 {count}":
                return [AppendResult(one.stream_id, expected + count)]
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
