"""Offsets in the background: a batch's offsets are committed only once its replies and every earlier
batch's replies are acknowledged (one commit may cover several batches); a reply that cannot be delivered
commits nothing from its batch on."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import TopicPartition
from aiokafka.structs import OffsetAndMetadata

from order_draft.handlers.processor import CommandProcessor, Topics

TP = TopicPartition("commands", 0)


class Consumer:
    def __init__(self) -> None:
        self.committed: list[int] = []

    async def commit(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        self.committed.append(offsets[TP].offset)


def processor() -> CommandProcessor:
    async def handle(commands: Any) -> list[Any]:
        return []

    return CommandProcessor("unused:9092", Topics("c", "r", "d"), handle)


def settle(p: CommandProcessor, consumer: Consumer, acks: list[asyncio.Future[Any]], offset: int) -> None:
    previous = p._settling[-1] if p._settling else None
    offsets = {TP: OffsetAndMetadata(offset, "")}
    p._settling.append(
        asyncio.create_task(p._settle(consumer, acks, offsets, previous, 0.0, len(acks)))  # type: ignore[arg-type]
    )


async def test_a_later_batch_acknowledged_first_waits_for_the_earlier_one() -> None:
    p, consumer = processor(), Consumer()
    loop = asyncio.get_running_loop()
    first, second = loop.create_future(), loop.create_future()
    settle(p, consumer, [first], 10)
    settle(p, consumer, [second], 20)
    second.set_result(None)
    await asyncio.sleep(0.01)
    assert consumer.committed == []  # batch 2's replies are in, batch 1's are not: nothing moves
    first.set_result(None)
    await p.flush()
    assert consumer.committed[-1] == 20
    assert consumer.committed == sorted(consumer.committed)
    assert p._failed is None


async def test_an_undelivered_reply_commits_nothing_from_its_batch_on() -> None:
    p, consumer = processor(), Consumer()
    loop = asyncio.get_running_loop()
    first, second, third = loop.create_future(), loop.create_future(), loop.create_future()
    settle(p, consumer, [first], 10)
    settle(p, consumer, [second], 20)
    settle(p, consumer, [third], 30)
    first.set_result(None)
    second.set_exception(TimeoutError("no broker"))
    third.set_result(None)
    await p.flush()
    assert consumer.committed == [10]
    assert isinstance(p._failed, TimeoutError)
