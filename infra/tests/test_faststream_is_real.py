"""A FastStream subscriber receives a pydantic message through the real broker."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from faststream.kafka import KafkaBroker
from pydantic import BaseModel

from infra.pytest_plugin import unique


class Priced(BaseModel):
    code: str
    price: Decimal


async def test_faststream_subscriber_receives_a_pydantic_message(kafka_bootstrap: str) -> None:
    topic = unique("fs")
    received: asyncio.Future[Priced] = asyncio.get_running_loop().create_future()
    broker = KafkaBroker(kafka_bootstrap)

    @broker.subscriber(topic, group_id=unique("fs-group"), auto_offset_reset="earliest")
    async def on_priced(message: Priced) -> None:
        if not received.done():
            received.set_result(message)

    async with broker:
        await broker.start()
        await broker.publish(Priced(code="P-1", price=Decimal("12.50")), topic)
        message = await asyncio.wait_for(received, 20)
    assert message == Priced(code="P-1", price=Decimal("12.50"))
