"""Rebuilding and verifying the drafts read model from the log (what `order-draft rebuild drafts` and
`order-draft verify drafts` run).

Rebuild is blue-green: the log is projected into a fresh `draft_rows_next` while the live table keeps
serving; then, in one transaction holding the live table's lock, the rest of the log is applied, the live
subscription's checkpoint is moved to where the rebuild ended, and the tables swap names. The running
subscription may still hold an older checkpoint in memory: it re-reads a page whose events the new rows
already hold, and skips them (a row applies only versions above its own).

Verify folds the log in memory up to the live subscription's checkpoint, read in the same snapshot as
the live rows, and lists every difference (none when the read model is right).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson

from order_draft.projections.drafts import (
    COLUMNS,
    DRAFT_ROWS,
    SUBSCRIPTION,
    Projected,
    apply_events,
    project,
    row_values,
)
from order_draft.store import START, Checkpoint, EventStore, Subscription, checkpoints, read

Progress = Callable[[int], object]
"""Called with the number of events read so far, after every page."""
NEXT = "draft_rows_next"
REBUILD = "projection:drafts:rebuild"
PAGE = 2000
JSON_COLUMNS = ("totals", "state")  # compared as values: the database orders keys its own way


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


async def rebuild_drafts(store: EventStore, progress: Progress = _quiet) -> int:
    """Rebuild `draft_rows` from the log into fresh tables and swap them in; returns the events read."""
    async with store.pool.acquire() as conn:
        await conn.execute(f"DROP TABLE IF EXISTS {NEXT}")
        await conn.execute(f"CREATE TABLE {NEXT} (LIKE {DRAFT_ROWS} INCLUDING ALL)")
    builder = Subscription(store, REBUILD, in_transaction=partial(project, table=NEXT), batch_size=PAGE)
    builder.checkpoint = START
    done = 0
    while count := await builder.step():
        done += count
        progress(done)
    async with store.pool.acquire() as conn, conn.transaction():
        await conn.execute(f"LOCK TABLE {DRAFT_ROWS} IN ACCESS EXCLUSIVE MODE")  # before the checkpoint row
        await conn.execute("SELECT 1 FROM subscription_checkpoints WHERE name = $1 FOR UPDATE", SUBSCRIPTION)
        checkpoint = builder.checkpoint
        while events := await read.read_all(conn, checkpoint, PAGE, store.upcasters):
            await project(events, conn, NEXT)
            checkpoint = events[-1].checkpoint
            done += len(events)
            progress(done)
        await checkpoints.save(conn, SUBSCRIPTION, checkpoint)
        await conn.execute("DELETE FROM subscription_checkpoints WHERE name = $1", REBUILD)
        await conn.execute(f"DROP TABLE {DRAFT_ROWS}")
        await conn.execute(f"ALTER TABLE {NEXT} RENAME TO {DRAFT_ROWS}")
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
