"""The outbox relay: every committed event to Kafka, from the log (never a dual write).

It is a subscription whose checkpoint moves only after the broker acknowledged every event of the page
(acks=all, idempotent producer, key = stream id so one draft's events stay in order on one partition).
At-least-once: a crash between publish and checkpoint republishes that page. If the broker fails, the
producer is replaced and the page is sent again from the checkpoint, so order per stream is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from order_draft.kafka.partitioning import KeyPartitioner
from order_draft.store import codec
from order_draft.store.event_store import EventStore
from order_draft.store.model import RecordedEvent
from order_draft.store.subscription import Subscription

EVENTS_TOPIC = "order-draft.events.v1"
log = logging.getLogger(__name__)


def to_message(event: RecordedEvent) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    value = codec.dumps(
        {
            "event_id": event.event_id,
            "stream_id": event.stream_id,
            "stream_version": event.stream_version,
            "type": event.type,
            "schema_version": event.schema_version,
            "payload": event.payload,
            "metadata": event.metadata,
            "recorded_at": event.recorded_at,
            "global_position": event.global_position,
            "transaction_id": event.transaction_id,
        }
    ).encode()
    headers = [
        ("type", event.type.encode()),
        ("schema_version", str(event.schema_version).encode()),
        ("event_id", str(event.event_id).encode()),
        ("stream_version", str(event.stream_version).encode()),
    ]
    for key in ("correlation_id", "causation_id", "command_id"):
        if (value_of := event.metadata.get(key)) is not None:
            headers.append((key, str(value_of).encode()))
    return event.stream_id.encode(), value, headers


class KafkaRelay:
    def __init__(
        self,
        store: EventStore,
        bootstrap_servers: str,
        topic: str = EVENTS_TOPIC,
        batch_size: int = 2000,
        behind: str | None = None,
        settle: float = 0.0,
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic
        self._producer: AIOKafkaProducer | None = None
        self.subscription = Subscription(
            store,
            f"relay:{topic}",
            after_read=self._publish,
            batch_size=batch_size,
            poll_interval=0.5,
            behind=behind,
            settle=settle,
        )

    async def _producer_ready(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self.bootstrap_servers,
                enable_idempotence=True,
                acks="all",
                linger_ms=2,
                max_batch_size=256 * 1024,
                request_timeout_ms=10000,
                partitioner=KeyPartitioner(),  # the same keys again and again: hashed once each
            )
            await producer.start()
            self._producer = producer
        return self._producer

    async def _publish(self, events: list[RecordedEvent]) -> None:
        try:
            producer = await self._producer_ready()
            sent = []
            for event in events:
                key, value, headers = to_message(event)
                sent.append(await producer.send(self.topic, value, key=key, headers=headers))
            await asyncio.gather(*sent)  # every record acknowledged before the checkpoint moves
        except KafkaError as error:
            await self._drop_producer()
            raise RuntimeError(f"publishing to {self.topic} failed: {error!r}") from error

    async def _drop_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            with contextlib.suppress(Exception):
                await producer.stop()

    async def run(self) -> None:
        try:
            await self.subscription.run()
        finally:
            await self._drop_producer()

    def stop(self) -> None:
        self.subscription.stop()
