"""A test's view of the service from outside: send commands on Kafka, await the reply by correlation id
on a reply topic of its own, read without a consumer group."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from order_draft.kafka.topics import ensure_topics


class CommandClient:
    def __init__(self, bootstrap: str, commands_topic: str, reply_topic: str) -> None:
        self.bootstrap = bootstrap
        self.commands_topic = commands_topic
        self.reply_topic = reply_topic
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.replies: list[dict[str, Any]] = []

    async def __aenter__(self) -> CommandClient:
        await ensure_topics(self.bootstrap, [self.reply_topic], partitions=1)
        self._producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, enable_idempotence=True)
        await self._producer.start()
        self._consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        await self._consumer.start()
        self._consumer.assign([TopicPartition(self.reply_topic, 0)])
        await self._consumer.seek_to_end(TopicPartition(self.reply_topic, 0))
        self._reading = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reading
        await self._consumer.stop()
        await self._producer.stop()

    async def _read(self) -> None:
        while True:
            for records in (await self._consumer.getmany(timeout_ms=200)).values():
                for record in records:
                    reply = orjson.loads(record.value)
                    self.replies.append(reply)
                    waiter = self._waiting.pop(str(reply.get("correlation_id")), None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(reply)

    async def send_raw(self, value: bytes, key: bytes = b"garbage") -> None:
        await self._producer.send_and_wait(self.commands_topic, value, key=key)

    async def send(self, command: Any, timeout: float = 30.0) -> dict[str, Any]:
        command = command.model_copy(update={"reply_to": self.reply_topic})
        waiter = asyncio.get_running_loop().create_future()
        self._waiting[str(command.correlation_id)] = waiter
        await self._producer.send_and_wait(
            self.commands_topic, command.model_dump_json().encode(), key=command.partition_key().encode()
        )
        return await asyncio.wait_for(waiter, timeout)
