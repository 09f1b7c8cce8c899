"""Follows the catalog's compacted topics into catalog_records and the in-memory CatalogCopy.

No consumer group: every instance reads every partition, from the offsets stored with the records (or
from the start), so each instance's copy is complete. A page of records and the offsets after it are
written in one transaction; the memory is updated after that commit.
"""

from __future__ import annotations

import asyncio
import logging

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import ValidationError

from contracts.catalog.kinds import KINDS, Kind
from contracts.catalog.record import Record
from order_draft.catalog_copy.copy import CatalogCopy
from order_draft.kafka.topics import ensure_topics

log = logging.getLogger(__name__)
_UPSERT = (
    "INSERT INTO catalog_records (kind, key, revision, record) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (kind, key) DO UPDATE SET revision = EXCLUDED.revision, record = EXCLUDED.record "
    "WHERE catalog_records.revision <= EXCLUDED.revision"
)
_OFFSET = (
    "INSERT INTO catalog_offsets (topic, partition, next_offset) VALUES ($1, $2, $3) "
    "ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset"
)
Change = tuple[Kind, str, Record | None, int]


class CatalogFollower:
    def __init__(
        self, pool: asyncpg.Pool, copy: CatalogCopy, bootstrap_servers: str, topic_prefix: str = ""
    ) -> None:
        self.pool = pool
        self.copy = copy
        self.bootstrap_servers = bootstrap_servers
        self.caught_up = asyncio.Event()  # set once everything published before start is applied
        # topic_prefix lets tests (and a second environment on one cluster) use their own topics
        self._by_topic = {topic_prefix + kind.topic: kind for kind in KINDS.values()}
        self._stopping = asyncio.Event()
        self.skipped = 0  # malformed records (logged, never applied)

    async def run(self) -> None:
        await ensure_topics(self.bootstrap_servers, self._by_topic, compact=True)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers, enable_auto_commit=False, auto_offset_reset="earliest"
        )
        await consumer.start()
        try:
            partitions = await self._assign(consumer)
            ends = await consumer.end_offsets(partitions)
            while not self._stopping.is_set():
                pages = await consumer.getmany(timeout_ms=200, max_records=5000)
                if pages:
                    await self._apply_retrying(pages)
                if not self.caught_up.is_set() and all(
                    await asyncio.gather(*(self._reached(consumer, tp, end) for tp, end in ends.items()))
                ):
                    self.caught_up.set()
                    log.info("catalog copy caught up", extra={"revision": self.copy.revision})
        finally:
            await consumer.stop()

    async def _reached(self, consumer: AIOKafkaConsumer, tp: TopicPartition, end: int) -> bool:
        return bool(await consumer.position(tp) >= end)

    async def _assign(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        stored = {
            (r["topic"], r["partition"]): r["next_offset"]
            for r in await self.pool.fetch("SELECT topic, partition, next_offset FROM catalog_offsets")
        }
        partitions = []
        for topic in self._by_topic:
            for number in sorted(consumer.partitions_for_topic(topic) or await _partitions(consumer, topic)):
                partitions.append(TopicPartition(topic, number))
        consumer.assign(partitions)
        for tp in partitions:
            if (tp.topic, tp.partition) in stored:
                consumer.seek(tp, stored[(tp.topic, tp.partition)])
            else:
                await consumer.seek_to_beginning(tp)
        return partitions

    async def _apply_retrying(self, pages: dict[TopicPartition, list[object]]) -> None:
        """Apply a page, again after a database error: the writes are idempotent (revision-guarded)."""
        for attempt in range(1, 100):
            try:
                await self._apply(pages)
                return
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("catalog copy: applying a page failed; retrying", extra={"error": repr(error)})
                await asyncio.sleep(min(0.05 * attempt, 2.0))
        await self._apply(pages)

    async def _apply(self, pages: dict[TopicPartition, list[object]]) -> None:
        changes: list[Change] = []
        offsets = []
        for tp, records in pages.items():
            kind = self._by_topic[tp.topic]
            for message in records:
                change = self._parse(kind, message)
                if change is not None:
                    changes.append(change)
            offsets.append((tp.topic, tp.partition, records[-1].offset + 1))  # type: ignore[attr-defined]
        async with self.pool.acquire() as conn, conn.transaction():
            # Sorted: several instances may copy the catalog into one database at once; rows locked in one
            # order never deadlock. The last change of a key in the page wins (its revision is highest).
            latest = {(k.name, key): (k, key, r, rev) for k, key, r, rev in changes}
            ordered = [latest[name_key] for name_key in sorted(latest)]
            upserts = [(k.name, key, rev, r.model_dump_json()) for k, key, r, rev in ordered if r is not None]
            deletes = [(k.name, key) for k, key, r, _ in ordered if r is None]
            offsets.sort()
            if upserts:
                await conn.executemany(_UPSERT, upserts)
            if deletes:
                await conn.executemany("DELETE FROM catalog_records WHERE kind = $1 AND key = $2", deletes)
            await conn.executemany(_OFFSET, offsets)
        for kind, key, record, revision in changes:
            self.copy.apply(kind.name, key, record, revision)

    def _parse(self, kind: Kind, message: object) -> Change | None:
        key = message.key.decode() if message.key else ""  # type: ignore[attr-defined]
        value = message.value  # type: ignore[attr-defined]
        if value is None:
            return (kind, key, None, 0)
        try:
            view = kind.view.model_validate_json(value)
        except ValidationError as error:
            self.skipped += 1
            log.error(
                "malformed catalog record skipped",
                extra={"topic": kind.topic, "key": key, "error": str(error)},
            )
            return None
        return (kind, key, view.record, view.catalog_revision)

    def stop(self) -> None:
        self._stopping.set()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    for _ in range(50):  # metadata of a topic created a moment ago
        await consumer._client.force_metadata_update()
        found = consumer.partitions_for_topic(topic)
        if found:
            return set(found)
        await asyncio.sleep(0.1)
    raise RuntimeError(f"topic {topic} has no partitions")
