"""Reading the whole log in tests. An empty `read_all` page means "at the horizon", not "nothing more":
a committed event can wait behind any open transaction that holds an id (the notifier's NOTIFY takes
one), so a test that must see everything written so far reads until nothing is held back."""

from __future__ import annotations

import asyncio

from order_draft.store import START, Checkpoint, EventStore, RecordedEvent, read


async def nothing_held_back(store: EventStore, after: Checkpoint) -> bool:
    """No committed event past `after` waits behind an open transaction (a notifier's, another test's)."""
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
