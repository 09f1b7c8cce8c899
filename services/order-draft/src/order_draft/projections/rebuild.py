"""Rebuilding and verifying the drafts read model from the log (what `order-draft rebuild drafts` and
`order-draft verify drafts` run).

Rebuild is blue-green: the log is projected into a fresh `draft_rows_next` while the live table keeps
serving; then, in one transaction holding the live table's lock, the rest of the log is applied, the live
subscription's checkpoint is moved to where the rebuild ended, and the tables swap names. The running
subscription may still hold an older checkpoint in memory: it re-reads a page whose events the new rows
already hold, and skips them (a row applies only versions above its own).

Rebuild resumes: every write to `draft_rows_next` commits with the rebuild's own checkpoint
("rebuild:drafts") in the same transaction, so a rebuild killed midway leaves the table and the place it
got to, and the next rebuild carries on from there (nothing is served from the half-built table: the swap
is the last step). One rebuild runs at a time (a session advisory lock; a second one waits).

The rebuild keeps the drafts it has folded in memory (up to CACHE of them) and writes the changed rows
every EVERY seconds (or FLUSH events; one DELETE of those rows, then a COPY), reading the next page
while it folds the current one: the database is read once per page and written once per flush, not per
event, and a draft is rewritten once per flush, however many of its events the flush covers. The last
write is made before the swap's transaction, which then only catches up. At the end of the log, events
committed but held back behind an open transaction (read_all never reads past one) are waited for up to
HELD seconds; any still held back are applied by the live projection, from the checkpoint the swap sets.

Verify folds the log in memory up to the live subscription's checkpoint, read in the same snapshot as
the live rows, and lists every difference (none when the read model is right).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson

from order_draft.projections.drafts import (
    COLUMNS,
    DRAFT_ROWS,
    SUBSCRIPTION,
    Projected,
    apply_events,
    draft_id_of,
    load_rows,
    row_values,
)
from order_draft.store import START, Checkpoint, EventStore, RecordedEvent, checkpoints, read

Progress = Callable[[int], object]
"""Called after every write with the number of events the rebuilt table holds (a resumed rebuild counts
those its interrupted run wrote too); verify calls it after every page read."""
NEXT = "draft_rows_next"
REBUILD = "rebuild:drafts"
PAGE = 2000
# A write re-writes every draft changed since the last one (each ~8 KB of JSON for a 20-line draft): the
# fewer writes, the fewer rewrites of the same draft. A killed rebuild folds again what it read since its
# last write: at most EVERY seconds of folding, or FLUSH events.
EVERY = 10.0
FLUSH = 1_000_000
HELD = 5.0  # the longest the rebuild waits, at the end of the log, for events held back by open transactions
CACHE = 200_000  # drafts kept folded in memory; past it the cache is dropped after a write
JSON_COLUMNS = ("totals", "state")  # compared as values: the database orders keys its own way
_LOCK = "SELECT pg_advisory_lock(hashtextextended($1, 7302))"
_UNLOCK = "SELECT pg_advisory_unlock(hashtextextended($1, 7302))"
_BEHIND = (
    "SELECT count(*) FROM events WHERE (transaction_id, global_position) <= ($1::bigint::text::xid8, $2)"
)


@dataclass(frozen=True, slots=True)
class Difference:
    """One way the live read model differs from the log: `field` is a column, or "row" when the draft is
    missing from one side (`expected` None: a row the log does not explain)."""

    draft_id: str
    field: str
    expected: Any
    actual: Any


def _quiet(done: int) -> None:
    return None


class _Builder:
    """The drafts folded so far (a cache of `draft_rows_next`) and the ones changed since the last write."""

    def __init__(self, complete: bool) -> None:
        self.cache: dict[str, Projected] = {}
        self.dirty: set[str] = set()
        self.complete = complete  # the cache holds every row of the table: a draft not in it is new

    async def apply(self, conn: asyncpg.Connection | asyncpg.Pool, events: list[RecordedEvent]) -> None:
        if not self.complete:
            cache = self.cache
            missing = {d for e in events if (d := draft_id_of(e.stream_id)) is not None and d not in cache}
            if missing:
                async with _connection(conn) as c:
                    cache.update(await load_rows(c, NEXT, sorted(missing)))
        self.dirty |= apply_events(self.cache, events)

    def take(self) -> list[tuple[str, Projected]]:
        """The changed rows as of now, to be written: copies, as the fold goes on changing the cache's
        (the drafts are immutable, so serialising them later still gives the state of now)."""
        cache = self.cache
        rows = [
            (d, Projected(row.version, row.draft, row.updated_at))
            for d in self.dirty
            if (row := cache[d]).draft is not None
        ]
        self.dirty = set()
        if len(cache) > CACHE:
            self.cache, self.complete = {}, False
        return rows


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while folding: the fold keeps millions of small acyclic objects
    (drafts, lines, prices) that refcounting frees, and each collection would walk them (rebuild bench,
    100,000 events: 39,212 events/s with it on, 56,957 off). Cycles made meanwhile are collected after."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@contextlib.asynccontextmanager
async def _connection(conn: asyncpg.Connection | asyncpg.Pool) -> Any:
    if isinstance(conn, asyncpg.Pool):
        async with conn.acquire() as acquired:
            yield acquired
    else:
        yield conn


async def _write(conn: asyncpg.Connection, rows: list[tuple[str, Projected]]) -> None:
    """Write the rows into NEXT (in the caller's transaction): delete the ones there, then COPY them in,
    serialised as the COPY sends them, so the database parses a row while the next is serialised."""
    if not rows:
        return
    await conn.execute(f"DELETE FROM {NEXT} WHERE draft_id = ANY($1::text[])", [d for d, _ in rows])
    values = (row_values(draft_id, row) for draft_id, row in rows)
    await conn.copy_records_to_table(NEXT, records=values, columns=COLUMNS.split(", "))


async def _held_back(pool: asyncpg.Pool, after: Checkpoint) -> bool:
    return bool(await pool.fetchval(read.PENDING, after.transaction_id, after.global_position))


async def _commit(store: EventStore, rows: list[tuple[str, Projected]], checkpoint: Checkpoint) -> None:
    async with store.pool.acquire() as conn, conn.transaction():
        await _write(conn, rows)
        await checkpoints.save(conn, REBUILD, checkpoint)


async def _begin(store: EventStore) -> tuple[Checkpoint, int]:
    """Where to start: the interrupted rebuild's checkpoint and how many events it covers when its table
    is there, else the start of the log and an empty table."""
    async with store.pool.acquire() as conn, conn.transaction():
        kept = await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", NEXT)
        row = await conn.fetchrow(
            "SELECT transaction_id, global_position FROM subscription_checkpoints WHERE name = $1", REBUILD
        )
        if kept and row is not None:
            return Checkpoint(row[0], row[1]), int(await conn.fetchval(_BEHIND, row[0], row[1]))
        await conn.execute(f"DROP TABLE IF EXISTS {NEXT}")
        await conn.execute(f"CREATE TABLE {NEXT} (LIKE {DRAFT_ROWS} INCLUDING ALL)")
        await checkpoints.save(conn, REBUILD, START)
        return START, 0


async def rebuild_drafts(
    store: EventStore,
    progress: Progress = _quiet,
    *,
    page: int = PAGE,
    flush: int = FLUSH,
    every: float = EVERY,
) -> int:
    """Rebuild `draft_rows` from the log into a fresh table (or carry on with the one an interrupted
    rebuild left) and swap it in; returns the events this call read."""
    async with store.pool.acquire() as guard:
        await guard.execute(_LOCK, REBUILD)
        try:
            with _collector_paused():
                return await _rebuild(store, progress, page, flush, every)
        finally:
            with contextlib.suppress(Exception):
                await guard.execute(_UNLOCK, REBUILD)


async def _rebuild(store: EventStore, progress: Progress, page: int, flush: int, every: float) -> int:
    checkpoint, behind = await _begin(store)
    builder = _Builder(complete=checkpoint == START)
    upcasters, pool = store.upcasters, store.pool
    done = written = 0
    writing: asyncio.Task[None] | None = None

    async def settle() -> None:
        nonlocal writing
        if writing is not None:
            task, writing = writing, None
            await task
            progress(behind + written)

    def write() -> None:
        nonlocal writing, written, last
        writing = asyncio.ensure_future(_commit(store, builder.take(), checkpoint))
        written, last = done, time.monotonic()

    last = time.monotonic()
    reading = asyncio.ensure_future(read.read_all(pool, checkpoint, page, upcasters))
    held_until: float | None = None
    try:
        while True:
            events = await reading
            if not events:
                # The horizon: is something committed held back behind an open transaction (any session's
                # on the server)? Then look again, for a while: what is left goes to the live projection.
                held_until = held_until or time.monotonic() + HELD
                if time.monotonic() >= held_until or not await _held_back(pool, checkpoint):
                    break
                await asyncio.sleep(0.01)
                reading = asyncio.ensure_future(read.read_all(pool, checkpoint, page, upcasters))
                continue
            reading = asyncio.ensure_future(read.read_all(pool, events[-1].checkpoint, page, upcasters))
            await builder.apply(pool, events)
            checkpoint = events[-1].checkpoint
            done += len(events)
            if done - written >= flush or time.monotonic() - last >= every:
                await settle()  # one write at a time, in order
                write()
                if not builder.complete:
                    await settle()  # the cache was dropped: later reads of the table must see this write
        await settle()
        if done > written:
            write()  # the rest, outside the live table's lock: the swap below only catches up
            await settle()
    finally:
        for task in (reading, writing):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f"LOCK TABLE {DRAFT_ROWS} IN ACCESS EXCLUSIVE MODE")  # before the checkpoint row
        await conn.execute("SELECT 1 FROM subscription_checkpoints WHERE name = $1 FOR UPDATE", SUBSCRIPTION)
        while events := await read.read_all(conn, checkpoint, page, upcasters):
            await builder.apply(conn, events)
            checkpoint = events[-1].checkpoint
            done += len(events)
        await _write(conn, builder.take())
        await checkpoints.save(conn, SUBSCRIPTION, checkpoint)
        await conn.execute("DELETE FROM subscription_checkpoints WHERE name = $1", REBUILD)
        await conn.execute(f"DROP TABLE {DRAFT_ROWS}")
        await conn.execute(f"ALTER TABLE {NEXT} RENAME TO {DRAFT_ROWS}")
    progress(behind + done)
    return done


async def verify_drafts(store: EventStore, progress: Progress = _quiet) -> list[Difference]:
    """Every difference between the live `draft_rows` and the log folded up to the live checkpoint."""
    async with store.pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        upto = await checkpoints.load(conn, SUBSCRIPTION)
        live = {r[0]: tuple(r) for r in await conn.fetch(f"SELECT {COLUMNS} FROM {DRAFT_ROWS}")}
    rebuilt = await _fold_until(store, upto, progress)
    names = COLUMNS.split(", ")
    differences = []
    for draft_id in sorted(set(live) | set(rebuilt)):
        expected, actual = rebuilt.get(draft_id), live.get(draft_id)
        if expected is None or actual is None:
            differences.append(Difference(draft_id, "row", expected is not None, actual is not None))
            continue
        for name, want, got in zip(names, expected, actual, strict=True):
            if name in JSON_COLUMNS:
                want, got = orjson.loads(want), orjson.loads(got)
            if want != got:
                differences.append(Difference(draft_id, name, want, got))
    return differences


async def _fold_until(store: EventStore, upto: Checkpoint, progress: Progress) -> dict[str, tuple[Any, ...]]:
    projected: dict[str, Projected] = {}
    checkpoint, done = START, 0
    while checkpoint < upto:
        events = await read.read_all(store.pool, checkpoint, PAGE, store.upcasters)
        events = [e for e in events if e.checkpoint <= upto]
        if not events:
            break
        apply_events(projected, events)
        checkpoint = events[-1].checkpoint
        done += len(events)
        progress(done)
    return {d: row_values(d, row) for d, row in projected.items() if row.draft is not None}
