"""Subscriptions: in order, exactly once into Postgres, held back by open transactions, live."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from settled_reads import read_everything

from order_draft.store import Append, EventStore, NewEvent, RecordedEvent, Subscription


async def count_rows(conn: asyncpg.Connection | asyncpg.Pool) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM seen"))


async def test_a_projection_sees_each_event_exactly_once_even_when_a_page_fails(store: EventStore) -> None:
    await store.pool.execute("CREATE TABLE seen (event_id uuid PRIMARY KEY)")
    for i in range(30):
        await store.append(f"draft-{i % 4}", [NewEvent("E", {"i": i})])
    assert len(await read_everything(store)) == 30  # none held back by a notifier: catch_up sees them all
    failures = {"left": 1}

    async def project(events: list[RecordedEvent], conn: asyncpg.Connection) -> None:
        await conn.executemany("INSERT INTO seen VALUES ($1)", [(e.event_id,) for e in events])
        if failures["left"] and await count_rows(conn) > 10:
            failures["left"] -= 1
            raise RuntimeError("crash after writing rows, before the checkpoint")

    crashing = Subscription(store, "seen", in_transaction=project, batch_size=8)
    with pytest.raises(RuntimeError):
        await crashing.catch_up()
    assert await count_rows(store.pool) == 8  # the failed page left nothing behind

    resumed = Subscription(store, "seen", in_transaction=project, batch_size=8)
    assert await resumed.catch_up() == 22
    assert await count_rows(store.pool) == 30


async def test_a_live_subscription_waits_for_an_open_transaction_then_delivers_in_order(
    store: EventStore,
) -> None:
    delivered: list[str] = []

    async def remember(events: list[RecordedEvent]) -> None:
        delivered.extend(e.type for e in events)

    subscription = Subscription(store, "live", after_read=remember, poll_interval=5.0)
    running = asyncio.create_task(subscription.run())
    await asyncio.wait_for(subscription.caught_up.wait(), 10)

    async with store.pool.acquire() as slow:
        tx = slow.transaction()
        await tx.start()
        await store.append_many([Append("slow", [NewEvent("A", {})])], conn=slow)
        await store.append("fast", [NewEvent("B", {})])
        await asyncio.sleep(0.3)
        assert delivered == []  # B is committed but must not pass A
        await tx.commit()
    store.appended()
    await wait_until(lambda: len(delivered) == 2)
    assert delivered == ["A", "B"]

    await store.append("fast", [NewEvent("C", {})])  # woken by the notification, not the 5 s poll
    await wait_until(lambda: len(delivered) == 3, timeout=2.0)
    subscription.stop()
    await asyncio.wait_for(running, 10)


async def wait_until(condition: object, timeout: float = 10.0) -> None:
    assert callable(condition)
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)
