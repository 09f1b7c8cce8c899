"""The global read never skips an event committed late, and always agrees with stream versions."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict

import asyncpg
import pytest
from settled_reads import nothing_held_back, read_everything

from order_draft.store import Append, Checkpoint, EventStore, NewEvent, RecordedEvent, WrongExpectedVersion


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
    assert [e.type for e in await read_everything(store)] == ["A", "B", "C"]


async def test_a_rolled_back_append_leaves_no_trace(store: EventStore) -> None:
    async with store.pool.acquire() as slow:
        tx = slow.transaction()
        await tx.start()
        await store.append_many([Append("slow", [NewEvent("A", {})], command_id="c-1")], conn=slow)
        await store.append("fast", [NewEvent("B", {})])
        await tx.rollback()
    assert [e.type for e in await read_everything(store)] == ["B"]
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


async def test_lock_free_appends_racing_on_expected_versions_keep_the_global_order(store: EventStore) -> None:
    """Appends with an expected version take the lock-free statement: races end on the primary key, and
    the global order still agrees with every stream's versions."""
    rng = random.Random(4)
    streams = [f"draft-{i}" for i in range(10)]
    written = 0

    async def writer(w: int) -> None:
        nonlocal written
        for n in range(20):
            stream = rng.choice(streams)
            while True:
                try:
                    version = await store.stream_version(stream)
                    await store.append(stream, [NewEvent("E", {"w": w, "n": n})], expected_version=version)
                    written += 1
                    break
                except WrongExpectedVersion:
                    continue  # another writer won this version: read again, as a command handler would

    await asyncio.gather(*(writer(w) for w in range(12)))
    seen = await read_everything(store)
    assert len(seen) == written == 12 * 20
    assert_agrees_with_stream_versions(seen)
