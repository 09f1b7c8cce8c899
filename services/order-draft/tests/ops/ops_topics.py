"""Reading a whole topic back (without a consumer group), to see what a command sent."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, ConsumerRecord

from order_draft.cli.ops_dlq import partitions


async def read_topic(bootstrap: str, topic: str) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record up to the high watermark, in partition then offset order."""
    parts = await partitions(bootstrap, topic)
    assert parts is not None, f"no topic {topic}"
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        consumer.assign(parts)
        start, end = await consumer.beginning_offsets(parts), await consumer.end_offsets(parts)
        for tp in parts:
            consumer.seek(tp, start[tp])
        records: list[ConsumerRecord[bytes, bytes]] = []
        while any([await consumer.position(tp) < end[tp] for tp in parts]):
            for batch in (await consumer.getmany(*parts, timeout_ms=1000)).values():
                records += batch
        return sorted(records, key=lambda r: (r.partition, r.offset))
    finally:
        await consumer.stop()
