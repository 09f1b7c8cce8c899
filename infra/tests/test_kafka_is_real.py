"""The broker the tests get is a real Apache Kafka: topic configs, idempotence, groups, transactions."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from infra.pytest_plugin import unique


async def test_a_compacted_topic_keeps_its_cleanup_policy(kafka_bootstrap: str) -> None:
    topic = unique("compacted")
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [
                NewTopic(
                    topic, num_partitions=3, replication_factor=1, topic_configs={"cleanup.policy": "compact"}
                )
            ]
        )
        configs: dict[str, str] = {}
        for _ in range(50):  # a busy broker may describe a topic created a moment ago before its configs
            [described] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
            configs = {name: value for name, value, *_ in described.resources[0][4]}
            if configs:
                break
            await asyncio.sleep(0.1)
        assert configs["cleanup.policy"] == "compact"
    finally:
        await admin.close()


async def test_idempotent_producer_and_group_consumer_with_manual_commits(kafka_bootstrap: str) -> None:
    topic, group = unique("idem"), unique("group")
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for i in range(5):
            await producer.send_and_wait(topic, f"v{i}".encode(), key=b"k")
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=6000,
    )
    await consumer.start()
    try:
        seen: list[bytes] = []
        while len(seen) < 5:
            batch = await consumer.getmany(timeout_ms=5000)
            assert batch, "no records within 5 s"
            for records in batch.values():
                seen += [r.value for r in records if r.value is not None]
        await consumer.commit()
        committed = await consumer.committed(TopicPartition(topic, 0))
    finally:
        await consumer.stop()
    assert seen == [f"v{i}".encode() for i in range(5)]
    assert committed == 5


async def test_read_committed_consumer_sees_only_committed_transactions(kafka_bootstrap: str) -> None:
    topic = unique("tx")
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, transactional_id=unique("txid"))
    await producer.start()
    try:
        async with producer.transaction():
            await producer.send(topic, b"committed")
        await producer.begin_transaction()
        await producer.send(topic, b"aborted")
        await producer.abort_transaction()
        async with producer.transaction():
            await producer.send(topic, b"committed-too")
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        values: list[bytes] = []
        deadline = asyncio.get_running_loop().time() + 15
        while len(values) < 2 and asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                values += [r.value for r in records if r.value is not None]
    finally:
        await consumer.stop()
    assert values == [b"committed", b"committed-too"]
