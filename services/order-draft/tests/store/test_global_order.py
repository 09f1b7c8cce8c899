"""The global read never skips an event committed late, and always agrees with stream versions."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict

import asyncpg
import pytest

from order_draft.store import START, Append, Checkpoint, EventStore, NewEvent, RecordedEvent, read


async def nothing_held_back(store: EventStore, after: Checkpoint) -> bool:
    """No committed event past `after` waits behind an open transaction (a notifier's, another test's):
    an empty page alone does not mean the reader has everything, only that it is at the horizon."""
    return not await store.pool.fetchval(read.PENDING, after.transaction_id, after.global_position)


async def read_everything(store: EventStore, page: int = 7) -> list[RecordedEvent]:
    seen: list[RecordedEvent] = []
    after = START
    while True:
        batch = await store.read_all(after, page)
        if batch:
            seen += batch
            after = batch[-1].checkpoint
        elif await nothing_held_back(store, after):
            return seen
        else:
            await asyncio.sleep(0.001)


def assert_agrees_with_stream_versions(seen: list[RecordedEvent]) -> None:
    last: dict[str, int] = defaultdict(int)
    for event in seen:
        assert event.stream_version == last[event.stream_id] + 1, f"{event.stream_id} out of order"
        last[event.stream_id] = event.stream_version


async def test_an_open_transaction_holds_back_the_read_until_it_commits(store: EventStore) -> None:
    async with store.pool.acquire() as slow:
        tx = slow.transaction()
        await tx.start()
        await store.append_many([Append("slow", [NewEvent("A", {})])], conn=slow)
        await store.append("fast", [NewEvent("B", {}), NewEvent("C", {})])
        assert await store.read_all() == []  # "fast" committed, but after "slow" began
        await tx.commit()
    assert [e.type for e in await store.read_all()] == ["A", "B", "C"]


async def test_a_rolled_back_append_leaves_no_trace(store: EventStore) -> None:
    async with store.pool.acquire() as slow:
        tx = slow.transaction()
        await tx.start()
        await store.append_many([Append("slow", [NewEvent("A", {})], command_id="c-1")], conn=slow)
        await store.append("fast", [NewEvent("B", {})])
        await tx.rollback()
    assert [e.type for e in await store.read_all()] == ["B"]
    assert await store.stream_version("slow") == 0
    again = await store.append("slow", [NewEvent("A2", {})], command_id="c-1")
    assert not again.duplicate  # the rolled-back command id was never recorded


async def test_a_writer_that_got_its_id_first_must_retry_rather_than_sort_before_a_later_version(
    store: EventStore,
) -> None:
    async with store.pool.acquire() as early:
        tx = early.transaction()
        await tx.start()
        await early.execute("SELECT pg_current_xact_id()")  # e.g. a command claimed before the stream is read
        await store.append("draft-1", [NewEvent("First", {})])  # a later transaction commits version 1
        with pytest.raises(asyncpg.SerializationError):
            await store.append_many([Append("draft-1", [NewEvent("Second", {})])], conn=early)
        await tx.rollback()
    await store.append("draft-1", [NewEvent("Second", {})])  # the retry, in a new transaction
    seen = await read_everything(store)
    assert [e.type for e in seen] == ["First", "Second"]
    assert_agrees_with_stream_versions(seen)


async def test_many_concurrent_writers_every_event_exactly_once_in_stream_order(store: EventStore) -> None:
    rng = random.Random(20261204)
    streams = [f"draft-{i}" for i in range(40)]
    written: list[str] = []

    async def writer(w: int) -> None:
        for n in range(25):
            batch = [NewEvent("E", {"w": w, "n": n, "k": k}) for k in range(rng.randint(1, 3))]
            await store.append(rng.choice(streams), batch)
            written.extend(f"{w}-{n}-{k}" for k in range(len(batch)))

    follower_seen: list[RecordedEvent] = []
    done = asyncio.Event()

    async def follower() -> None:  # reads while the writers write, as a subscription does
        after = Checkpoint()
        while True:
            batch = await store.read_all(after, 50)
            follower_seen.extend(batch)
            if batch:
                after = batch[-1].checkpoint
            elif done.is_set() and await nothing_held_back(store, after):
                return
            else:
                await asyncio.sleep(0.001)

    following = asyncio.create_task(follower())
    await asyncio.gather(*(writer(w) for w in range(20)))
    done.set()
    await following

    for seen in (await read_everything(store), follower_seen):
        ids = [f"{e.payload['w']}-{e.payload['n']}-{e.payload['k']}" for e in seen]
        assert len(ids) == len(set(ids)) == len(written)
        assert set(ids) == set(written)
        assert len({e.event_id for e in seen}) == len(seen)  # ids the database assigned
        assert_agrees_with_stream_versions(seen)
