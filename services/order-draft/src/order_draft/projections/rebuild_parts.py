"""Folding the log into `draft_rows_next` in several processes, each one part of the drafts.

The fold is Python, one core's worth per process; a part is the drafts whose stream id hashes to it, read
with a server-side filter, so each process reads, decodes, folds and writes only its own drafts. Each
part writes with its own checkpoint ("rebuild:drafts:P/N") in the same transaction as its rows, so a
killed rebuild resumes every part from where it got to. A part process takes a session lock of its own
(two never fold one part) and ends itself when the rebuild that started it is gone. When its part reaches
the end of the log, its checkpoint moves to the log's last settled event if none of the part's lies
before it, so the swap catches up from near the end whatever the parts' sizes.

A part's process is `python -m order_draft.projections.rebuild_parts`, telling the rebuild on its stdout
what it wrote and where it ended (a JSON line each). It reads with no upcasters: a store with upcasters
(code the process could not know) is rebuilt in one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import sys
from typing import Any

import asyncpg
import orjson

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

DSN_VARIABLE = "REBUILD_DSN"
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
    env = {**os.environ, DSN_VARIABLE: store.dsn}  # not on the command line, where `ps` would show it
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            __name__,
            str(part),
            str(parts),
            str(page),
            str(flush),
            str(every),
            stdout=asyncio.subprocess.PIPE,
            env=env,
        )
        for part in range(parts)
    ]
    lines: asyncio.Queue[bytes] = asyncio.Queue()  # the parts' messages, a JSON line each; b"" at an end

    async def pump(stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            await lines.put(line)
        await lines.put(b"")

    pumps = [asyncio.ensure_future(pump(p.stdout)) for p in processes if p.stdout is not None]
    behind = [b for _, b in starts]
    held = list(behind)
    ended: dict[int, tuple[Checkpoint, int]] = {}
    running = len(pumps)
    try:
        while running:
            line = await lines.get()
            if not line:
                running -= 1
                continue
            part, kind, value = orjson.loads(line)
            if kind == "written":
                held[part] = behind[part] + value
                progress(sum(held))
            elif kind == "ended":
                ended[part] = (Checkpoint(value[0], value[1]), value[2])
            else:
                raise RuntimeError(f"rebuild part {part}/{parts} failed: {value}")
        if len(ended) < parts:
            raise RuntimeError("a rebuild part process ended without finishing")
    finally:
        for task in pumps:
            task.cancel()
        for process in processes:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.terminate()
            await process.wait()
    return min(c for c, _ in ended.values()), sum(n for _, n in ended.values())


def _say(part: int, kind: str, value: Any) -> None:
    sys.stdout.buffer.write(orjson.dumps([part, kind, value]) + b"\n")
    sys.stdout.buffer.flush()


def main() -> None:
    """A part's process (`python -m order_draft.projections.rebuild_parts PART PARTS PAGE FLUSH EVERY`, the
    DSN in REBUILD_DSN): fold the part to the end of the log, saying what it wrote and where it ended."""
    part, parts, page, flush = (int(a) for a in sys.argv[1:5])
    every = float(sys.argv[5])
    gc.disable()  # see rebuild._collector_paused
    try:
        at, done = asyncio.run(_fold_part(os.environ[DSN_VARIABLE], part, parts, page, flush, every))
        _say(part, "ended", [at.transaction_id, at.global_position, done])
    except BaseException as error:
        _say(part, "failed", f"{type(error).__name__}: {error}")
        raise


async def _fold_part(
    dsn: str, part: int, parts: int, page: int, flush: int, every: float
) -> tuple[Checkpoint, int]:
    name = part_names(parts)[part]
    started_by = os.getppid()
    # the lock's session, a page being read, a write, and rows loaded for a resumed part
    pool = await asyncpg.create_pool(dsn, min_size=4, max_size=4, server_settings=SERVER_SETTINGS)
    assert pool is not None
    watch = asyncio.ensure_future(_end_when_orphaned(started_by))
    try:
        async with pool.acquire() as guard:
            await guard.execute(_PART_LOCK, name)  # released with the session
            # read under the lock: a previous run may have moved it
            start = await checkpoints.load(pool, name)
            if await pool.fetchval("SELECT to_regclass($1) IS NULL", NEXT):
                raise RuntimeError(f"{NEXT} is gone")
            return await fold_log(
                pool,
                PartReader(parts, part, Upcasters()),
                name,
                start,
                _Builder(complete=start == START),
                lambda written: _say(part, "written", written),
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
            # the rebuild is gone: stop writing (an open transaction is rolled back with the session)
            os._exit(1)


if __name__ == "__main__":
    main()
