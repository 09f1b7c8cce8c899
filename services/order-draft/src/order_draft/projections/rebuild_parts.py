"""Folding the log into `draft_rows_next` in several processes, each one part of the drafts.

The fold is Python, one core's worth per process; a part is the drafts whose stream id hashes to it, read
with a server-side filter, so each process reads, decodes, folds and writes only its own drafts. Each
part writes with its own checkpoint ("rebuild:drafts:P/N") in the same transaction as its rows, so a
killed rebuild resumes every part from where it got to. A part process takes a session lock of its own
(two never fold one part) and ends itself when the rebuild that started it is gone. When its part reaches
the end of the log, its checkpoint moves to the log's last settled event if none of the part's lies
before it, so the swap catches up from near the end whatever the parts' sizes.

The processes are started with multiprocessing's "spawn": the program's main module is imported again in
each, so a script that rebuilds must keep its work under `if __name__ == "__main__":` (the CLI and
bench/rebuild.py do).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import os
import queue
from typing import Any

import asyncpg

from order_draft.projections.rebuild import (
    NEXT,
    PartReader,
    Progress,
    _Builder,
    fold_log,
    part_names,
)
from order_draft.store import START, Checkpoint, EventStore, checkpoints
from order_draft.store.event_store import SERVER_SETTINGS
from order_draft.store.upcasting import Upcasters

_PART_LOCK = "SELECT pg_advisory_lock(hashtextextended($1, 7302))"
_ORPHAN_CHECK = 0.5  # s between two looks at whether the rebuild that started this part is still there


async def fold_parts(
    store: EventStore,
    starts: list[tuple[Checkpoint, int]],
    progress: Progress,
    page: int,
    flush: int,
    every: float,
) -> tuple[Checkpoint, int]:
    """Fold every part to the end of the log, one process each; returns the lowest checkpoint the parts
    reached (the swap catches up from there, each row skipping the versions it holds) and the events
    they read. `progress` gets the events the table holds, all parts together."""
    parts = len(starts)
    context = multiprocessing.get_context("spawn")
    messages: Any = context.Queue()
    processes = [
        context.Process(
            target=_work,
            args=(store.dsn, part, parts, page, flush, every, store.upcasters, messages),
            name=f"rebuild drafts {part}/{parts}",
            daemon=True,
        )
        for part in range(parts)
    ]
    for process in processes:
        process.start()
    behind = [b for _, b in starts]
    held = list(behind)
    ended: dict[int, tuple[Checkpoint, int]] = {}
    loop = asyncio.get_running_loop()
    try:
        while len(ended) < parts:
            message = await loop.run_in_executor(None, _next, messages)
            if message is None:
                if any(p.exitcode not in (None, 0) for p in processes):
                    raise RuntimeError("a rebuild part process ended without finishing")
                continue
            kind, part, value = message
            if kind == "written":
                held[part] = behind[part] + value
                progress(sum(held))
            elif kind == "ended":
                ended[part] = value
            else:
                raise RuntimeError(f"rebuild part {part}/{parts} failed: {value}")
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            await loop.run_in_executor(None, process.join)
    return min(c for c, _ in ended.values()), sum(n for _, n in ended.values())


def _next(messages: Any) -> Any:
    with contextlib.suppress(queue.Empty):
        return messages.get(timeout=_ORPHAN_CHECK)
    return None


def _work(
    dsn: str, part: int, parts: int, page: int, flush: int, every: float, upcasters: Upcasters, out: Any
) -> None:
    """A part's process: fold it to the end of the log; tell the rebuild what it wrote and where it
    ended."""
    gc.disable()  # see rebuild._collector_paused
    try:
        ended = asyncio.run(_fold_part(dsn, part, parts, page, flush, every, upcasters, out))
        out.put(("ended", part, ended))
    except BaseException as error:
        out.put(("failed", part, f"{type(error).__name__}: {error}"))
        raise


async def _fold_part(
    dsn: str, part: int, parts: int, page: int, flush: int, every: float, upcasters: Upcasters, out: Any
) -> tuple[Checkpoint, int]:
    name = part_names(parts)[part]
    started_by = os.getppid()
    pool = await asyncpg.create_pool(dsn, min_size=3, max_size=3, server_settings=SERVER_SETTINGS)
    assert pool is not None
    watch = asyncio.ensure_future(_end_when_orphaned(started_by))
    try:
        async with pool.acquire() as guard:
            await guard.execute(_PART_LOCK, name)  # released with the session
            start = await checkpoints.load(
                pool, name
            )  # read under the lock: a previous run may have moved it
            if await pool.fetchval("SELECT to_regclass($1) IS NULL", NEXT):
                raise RuntimeError(f"{NEXT} is gone")
            return await fold_log(
                pool,
                PartReader(parts, part, upcasters),
                name,
                start,
                _Builder(complete=start == START),
                lambda written: out.put(("written", part, written)),
                page,
                flush,
                every,
            )
    finally:
        watch.cancel()
        await pool.close()


async def _end_when_orphaned(started_by: int) -> None:
    while True:
        await asyncio.sleep(_ORPHAN_CHECK)
        if os.getppid() != started_by:
            os._exit(
                1
            )  # the rebuild is gone: stop writing (an open transaction is rolled back with the session)
