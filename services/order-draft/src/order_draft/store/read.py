"""Reading one stream, and all streams in the global order (never past a still-open writer)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Sequence

import asyncpg

from order_draft.store import codec
from order_draft.store.model import Checkpoint, MalformedEvent, RecordedEvent
from order_draft.store.upcasting import Upcasters

# asyncpg decodes xid8 to int natively (no text round trip). The time travels as integer microseconds:
# decoding a timestamptz into a datetime cost a quarter of a global read's fetch (RecordedEvent builds it
# when asked). The xid column gets its own name: were it called transaction_id, ORDER BY transaction_id
# would sort by it rather than by the indexed column (a full sort per page).
_COLUMNS = (
    "global_position, transaction_id AS xid, stream_id, stream_version, event_id, event_type, "
    "schema_version, payload, metadata, (date_part('epoch', recorded_at) * 1000000)::int8 AS recorded_us"
)
READ_ALL = (
    f"SELECT {_COLUMNS} FROM events "
    "WHERE (transaction_id, global_position) > ($1::xid8, $2) "
    "  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot()) "
    "ORDER BY events.transaction_id, events.global_position LIMIT $3"
)
READ_STREAM_FORWARD = (
    f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version >= $2 "
    "ORDER BY stream_version LIMIT $3"
)
READ_STREAM_BACKWARD = (
    f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version <= $2 "
    "ORDER BY stream_version DESC LIMIT $3"
)
# Are there committed events past the checkpoint that READ_ALL held back because an older transaction is
# still open? Then look again soon; else wait for a notification. Written as the first row in index order,
# not as EXISTS: the generic plan of `EXISTS (... WHERE (transaction_id, global_position) > ...)` is a
# sequential scan (the planner expects a third of the table to match, so a match soon), which reads the
# whole log when, as usual, nothing is pending: 1.7 M rows read in a 5,000-command run, 0.1 core of
# PostgreSQL at 1,200 commands/s, and growing with the log.
PENDING = (
    "SELECT true FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2) "
    "ORDER BY transaction_id, global_position LIMIT 1"
)


def decode(rows: Sequence[asyncpg.Record], upcasters: Upcasters) -> list[RecordedEvent]:
    """Rows to events: the hot loop of every read, kept to comprehensions on purpose (a read builds
    hundreds of thousands of events per second). A row that fails is found again by the slow path."""
    loads, new, event = codec.loads, tuple.__new__, RecordedEvent
    try:
        bodies = [loads(row[7]) for row in rows]
    except Exception:
        return [_decode_one(row, upcasters) for row in rows]
    if not all(type(body) is dict for body in bodies) or upcasters:
        return [_decode_one(row, upcasters) for row in rows]
    return [
        new(event, (r[0], r[1], r[2], r[3], r[4], r[5], r[6], body, r[8], r[9]))
        for r, body in zip(rows, bodies, strict=True)
    ]


def _decode_one(row: asyncpg.Record, upcasters: Upcasters) -> RecordedEvent:
    try:
        body = codec.loads(row[7])
        if type(body) is not dict:
            raise TypeError(f"payload is a JSON {type(body).__name__}, not an object")
        schema_version = row[6]
        if upcasters:
            schema_version, body = upcasters.upcast(row[5], schema_version, body)
    except Exception as error:
        raise MalformedEvent(row[2], row[3], row[0], row[4], f"{type(error).__name__}: {error}") from error
    return RecordedEvent(row[0], row[1], row[2], row[3], row[4], row[5], schema_version, body, row[8], row[9])


async def read_all(
    conn: asyncpg.Connection | asyncpg.Pool, after: Checkpoint, limit: int, upcasters: Upcasters
) -> list[RecordedEvent]:
    rows = await conn.fetch(READ_ALL, after.transaction_id, after.global_position, limit)
    return decode(rows, upcasters)


async def read_all_pages(
    pool: asyncpg.Pool, after: Checkpoint, limit: int, upcasters: Upcasters
) -> AsyncGenerator[list[RecordedEvent], None]:
    """Every page from `after` to the horizon, with the next page's query already running on the server
    while this one is decoded and handed out: the database and the decoding use a core each.

    A page read ahead is still the right next page when it is handed out later: it holds only events below
    the horizon of its read, and an event that becomes visible later has a larger transaction id than all
    of them, so it sorts after the page (it comes in a later one)."""
    ahead = asyncio.ensure_future(pool.fetch(READ_ALL, after.transaction_id, after.global_position, limit))
    try:
        while rows := await ahead:
            last = rows[-1]
            ahead = asyncio.ensure_future(pool.fetch(READ_ALL, last[1], last[0], limit))
            await asyncio.sleep(0)  # let it send the query before the decoding holds the loop
            yield decode(rows, upcasters)
    finally:
        if not ahead.done():
            ahead.cancel()
            with contextlib.suppress(BaseException):
                await ahead


async def read_stream(
    conn: asyncpg.Connection | asyncpg.Pool,
    stream_id: str,
    upcasters: Upcasters,
    *,
    from_version: int | None = None,
    backward: bool = False,
    limit: int | None = None,
) -> list[RecordedEvent]:
    """Forward from `from_version` (default 1), or backward from it (default: the latest)."""
    sql = READ_STREAM_BACKWARD if backward else READ_STREAM_FORWARD
    start = from_version if from_version is not None else (2**62 if backward else 1)
    rows = await conn.fetch(sql, stream_id, start, limit)
    return decode(rows, upcasters)
