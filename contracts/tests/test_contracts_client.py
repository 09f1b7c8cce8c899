"""The request/reply client on the real broker: replies matched by correlation id, retries that reuse the
command id, a timeout when nobody answers."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from pydantic import TypeAdapter

from contracts.catalog import CatalogAccepted, CatalogReply, DeactivateRecord
from contracts.client import ReplyTimeout, RequestClient
from contracts.envelope import Actor, Command, reply_envelope
from infra.pytest_plugin import unique

REPLIES: TypeAdapter[CatalogReply] = TypeAdapter(CatalogReply)


async def _topics(kafka: str, *names: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, 2, 1) for name in names])
    finally:
        await admin.close()


class Responder:
    """Answers commands like a FastStream handler would, but ignores the first `ignore` deliveries."""

    def __init__(self, kafka: str, topic: str, ignore: int) -> None:
        self.kafka, self.topic, self.ignore = kafka, topic, ignore
        self.seen: list[Command] = []

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=self.kafka,
            group_id=unique("responder"),
            auto_offset_reset="earliest",
        )
        producer = AIOKafkaProducer(bootstrap_servers=self.kafka)
        await consumer.start()
        await producer.start()
        try:
            async for record in consumer:
                command = DeactivateRecord.model_validate_json(record.value)
                self.seen.append(command)
                if len(self.seen) <= self.ignore:
                    continue
                headers = dict(record.headers)
                reply = CatalogAccepted(**reply_envelope(command), catalog_revision=len(self.seen))
                await producer.send_and_wait(
                    headers["reply_to"].decode(),
                    reply.model_dump_json().encode(),
                    headers=[("correlation_id", headers["correlation_id"])],
                )
        finally:
            await consumer.stop()
            await producer.stop()


@pytest.fixture
async def topics(kafka_bootstrap: str) -> tuple[str, str]:
    commands, replies = unique("commands"), unique("replies")
    await _topics(kafka_bootstrap, commands, replies)
    return commands, replies


def _command() -> DeactivateRecord:
    return DeactivateRecord(actor=Actor(user_id="admin"), kind="product", key="P-1")


async def test_a_command_without_a_reply_is_resent_with_the_same_command_id(
    kafka_bootstrap: str, topics: tuple[str, str]
) -> None:
    commands, replies = topics
    responder = Responder(kafka_bootstrap, commands, ignore=1)
    task = asyncio.create_task(responder.run())
    try:
        async with RequestClient(
            kafka_bootstrap, commands, replies, REPLIES, timeout=1.0, attempts=4
        ) as client:
            command = _command()
            reply = await client.send(command)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert isinstance(reply, CatalogAccepted)
    assert reply.command_id == command.command_id
    assert reply.correlation_id == command.correlation_id
    assert len(responder.seen) == 2
    assert {c.command_id for c in responder.seen} == {command.command_id}
    assert {c.reply_to for c in responder.seen} == {replies}


async def test_clients_sharing_a_reply_topic_each_get_their_own_replies(
    kafka_bootstrap: str, topics: tuple[str, str]
) -> None:
    commands, replies = topics
    responder = Responder(kafka_bootstrap, commands, ignore=0)
    task = asyncio.create_task(responder.run())
    try:
        async with (
            RequestClient(kafka_bootstrap, commands, replies, REPLIES, timeout=5.0) as one,
            RequestClient(kafka_bootstrap, commands, replies, REPLIES, timeout=5.0) as two,
        ):
            first, second = _command(), _command()
            replies_got = await asyncio.gather(one.send(first), two.send(second))
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert [r.command_id for r in replies_got] == [first.command_id, second.command_id]


async def test_no_reply_at_all_ends_in_a_timeout_naming_the_command(
    kafka_bootstrap: str, topics: tuple[str, str]
) -> None:
    commands, replies = topics
    async with RequestClient(kafka_bootstrap, commands, replies, REPLIES, timeout=0.3, attempts=2) as client:
        command = _command()
        started = time.monotonic()
        with pytest.raises(ReplyTimeout) as raised:
            await client.send(command)
    assert raised.value.command.command_id == command.command_id
    assert 0.6 <= time.monotonic() - started < 3
