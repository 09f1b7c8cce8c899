"""The command consumer on the real broker: garbage goes to the dead-letter topic, the partition moves
on, replies are published before offsets are committed, and a restart replays only what was not."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

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


class Pipelined:
    """A handler with prepare/commit: records the order things happen in."""

    def __init__(self, topics: Topics, fail_commit_of: str | None = None) -> None:
        self.topics, self.fail_commit_of = topics, fail_commit_of
        self.steps: list[str] = []

    async def prepare(self, commands: Sequence[Any]) -> list[Any]:
        self.steps.append(f"prepare {commands[0].notes}")
        return list(commands)

    async def commit(self, commands: list[Any]) -> list[Reply]:
        await asyncio.sleep(0.05)  # a commit takes a while: the next batch is prepared meanwhile
        if commands[0].notes == self.fail_commit_of:
            raise RuntimeError("database gone")
        self.steps.append(f"commit {commands[0].notes}")
        return [Reply(self.topics.replies, b"k", f"ok:{c.notes}".encode()) for c in commands]

    async def __call__(self, commands: Sequence[Any]) -> list[Reply]:
        return await self.commit(await self.prepare(commands))


async def send_notes(bootstrap: str, topic: str, count: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=50)
    await producer.start()
    try:
        sent = [
            await producer.send(topic, a_command(f"{n:04d}").model_dump_json().encode(), key=b"S-1|C-1")
            for n in range(count)
        ]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


async def test_pipelined_batches_reply_in_order_and_commit_their_offsets(kafka_bootstrap: str) -> None:
    topics = Topics(unique("commands"), unique("replies"), unique("dlq"))
    await send_notes(kafka_bootstrap, topics.commands, 300)
    handler = Pipelined(topics)
    processor = CommandProcessor(kafka_bootstrap, topics, handler, group_id=unique("g"), max_batch=50)
    running = asyncio.create_task(processor.run())
    replies = await read(kafka_bootstrap, topics.replies, 300)
    processor.stop()
    await asyncio.wait_for(running, 20)

    assert replies == [f"ok:{n:04d}".encode() for n in range(300)]
    prepared = [s for s in handler.steps if s.startswith("prepare")]
    assert len(prepared) >= 6
    # the second batch was prepared before the first was committed
    assert handler.steps.index(prepared[1]) < handler.steps.index("commit" + prepared[0][len("prepare") :])
    committed = await committed_offset(kafka_bootstrap, topics.commands, processor.group_id)
    assert committed == 300


async def test_a_pipelined_commit_that_fails_stops_the_processor_before_its_offsets(
    kafka_bootstrap: str,
) -> None:
    topics = Topics(unique("commands"), unique("replies"), unique("dlq"))
    await send_notes(kafka_bootstrap, topics.commands, 200)
    handler = Pipelined(topics, fail_commit_of="0100")
    processor = CommandProcessor(kafka_bootstrap, topics, handler, group_id=unique("g"), max_batch=50)
    with pytest.raises(RuntimeError, match="database gone"):
        await asyncio.wait_for(processor.run(), 30)
    replies = await read(kafka_bootstrap, topics.replies, 100, timeout=5)
    assert replies == [f"ok:{n:04d}".encode() for n in range(100)]  # the batches before, not the failed one
    assert await committed_offset(kafka_bootstrap, topics.commands, processor.group_id) == 100


async def committed_offset(bootstrap: str, topic: str, group: str) -> int | None:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        return await consumer.committed(TopicPartition(topic, 0))
    finally:
        await consumer.stop()
