"""Subscriptions: catch up from a checkpoint, then follow live, handing events to a handler in order.

A transactional handler gets the events and a connection inside a transaction; the checkpoint is saved in
that same transaction, so a projection sees each event exactly once. A non-transactional handler (the
Kafka relay) is called first and the checkpoint saved after it returned: at-least-once. One instance per
subscription name runs at a time (a session advisory lock); another instance waits to take over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import asyncpg

from order_draft.store import checkpoints, read
from order_draft.store.model import Checkpoint, RecordedEvent
from order_draft.store.notify import Listener

if TYPE_CHECKING:
    from order_draft.store.event_store import EventStore

TransactionalHandler = Callable[[list[RecordedEvent], asyncpg.Connection], Awaitable[None]]
Handler = Callable[[list[RecordedEvent]], Awaitable[None]]
log = logging.getLogger(__name__)


class Subscription:
    def __init__(
        self,
        store: EventStore,
        name: str,
        *,
        in_transaction: TransactionalHandler | None = None,
        after_read: Handler | None = None,
        batch_size: int = 1000,
        poll_interval: float = 1.0,
        behind: str | None = None,
        settle: float = 0.0,
    ) -> None:
        """`behind`: the name of another subscription this one never passes (it handles an event only once
        that one has): for a consumer of what the other one writes. `settle`: seconds to wait after a page
        that did not fill, so that a live subscription handles the events of several commits in one step
        (a step costs a few round trips whatever its size) at the price of that much more lag."""
        if (in_transaction is None) == (after_read is None):
            raise ValueError("give exactly one of in_transaction= or after_read=")
        self.store = store
        self.name = name
        self._in_transaction = in_transaction
        self._after_read = after_read
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.behind = behind
        self.settle = settle
        self.checkpoint = Checkpoint()
        self.caught_up = asyncio.Event()
        self._stopping = asyncio.Event()
        self._listener: Listener | None = None

    async def _deliver(self, events: list[RecordedEvent]) -> None:
        pool = self.store.pool
        last = events[-1].checkpoint
        if self._in_transaction is not None:
            async with pool.acquire() as conn, conn.transaction():
                await self._in_transaction(events, conn)
                await checkpoints.save(conn, self.name, last)
        else:
            assert self._after_read is not None
            await self._after_read(events)
            await checkpoints.save(pool, self.name, last)
        self.checkpoint = last

    async def step(self) -> int:
        """Deliver one page; returns how many events it held."""
        events = await read.read_all(self.store.pool, self.checkpoint, self.batch_size, self.store.upcasters)
        if events and self.behind is not None:
            leader = await checkpoints.load(self.store.pool, self.behind)
            events = [e for e in events if e.checkpoint <= leader]  # the rest when the leader has them
        if events:
            await self._deliver(events)
        return len(events)

    async def catch_up(self) -> int:
        """Deliver everything visible now (for rebuilds and tests); returns the number delivered."""
        self.checkpoint = await checkpoints.load(self.store.pool, self.name)
        total = 0
        while n := await self.step():
            total += n
        return total

    async def run(self) -> None:
        """Follow the log until stop(); survives handler and connection errors by retrying the same page."""
        lock = await asyncpg.connect(self.store.dsn)
        listener = self._listener = Listener(self.store.dsn)
        try:
            await lock.execute("SELECT pg_advisory_lock(hashtextextended($1, 7302))", self.name)
            await listener.start()
            self.checkpoint = await checkpoints.load(self.store.pool, self.name)
            await self._follow(listener)
        finally:
            await listener.close()
            with contextlib.suppress(Exception):
                await lock.close()

    async def _follow(self, listener: Listener) -> None:
        backoff = 0.0
        while not self._stopping.is_set():
            try:
                if delivered := await self.step():
                    backoff = 0.0
                    if delivered < self.batch_size and self.settle:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self._stopping.wait(), self.settle)
                    continue
                self.caught_up.set()
                row = (self.checkpoint.transaction_id, self.checkpoint.global_position)
                if await self.store.pool.fetchval(read.PENDING, *row):
                    # Committed events wait behind an open transaction: look again soon.
                    backoff = min(max(backoff * 2, 0.002), 0.05)
                    await asyncio.sleep(backoff)
                    continue
                backoff = 0.0
                await listener.wait(self.poll_interval)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, RuntimeError) as error:
                log.warning("subscription retrying", extra={"subscription": self.name, "error": repr(error)})
                await asyncio.sleep(1.0)

    def stop(self) -> None:
        self._stopping.set()
        if self._listener is not None:
            self._listener.wake()
