# ruff: noqa: F811  (the `store` fixture is imported from test_rebuild_resumes)
"""A rebuild under concurrent command load: drafts keep receiving events while `rebuild_drafts` runs and
the live projection follows them; a reader keeps querying `draft_rows` and is always answered (never an
error, never an empty table); once the live projection has caught up, the read model equals the log."""

from __future__ import annotations

import asyncio
import time

from test_rebuild_resumes import append_round, edit, new, store  # noqa: F401  (the store fixture)

from order_draft.projections import drafts_subscription, rebuild_drafts, verify_drafts
from order_draft.store import Append, EventStore

DRAFTS = [f"L{n:03d}" for n in range(100)]


async def test_a_rebuild_under_load_keeps_reads_answering_and_ends_equal_to_the_log(
    store: EventStore,
) -> None:
    for version in range(1, 11):
        await append_round(store, DRAFTS, version)
    live = drafts_subscription(store)
    following = asyncio.create_task(live.run())
    await asyncio.wait_for(live.caught_up.wait(), 30)
    stop = asyncio.Event()
    answers: list[int] = []
    slowest = 0.0

    async def command_load() -> int:
        """One event to each draft of one half, then of the other, and so on: one transaction each."""
        written, turn = 0, 0
        while not stop.is_set():
            turn += 1
            half = DRAFTS[: len(DRAFTS) // 2] if turn % 2 else DRAFTS[len(DRAFTS) // 2 :]
            written += await _append(store, half)
            await asyncio.sleep(0.005)
        return written

    async def reader() -> None:
        nonlocal slowest
        while not stop.is_set():
            started = time.perf_counter()
            count = await store.pool.fetchval("SELECT count(*) FROM draft_rows WHERE version >= 1")
            slowest = max(slowest, time.perf_counter() - started)
            answers.append(count)
            await asyncio.sleep(0.002)

    load, reading = asyncio.create_task(command_load()), asyncio.create_task(reader())
    try:
        await asyncio.sleep(0.2)
        rebuilt = await rebuild_drafts(store, page=100, flush=200)
        await asyncio.sleep(0.2)
    finally:
        stop.set()
        written = await load
        await reading
    assert rebuilt >= 1000
    assert written > 0, "no command load ran during the rebuild"
    assert answers, "the reader never got an answer"
    assert min(answers) == len(DRAFTS), f"the reader saw {min(answers)} drafts"
    assert slowest < 5.0

    expected = dict(await store.pool.fetch("SELECT stream_id, max(stream_version) FROM events GROUP BY 1"))
    try:
        async with asyncio.timeout(30):
            while True:
                rows = await store.pool.fetch("SELECT draft_id, version FROM draft_rows")
                if {f"draft-{r[0]}": r[1] for r in rows} == expected:
                    break
                await asyncio.sleep(0.05)
    finally:
        live.stop()
        await following
    assert await verify_drafts(store) == []


async def _append(store: EventStore, draft_ids: list[str]) -> int:
    """The next event of each draft (each at its own version), in one transaction."""
    rows = await store.pool.fetch(
        "SELECT stream_id, max(stream_version) FROM events WHERE stream_id = ANY($1::text[]) GROUP BY 1",
        [f"draft-{d}" for d in draft_ids],
    )
    current = dict(rows)
    versions = [current[f"draft-{d}"] for d in draft_ids]
    appends = [Append(f"draft-{d}", [new(edit(v + 1))], v) for d, v in zip(draft_ids, versions, strict=True)]
    outcomes = await store.append_many(appends)
    assert all(hasattr(o, "stream_version") for o in outcomes), outcomes
    return len(appends)
