"""The command consumer: batches from Kafka, one durable decision step per batch, replies, then offsets.

Per batch: parse every record (what cannot be parsed goes to the dead-letter topic with the reason and
the original bytes); hand the commands to the batch handler, which commits their events and replies to
PostgreSQL in one transaction (group commit: one fsync for many drafts' commands); publish the replies
and dead letters. The next batch is fetched and decided while they are in flight: a background chain
waits, batch after batch in order, for the broker's acknowledgement of a batch's replies and only then
commits its Kafka offsets, with explicit offsets (a commit without them would cover everything fetched
so far). A reply that cannot be delivered stops the chain (no later offset is committed, as it would
cover the failed batch) and the processor. A crash anywhere replays the batches whose offsets were not
committed; the stored replies make that harmless (a processed command id answers with its first reply).
"""

from __future__ import annotations

import asyncio
import base64
import collections
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import (
    AIOKafkaConsumer,
    AIOKafkaProducer,
    ConsumerRebalanceListener,
    ConsumerRecord,
    TopicPartition,
)
from aiokafka.errors import CommitFailedError, KafkaError
from aiokafka.structs import OffsetAndMetadata
from pydantic import TypeAdapter, ValidationError

from contracts.dead_letter import DeadLetter
from contracts.order_draft.commands import OrderDraftCommand
from order_draft import metrics
from order_draft.kafka.partitioning import KeyPartitioner

log = logging.getLogger(__name__)
_COMMANDS: TypeAdapter[Any] = TypeAdapter(OrderDraftCommand)


@dataclass(frozen=True, slots=True)
class Reply:
    topic: str
    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()  # correlation_id and type, as clients match on them


# Batches whose replies may be in flight at once, unacknowledged: enough to keep deciding while a batch's
# acknowledgements come back, few enough that a stuck broker stops the loop soon.
MAX_IN_FLIGHT = 8
# At most one offset commit in flight, and at most one every COMMIT_EVERY_S, each covering every batch
# acknowledged until then: an offset commit is a write on the broker, and one per batch (~150/s at
# 500 commands/s) took Kafka from 0.27 to 0.41 cores. A later commit only means a longer replay after a
# crash, and a replayed command is answered with its stored reply.
COMMIT_EVERY_S = 0.1
REVOKE_FLUSH_S = 5.0
# A fetch is answered once 64 KB of commands are there or 4 ms have passed. Answered at the first
# command (the default), a batch at 500 commands/s held ~3 of them, and every part of the path (this
# loop, PostgreSQL, Kafka, the read side) paid its per-batch cost ~170 times a second on 2 saturated
# cores. With the wait a batch holds ~6; in full runs (docs/commands.md) the service used 0.38 cores
# instead of 0.45 and Kafka 0.26 instead of 0.30 at 500/s, with p50/p99 the same within the noise
# (8 ms gave the same p99 and a median ~5 ms higher).
FETCH_MIN_BYTES = 64 * 1024
FETCH_MAX_WAIT_MS = 4

# Batches of at least PIPELINE_MIN commands are decided while the batch before commits (a handler with
# prepare/commit): +9 % commands/s at saturation (quick runs, docs/commands.md). A small batch (low load)
# is not: deciding it held the loop while the batch before had committed, so that batch's replies waited
# (p99 at 500/s 27-31 -> 36-49 ms when every batch was pipelined).
PIPELINE_MIN = 32

BatchHandler = Callable[[Sequence[Any]], Awaitable[Sequence[Reply]]]


@dataclass(frozen=True, slots=True)
class Topics:
    commands: str
    replies: str
    dead_letters: str


class CommandProcessor:
    def __init__(
        self,
        bootstrap_servers: str,
        topics: Topics,
        handle: BatchHandler,
        *,
        group_id: str = "order-draft",
        max_batch: int = 500,
        session_timeout_ms: int = 10000,
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.topics = topics
        self.handle = handle
        self.group_id = group_id
        self.max_batch = max_batch
        self.session_timeout_ms = session_timeout_ms
        self.ready = asyncio.Event()  # set once partitions are assigned
        self._stopping = asyncio.Event()
        self.processed = 0
        self.dead_lettered = 0
        self._settling: collections.deque[asyncio.Task[None]] = collections.deque()  # in batch order
        self._failed: BaseException | None = None  # a batch's replies could not be delivered
        self._acknowledged: dict[TopicPartition, OffsetAndMetadata] = {}  # not committed yet
        self._committing: asyncio.Task[None] | None = None
        self._hurry = asyncio.Event()  # set while flushing: commit without pausing
        # A handler with prepare/commit is pipelined: the next batch is decided while this one commits.
        self._pending: asyncio.Task[None] | None = None  # its commit, then its replies queued

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            group_id=self.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=self.max_batch,
            fetch_min_bytes=FETCH_MIN_BYTES,
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
            session_timeout_ms=self.session_timeout_ms,
            heartbeat_interval_ms=max(self.session_timeout_ms // 4, 500),
        )
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers,
            enable_idempotence=True,
            acks="all",
            linger_ms=0,  # a batch's replies are queued without a yield between them: no wait to fill
            max_batch_size=1024 * 1024,  # a batch's replies in few requests (16 KB per partition by default)
            partitioner=KeyPartitioner(),
        )
        await producer.start()
        consumer.subscribe([self.topics.commands], listener=_FlushOnRevoke(self, consumer))
        await consumer.start()
        try:
            while not self._stopping.is_set() and self._failed is None:
                pages = await consumer.getmany(timeout_ms=100, max_records=self.max_batch)
                if consumer.assignment():
                    self.ready.set()
                if pages:
                    await self._process(consumer, producer, pages)
                elif self._pending is not None and self._pending.done():
                    await self._committed()  # raises what the commit raised
        finally:
            await self.flush()  # the last batches' offsets, before leaving the group
            await consumer.stop()
            await producer.stop()
        await self._committed()
        if self._failed is not None:
            raise self._failed

    async def _process(
        self,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        pages: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]],
    ) -> None:
        started = time.perf_counter()
        commands, dead = [], []
        for records in pages.values():
            for record in records:
                try:
                    commands.append(_COMMANDS.validate_json(record.value or b""))
                except ValidationError as error:
                    dead.append(self._dead_letter(record, _reason(error)))
        offsets = {tp: OffsetAndMetadata(records[-1].offset + 1, "") for tp, records in pages.items()}
        prepare = getattr(self.handle, "prepare", None)
        if prepare is not None and len(commands) >= PIPELINE_MIN:
            # Decided while the batch before commits (on top of its drafts); committed once it is.
            try:
                prepared = await prepare(commands)
            finally:
                await self._committed()
            self._pending = asyncio.create_task(
                self._commit_then_send(consumer, producer, prepared, dead, offsets, started, len(commands))
            )
        else:
            await self._committed()
            replies = await self.handle(commands) if commands else []  # durable in PostgreSQL on return
            await self._send(consumer, producer, replies, dead, offsets, started, len(commands))
        self.processed += len(commands)
        self.dead_lettered += len(dead)
        metrics.DEAD_LETTERS.inc(len(dead))
        metrics.BATCH_SIZE.observe(len(commands))
        metrics.CONSUMER_LAG.set(
            sum(
                consumer.highwater(tp) - offsets[tp].offset
                for tp in offsets
                if consumer.highwater(tp) is not None
            )
        )
        log.debug(
            "batch",
            extra={"commands": len(commands), "dead": len(dead), "ms": (time.perf_counter() - started) * 1e3},
        )

    async def _committed(self) -> None:
        """Wait for the pipelined batch before (committed, its replies queued); raise what it raised."""
        pending, self._pending = self._pending, None
        if pending is not None:
            await pending

    async def _commit_then_send(
        self,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        prepared: Any,
        dead: list[Reply],
        offsets: dict[TopicPartition, OffsetAndMetadata],
        started: float,
        size: int,
    ) -> None:
        replies = await self.handle.commit(prepared)  # type: ignore[attr-defined]  # durable on return
        await self._send(consumer, producer, replies, dead, offsets, started, size)

    async def _send(
        self,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        replies: Sequence[Reply],
        dead: list[Reply],
        offsets: dict[TopicPartition, OffsetAndMetadata],
        started: float,
        size: int,
    ) -> None:
        """Queue a committed batch's replies and dead letters, in batch order; its offsets follow them."""
        sent = [await producer.send(r.topic, r.value, key=r.key, headers=list(r.headers)) for r in replies]
        sent += [await producer.send(self.topics.dead_letters, d.value, key=d.key) for d in dead]
        # Not awaited here: waiting for the acknowledgements held the next batch back by a round trip
        # (docs/commands.md). The chain commits these offsets once they are acknowledged, in batch order.
        previous = self._settling[-1] if self._settling else None
        self._settling.append(
            asyncio.create_task(self._settle(consumer, sent, offsets, previous, started, size))
        )
        while self._settling and self._settling[0].done():
            self._settling.popleft()
        if len(self._settling) > MAX_IN_FLIGHT:
            await asyncio.wait([self._settling[0]])

    async def _settle(
        self,
        consumer: AIOKafkaConsumer,
        sent: list[asyncio.Future[Any]],
        offsets: dict[TopicPartition, OffsetAndMetadata],
        previous: asyncio.Task[None] | None,
        started: float,
        size: int,
    ) -> None:
        """Commit a batch's offsets once its replies are acknowledged and every earlier batch's offsets
        are committed; a delivery failure here or earlier commits nothing and stops the processor."""
        acknowledged = await asyncio.gather(*sent, return_exceptions=True)
        if previous is not None:
            await asyncio.wait([previous])  # in order: a later batch's offsets never land before an earlier's
        if self._failed is not None:
            return
        failures = [a for a in acknowledged if isinstance(a, BaseException)]
        if failures:
            log.error("replies not delivered: no offsets from here on", extra={"error": repr(failures[0])})
            self._failed = failures[0]
            return
        metrics.BATCH_SECONDS.observe(time.perf_counter() - started)
        log.debug("acknowledged", extra={"commands": size, "ms": (time.perf_counter() - started) * 1e3})
        self._acknowledged.update(offsets)  # in batch order: a partition's offset only moves forward
        if self._committing is None or self._committing.done():
            self._committing = asyncio.create_task(self._commit(consumer))

    async def _commit(self, consumer: AIOKafkaConsumer) -> None:
        while self._acknowledged:
            offsets, self._acknowledged = self._acknowledged, {}
            try:
                await consumer.commit(offsets)
            except CommitFailedError as error:  # rebalanced: the new owner replays; idempotency answers it
                log.warning("offset commit failed after a rebalance", extra={"error": str(error)})
            except KafkaError as error:  # the next commit of these partitions covers it; else a replay does
                log.warning("offset commit failed", extra={"error": repr(error)})
            if not self._hurry.is_set():  # what is acknowledged meanwhile goes in the next commit
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._hurry.wait(), COMMIT_EVERY_S)

    async def flush(self) -> None:
        """Wait for every batch in flight and commit the offsets of those acknowledged, without pausing."""
        self._hurry.set()
        try:
            if self._pending is not None:
                await asyncio.wait([self._pending])  # what it raised is raised by the loop (_committed)
            if self._settling:
                await asyncio.wait([self._settling[-1]])
            if self._committing is not None:
                await asyncio.wait([self._committing])
        finally:
            self._hurry.clear()

    def _dead_letter(self, record: ConsumerRecord[bytes, bytes], reason: str) -> Reply:
        raw = record.value or b""
        try:
            value, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            value, encoding = base64.b64encode(raw).decode(), "base64"
        letter = DeadLetter(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key.decode(errors="replace") if record.key else None,
            value=value,
            value_encoding=encoding,  # type: ignore[arg-type]
            reason=reason,
            consumer=self.group_id,
        )
        log.warning("dead-lettered", extra={"offset": record.offset, "reason": reason[:300]})
        return Reply(self.topics.dead_letters, record.key or b"", letter.model_dump_json().encode())

    def stop(self) -> None:
        self._stopping.set()


class _FlushOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    """Before partitions move to another instance, commit what this one has answered (fewer replays)."""

    def __init__(self, processor: CommandProcessor, consumer: AIOKafkaConsumer) -> None:
        self.processor = processor
        self.consumer = consumer

    async def on_partitions_revoked(self, revoked: Any) -> None:
        try:
            await asyncio.wait_for(self.processor.flush(), REVOKE_FLUSH_S)
        except TimeoutError:  # the new owner replays the rest; idempotency answers it
            log.warning("offsets not flushed before a rebalance")

    async def on_partitions_assigned(self, assigned: Any) -> None:
        pass


def _reason(error: ValidationError) -> str:
    problems = [f"{'.'.join(map(str, e['loc'])) or 'message'}: {e['msg']}" for e in error.errors()[:10]]
    return "not a valid order-draft command: " + "; ".join(problems)
