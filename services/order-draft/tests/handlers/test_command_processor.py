"""The command consumer on the real broker: garbage goes to the dead-letter topic, the partition moves
on, replies are published before offsets are committed, and a restart replays only what was not."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from contracts.dead_letter import DeadLetter
from contracts.envelope import Actor
from contracts.order_draft.commands import SetNotes
from infra.pytest_plugin import unique
from order_draft.handlers.processor import CommandProcessor, Reply, Topics


def a_command(notes: str) -> SetNotes:
    return SetNotes(
        actor=Actor(user_id="U-1", customer_id="C-1"), site="S-1", draft_id=uuid.uuid4(), notes=notes
    )


async def read(bootstrap: str, topic: str, count: int, timeout: float = 30) -> list[bytes]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    values: list[bytes] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(values) < count and asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=300)).values():
                values += [r.value for r in records if r.value is not None]
    finally:
        await consumer.stop()
    return values


async def test_garbage_goes_to_the_dead_letter_topic_and_the_next_command_is_answered(
    kafka_bootstrap: str,
) -> None:
    topics = Topics(unique("commands"), unique("replies"), unique("dlq"))
    handled: list[Any] = []

    async def answer(commands: Sequence[Any]) -> list[Reply]:
        handled.extend(commands)
        return [
            Reply(topics.replies, str(c.correlation_id).encode(), f"ok:{c.notes}".encode()) for c in commands
        ]

    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(
            topics.commands, a_command("first").model_dump_json().encode(), key=b"S-1|C-1"
        )
        await producer.send_and_wait(topics.commands, b"\xff\xfe not json", key=b"S-1|C-1")
        await producer.send_and_wait(topics.commands, b'{"type": "SetNotes", "site": "S-1"}', key=b"S-1|C-1")
        await producer.send_and_wait(
            topics.commands, a_command("second").model_dump_json().encode(), key=b"S-1|C-1"
        )
    finally:
        await producer.stop()

    processor = CommandProcessor(
        kafka_bootstrap, topics, answer, group_id=unique("g"), session_timeout_ms=6000
    )
    running = asyncio.create_task(processor.run())
    replies = await read(kafka_bootstrap, topics.replies, 2)
    letters = [DeadLetter.model_validate_json(v) for v in await read(kafka_bootstrap, topics.dead_letters, 2)]
    processor.stop()
    await asyncio.wait_for(running, 20)

    assert replies == [b"ok:first", b"ok:second"]
    assert [letter.offset for letter in letters] == [1, 2]
    assert letters[0].value_encoding == "base64"
    assert "actor" in letters[1].reason
    assert letters[1].value == '{"type": "SetNotes", "site": "S-1"}'

    # A restart of the consumer group replays nothing: the offsets were committed after the replies.
    again = CommandProcessor(
        kafka_bootstrap, topics, answer, group_id=processor.group_id, session_timeout_ms=6000
    )
    rerun = asyncio.create_task(again.run())
    await asyncio.wait_for(again.ready.wait(), 20)
    await asyncio.sleep(1.0)
    again.stop()
    await asyncio.wait_for(rerun, 20)
    assert len(handled) == 2
