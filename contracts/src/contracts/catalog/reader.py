"""Reading the catalog's compacted views from offset 0 to the end: what a new consumer does to rebuild.

Keeps the last value per key; a tombstone (null value) removes the key. Reads without a consumer group
(nothing is committed), each partition up to the end offset it had when the read began.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from contracts.catalog.kinds import KINDS
from contracts.catalog.views import CatalogView

CatalogState = dict[str, dict[str, CatalogView]]  # kind -> natural key -> latest view

DEFAULT_TOPICS: Mapping[str, str] = {name: kind.topic for name, kind in KINDS.items()}


async def read_views(bootstrap_servers: str, topics: Mapping[str, str] = DEFAULT_TOPICS) -> CatalogState:
    """Every kind's views as of now. `topics` maps a kind to its topic (tests use their own names)."""
    partitions = await _partitions(bootstrap_servers, list(topics.values()))
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=4 * 1024 * 1024,
        fetch_max_bytes=32 * 1024 * 1024,
    )
    await consumer.start()
    try:
        return await _read(consumer, topics, partitions)
    finally:
        await consumer.stop()


async def _partitions(bootstrap_servers: str, topics: list[str]) -> list[TopicPartition]:
    """Every partition of the topics that exist (a consumer's own metadata only knows assigned topics)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return [
        TopicPartition(topic["topic"], partition["partition"])
        for topic in described
        if topic["error_code"] == 0
        for partition in topic["partitions"]
    ]


async def _read(
    consumer: AIOKafkaConsumer, topics: Mapping[str, str], partitions: list[TopicPartition]
) -> CatalogState:
    kind_of = {topic: kind for kind, topic in topics.items()}
    state: CatalogState = {kind: {} for kind in topics}
    if not partitions:
        return state
    consumer.assign(partitions)
    await consumer.seek_to_beginning(*partitions)
    start, end = await consumer.beginning_offsets(partitions), await consumer.end_offsets(partitions)
    pending = {tp for tp in partitions if end[tp] > start[tp]}
    while pending:
        batches = await consumer.getmany(*pending, timeout_ms=1000, max_records=10_000)
        for tp, records in batches.items():
            kind = kind_of[tp.topic]
            view_type, views = KINDS[kind].view, state[kind]
            for record in records:
                key = record.key.decode() if record.key is not None else ""
                if record.value is None:
                    views.pop(key, None)
                else:
                    views[key] = view_type.model_validate_json(record.value)
            if records and records[-1].offset + 1 >= end[tp]:
                pending.discard(tp)
    return state
