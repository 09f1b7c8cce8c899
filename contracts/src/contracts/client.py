"""A typed async client that sends commands over Kafka and awaits their replies.

FastStream's `broker.request()` does not work on a real Kafka broker, so this is request/reply by hand:

- the command goes to its topic, keyed by `command.partition_key()`, with the headers `reply_to` and
  `correlation_id` that a FastStream handler answers to (its return value is published to `reply_to`
  with the same correlation id);
- replies are read from the reply topic without a consumer group (nothing to join or commit), starting
  at its end when the client starts, and matched to waiting requests by correlation id. The topic may be
  shared by many clients (each ignores the others' replies) or be the client's own;
- a request that gets no reply within `timeout` is sent again, the same command with the same
  `command_id` and correlation id: the receiver answers a command it already processed with its first
  reply, so a retry never applies a command twice. After `attempts` sends, `ReplyTimeout` says so; the
  command may still be applied later, and sending it again (same command id) is always safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Generic, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pydantic import TypeAdapter, ValidationError

from contracts.envelope import Command

ReplyT = TypeVar("ReplyT")
log = logging.getLogger(__name__)


class ReplyTimeout(TimeoutError):
    def __init__(self, command: Command, attempts: int, timeout: float) -> None:
        super().__init__(
            f"no reply to {command.type} {command.command_id} after {attempts} sends, {timeout:.1f} s each"
        )
        self.command = command


class RequestClient(Generic[ReplyT]):
    """`async with RequestClient(servers, CATALOG_COMMANDS, CATALOG_REPLIES, TypeAdapter(CatalogReply)) as c:
    reply = await c.send(command)`."""

    def __init__(
        self,
        bootstrap_servers: str,
        commands_topic: str,
        reply_topic: str,
        reply_type: TypeAdapter[ReplyT],
        *,
        timeout: float = 5.0,
        attempts: int = 3,
    ) -> None:
        self.bootstrap_servers, self.commands_topic, self.reply_topic = (
            bootstrap_servers,
            commands_topic,
            reply_topic,
        )
        self.reply_type, self.timeout, self.attempts = reply_type, timeout, attempts
        self._waiting: dict[str, asyncio.Future[ReplyT]] = {}
        self._producer: AIOKafkaProducer | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._reader: asyncio.Task[None] | None = None

    async def __aenter__(self) -> RequestClient[ReplyT]:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        partitions = await _partitions(self.bootstrap_servers, self.reply_topic)
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers, group_id=None, enable_auto_commit=False
        )
        await self._consumer.start()
        self._consumer.assign(partitions)
        await self._consumer.seek_to_end(*partitions)
        for partition in partitions:  # fix the start now: a reply sent after start() is never missed
            await self._consumer.position(partition)
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers, enable_idempotence=True, acks="all", linger_ms=0
        )
        await self._producer.start()
        self._reader = asyncio.create_task(self._read_replies(), name=f"replies:{self.reply_topic}")

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        for part in (self._producer, self._consumer):
            if part is not None:
                await part.stop()
        for future in self._waiting.values():
            future.cancel()

    async def send(
        self, command: Command, *, timeout: float | None = None, attempts: int | None = None
    ) -> ReplyT:
        """Send `command` and return its reply; resend it (same command id) while no reply comes."""
        assert self._producer is not None, "start() the client first"
        timeout, attempts = timeout or self.timeout, attempts or self.attempts
        if command.reply_to is None:
            command = command.model_copy(update={"reply_to": self.reply_topic})
        reply_to = command.reply_to or self.reply_topic
        correlation = str(command.correlation_id)
        future = self._waiting.setdefault(correlation, asyncio.get_running_loop().create_future())
        value = command.model_dump_json().encode()
        headers = [
            ("reply_to", reply_to.encode()),
            ("correlation_id", correlation.encode()),
            ("content-type", b"application/json"),
            ("type", command.type.encode()),
        ]
        try:
            for _ in range(attempts):
                await self._producer.send_and_wait(
                    self.commands_topic, value, key=command.partition_key().encode(), headers=headers
                )
                with contextlib.suppress(TimeoutError):
                    return await asyncio.wait_for(asyncio.shield(future), timeout)
            raise ReplyTimeout(command, attempts, timeout)
        finally:
            self._waiting.pop(correlation, None)

    async def _read_replies(self) -> None:
        assert self._consumer is not None
        async for record in self._consumer:
            correlation = dict(record.headers).get("correlation_id", b"").decode()
            future = self._waiting.get(correlation)
            if future is None or future.done() or record.value is None:
                continue  # another client's reply, or a late duplicate
            try:
                future.set_result(self.reply_type.validate_json(record.value))
            except ValidationError as error:
                log.warning("unreadable reply", extra={"correlation_id": correlation, "error": str(error)})


async def _partitions(bootstrap_servers: str, topic: str) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if described["error_code"] != 0 or not described["partitions"]:
        raise LookupError(f"the reply topic {topic} does not exist (error {described['error_code']})")
    return [TopicPartition(topic, p["partition"]) for p in described["partitions"]]
