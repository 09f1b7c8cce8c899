"""Rebuilding and verifying the drafts read model from the log (what `order-draft rebuild drafts` and
`order-draft verify drafts` run).

Rebuild is blue-green: the log is projected into a fresh `draft_rows_next` while the live table keeps
serving; then, in one transaction holding the live table's lock, the rest of the log is applied, the live
subscription's checkpoint is moved to where the rebuild ended, and the tables swap names. The running
subscription may still hold an older checkpoint in memory: it re-reads a page whose events the new rows
already hold, and skips them (a row applies only versions above its own).

The log is folded in WORKERS processes, each its part of the drafts (rebuild_parts), or with one worker in
this process. Rebuild resumes: every write to `draft_rows_next` commits with the rebuild's own checkpoint
("rebuild:drafts", or one per part: "rebuild:drafts:P/N") in the same transaction, so a rebuild killed
midway leaves the table and the place it got to, and the next rebuild carries on from there (nothing is
served from the half-built table: the swap is the last step). One rebuild runs at a time (a session
advisory lock; a second one waits).

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
from order_draft.store.upcasting import Upcasters

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
WORKERS = 2  # processes folding the log, each its part of the drafts (1: in this process)
HELD = 5.0  # the longest the rebuild waits, at the end of the log, for events held back by open transactions
CACHE = 200_000  # drafts kept folded in memory; past it the cache is dropped after a write
JSON_COLUMNS = ("totals", "state")  # compared as values: the database orders keys its own way
_LOCK = "SELECT pg_advisory_lock(hashtextextended($1, 7302))"
_UNLOCK = "SELECT pg_advisory_unlock(hashtextextended($1, 7302))"
_BEHIND = (
    "SELECT count(*) FROM events WHERE (transaction_id, global_position) <= ($1::bigint::text::xid8, $2)"
)
_PENDING = "SELECT 1 FROM events WHERE (transaction_id, global_position) > ($1::bigint::text::xid8, $2)"
_UPTO = " AND (transaction_id, global_position) <= ($3::bigint::text::xid8, $4)"
_LAST_SETTLED = (
    "SELECT transaction_id::text::bigint, global_position FROM events "
    "WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot()) "
    "ORDER BY transaction_id DESC, global_position DESC LIMIT 1"
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


async def _commit(
    pool: asyncpg.Pool, name: str, rows: list[tuple[str, Projected]], checkpoint: Checkpoint
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await _write(conn, rows)
        await checkpoints.save(conn, name, checkpoint)


def part_names(parts: int) -> list[str]:
    """The rebuild's checkpoint names: one, or one per part of the log (a part: its drafts' events)."""
    return [REBUILD] if parts == 1 else [f"{REBUILD}:{part}/{parts}" for part in range(parts)]


async def _begin(store: EventStore, parts: int) -> list[tuple[Checkpoint, int]]:
    """Where each part starts: the interrupted rebuild's checkpoints and how many events each covers when
    its table is there (and it ran with as many parts), else the start of the log and an empty table."""
    names = part_names(parts)
    async with store.pool.acquire() as conn, conn.transaction():
        kept = await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", NEXT)
        rows = await conn.fetch(
            "SELECT name, transaction_id, global_position FROM subscription_checkpoints "
            "WHERE name = $1 OR name LIKE $1 || ':%'",
            REBUILD,
        )
        found = {r[0]: Checkpoint(r[1], r[2]) for r in rows}
        if kept and set(found) == set(names):
            starts = []
            for part, name in enumerate(names):
                at = found[name]
                behind = await conn.fetchval(
                    _BEHIND + _part_filter(parts, 3),
                    at.transaction_id,
                    at.global_position,
                    *_part_args(parts, part),
                )
                starts.append((at, int(behind)))
            return starts
        await conn.execute(f"DROP TABLE IF EXISTS {NEXT}")
        await conn.execute(f"CREATE TABLE {NEXT} (LIKE {DRAFT_ROWS} INCLUDING ALL)")
        await conn.execute(
            "DELETE FROM subscription_checkpoints WHERE name = $1 OR name LIKE $1 || ':%'", REBUILD
        )
        for name in names:
            await checkpoints.save(conn, name, START)
        return [(START, 0)] * parts


def _part_filter(parts: int, first: int) -> str:
    """The SQL condition "the event's stream is in part $first of $first+1 parts" (none for one part)."""
    if parts == 1:
        return ""
    return f" AND mod(hashtext(stream_id)::bigint + 2147483648, ${first + 1}) = ${first}"


def _part_args(parts: int, part: int) -> tuple[int, ...]:
    return () if parts == 1 else (part, parts)


async def rebuild_drafts(
    store: EventStore,
    progress: Progress = _quiet,
    *,
    page: int = PAGE,
    flush: int = FLUSH,
    every: float = EVERY,
    workers: int = WORKERS,
) -> int:
    """Rebuild `draft_rows` from the log into a fresh table (or carry on with the one an interrupted
    rebuild left with as many workers) and swap it in; returns the events this call read. `workers` > 1:
    the log is folded in that many processes, each one part of the drafts."""
    async with store.pool.acquire() as guard:
        await guard.execute(_LOCK, REBUILD)
        try:
            with _collector_paused():
                return await _rebuild(store, progress, page, flush, every, workers)
        finally:
            with contextlib.suppress(Exception):
                await guard.execute(_UNLOCK, REBUILD)


async def _rebuild(
    store: EventStore, progress: Progress, page: int, flush: int, every: float, workers: int
) -> int:
    if store.upcasters:
        workers = 1  # upcasters are code the part processes could not know (see rebuild_parts)
    starts = await _begin(store, workers)
    upcasters, pool = store.upcasters, store.pool
    if workers == 1:
        [(start, behind)] = starts
        builder = _Builder(complete=start == START)
        reader = PartReader(1, 0, upcasters)
        checkpoint, done = await fold_log(
            pool, reader, REBUILD, start, builder, lambda n: progress(behind + n), page, flush, every
        )
    else:
        from order_draft.projections import rebuild_parts  # a process per part

        behind = sum(b for _, b in starts)
        builder = _Builder(complete=False)  # the rows are in the table, written by the parts
        checkpoint, done = await rebuild_parts.fold_parts(store, starts, progress, page, flush, every)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f"LOCK TABLE {DRAFT_ROWS} IN ACCESS EXCLUSIVE MODE")  # before the checkpoint row
        await conn.execute("SELECT 1 FROM subscription_checkpoints WHERE name = $1 FOR UPDATE", SUBSCRIPTION)
        while events := await read.read_all(conn, checkpoint, page, upcasters):
            await builder.apply(conn, events)
            checkpoint = events[-1].checkpoint
            done += len(events)
        await _write(conn, builder.take())
        await checkpoints.save(conn, SUBSCRIPTION, checkpoint)
        await conn.execute(
            "DELETE FROM subscription_checkpoints WHERE name = $1 OR name LIKE $1 || ':%'", REBUILD
        )
        await conn.execute(f"DROP TABLE {DRAFT_ROWS}")
        await conn.execute(f"ALTER TABLE {NEXT} RENAME TO {DRAFT_ROWS}")
    progress(behind + done)
    return done


class PartReader:
    """Pages of the log, of one part's drafts (the streams whose hashed id falls in it) or all of it."""

    def __init__(self, parts: int, part: int, upcasters: Upcasters) -> None:
        self.args, self.upcasters = _part_args(parts, part), upcasters
        self.sql = (
            f"SELECT {read._COLUMNS} FROM events "  # the store's own columns, for its decode
            "WHERE (transaction_id, global_position) > ($1::bigint::text::xid8, $2) "
            "  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())" + _part_filter(parts, 4) + " "
            "ORDER BY events.transaction_id, events.global_position LIMIT $3"
        )
        self.pending = f"SELECT EXISTS ({_PENDING}{_part_filter(parts, 3)})"
        self.between = f"SELECT EXISTS ({_PENDING}{_UPTO}{_part_filter(parts, 5)})"

    async def page(
        self, conn: asyncpg.Connection | asyncpg.Pool, after: Checkpoint, limit: int
    ) -> list[RecordedEvent]:
        rows = await conn.fetch(self.sql, after.transaction_id, after.global_position, limit, *self.args)
        return read.decode(rows, self.upcasters)

    async def settled_end(self, pool: asyncpg.Pool, after: Checkpoint) -> Checkpoint | None:
        """For a part at its end: the whole log's last event below the horizon, when none of the part's
        lies between `after` and it (the part holds everything up to there, so its checkpoint may move
        there, and the swap catches up from near the end of the log); else None."""
        if not self.args:
            return None
        row = await pool.fetchrow(_LAST_SETTLED)
        if row is None or Checkpoint(row[0], row[1]) <= after:
            return None
        last = Checkpoint(row[0], row[1])
        between = (after.transaction_id, after.global_position, last.transaction_id, last.global_position)
        return None if await pool.fetchval(self.between, *between, *self.args) else last

    async def held_back(self, pool: asyncpg.Pool, after: Checkpoint) -> bool:
        """Committed events of the part past `after` that the read held back behind an open transaction."""
        return bool(
            await pool.fetchval(self.pending, after.transaction_id, after.global_position, *self.args)
        )


async def fold_log(
    pool: asyncpg.Pool,
    reader: PartReader,
    name: str,
    checkpoint: Checkpoint,
    builder: _Builder,
    progress: Progress,
    page: int,
    flush: int,
    every: float,
) -> tuple[Checkpoint, int]:
    """Fold the log (or a part) from `checkpoint` into NEXT, writing with the checkpoint `name`, to the end
    of the log; returns the checkpoint reached and the events read. `progress` gets the events written."""
    done = written = 0
    writing: asyncio.Task[None] | None = None

    async def settle() -> None:
        nonlocal writing
        if writing is not None:
            task, writing = writing, None
            await task
            progress(written)

    def write() -> None:
        nonlocal writing, written, last
        writing = asyncio.ensure_future(_commit(pool, name, builder.take(), checkpoint))
        written, last = done, time.monotonic()

    last = time.monotonic()
    reading = asyncio.ensure_future(reader.page(pool, checkpoint, page))
    held_until: float | None = None
    moved = False
    try:
        while True:
            events = await reading
            if not events:
                # The horizon: is something committed held back behind an open transaction (any session's
                # on the server)? Then look again, for a while: what is left goes to the live projection.
                held_until = held_until or time.monotonic() + HELD
                if time.monotonic() >= held_until or not await reader.held_back(pool, checkpoint):
                    if (end := await reader.settled_end(pool, checkpoint)) is not None:
                        checkpoint, moved = end, True
                    break
                await asyncio.sleep(0.01)
                reading = asyncio.ensure_future(reader.page(pool, checkpoint, page))
                continue
            reading = asyncio.ensure_future(reader.page(pool, events[-1].checkpoint, page))
            await builder.apply(pool, events)
            checkpoint = events[-1].checkpoint
            done += len(events)
            if done - written >= flush or time.monotonic() - last >= every:
                await settle()  # one write at a time, in order
                write()
                if not builder.complete:
                    await settle()  # the cache was dropped: later reads of the table must see this write
        await settle()
        if done > written or moved:
            write()  # the rest, outside the live table's lock: the swap only catches up
            await settle()
    finally:
        for task in (reading, writing):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
    return checkpoint, done


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
