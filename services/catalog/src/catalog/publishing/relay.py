"""The relay: outbox rows (`catalog.changes`) to the compacted view topics, strictly in revision order.

Each page is sent with an idempotent producer (acks=all, so a retried send neither duplicates nor
reorders within a partition), and the relay's position moves only after the broker acknowledged the whole
page: at-least-once, a crash republishes at most one page, with the same message ids and revisions.
Only one relay publishes at a time (a session advisory lock), so two catalog instances never interleave
an old value after a newer one on a compacted topic.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from catalog.publishing.messages import Change, headers_of, value_of
from catalog.publishing.topics import VIEW_TOPICS

log = logging.getLogger(__name__)
RELAY_LOCK = 7302_0003

_PAGE_SQL = """
    SELECT revision, kind, key, record::text AS record, correlation_id, causation_id,
           actor::text AS actor, occurred_at
    FROM catalog.changes WHERE revision > $1 ORDER BY revision LIMIT $2"""


class Relay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        bootstrap_servers: str,
        topics: Mapping[str, str] = VIEW_TOPICS,
        name: str = "views",
        page_size: int = 5000,
        poll_interval: float = 0.2,
    ) -> None:
        self.pool, self.bootstrap_servers, self.topics, self.name = pool, bootstrap_servers, topics, name
        self.page_size, self.poll_interval = page_size, poll_interval
        self._producer: AIOKafkaProducer | None = None
        self._wake = asyncio.Event()
        self._stopping = False

    async def position(self) -> int:
        found = await self.pool.fetchval(
            "SELECT revision FROM catalog.relay_positions WHERE relay = $1", self.name
        )
        return int(found or 0)

    async def publish_pending(self) -> int:
        """Publish every change committed so far; returns how many were published."""
        published = 0
        position = await self.position()
        while True:
            rows = await self.pool.fetch(_PAGE_SQL, position, self.page_size)
            if not rows:
                return published
            await self._send([Change(**row) for row in rows])
            position = rows[-1]["revision"]
            await self.pool.execute(
                "INSERT INTO catalog.relay_positions (relay, revision) VALUES ($1, $2)"
                " ON CONFLICT (relay) DO UPDATE SET revision = EXCLUDED.revision",
                self.name,
                position,
            )
            published += len(rows)

    async def _send(self, changes: list[Change]) -> None:
        try:
            producer = await self._ready()
            sent = [
                await producer.send(
                    self.topics[c.kind], value_of(c), key=c.key.encode(), headers=headers_of(c)
                )
                for c in changes
            ]
            await asyncio.gather(*sent)  # every record acknowledged before the position moves
        except KafkaError:
            await self._drop_producer()
            raise

    async def _ready(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self.bootstrap_servers,
                enable_idempotence=True,
                acks="all",
                linger_ms=5,
                max_batch_size=512 * 1024,
                request_timeout_ms=15_000,
            )
            await producer.start()
            self._producer = producer
        return self._producer

    async def _drop_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            with contextlib.suppress(KafkaError, OSError):
                await producer.stop()

    async def close(self) -> None:
        """Stop the producer (after `publish_pending` used alone; `run` closes it itself)."""
        await self._drop_producer()

    def nudge(self) -> None:
        """Something was just committed: publish now rather than at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Publish until stopped, while holding the relay lock; retry after a failure."""
        async with self.pool.acquire() as lock_conn:
            while not self._stopping and not await lock_conn.fetchval(
                "SELECT pg_try_advisory_lock($1)", RELAY_LOCK
            ):
                await self._sleep(2.0)  # another instance publishes; take over when it stops
            try:
                await self._loop()
            finally:
                await self._drop_producer()
                with contextlib.suppress(asyncpg.PostgresError, OSError):
                    await lock_conn.execute("SELECT pg_advisory_unlock($1)", RELAY_LOCK)

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                if await self.publish_pending() == 0:
                    await self._sleep(self.poll_interval)
            except (KafkaError, OSError, asyncpg.PostgresError) as error:
                log.warning("relay failed, retrying", extra={"error": repr(error)})
                await self._sleep(1.0)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()
