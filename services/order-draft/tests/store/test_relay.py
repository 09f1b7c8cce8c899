"""The outbox relay: every event on Kafka at least once, in order per stream, across a crash."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaConsumer
from settled_reads import read_everything

from infra.kafka_local import LocalKafka
from infra.pytest_plugin import unique
from order_draft.store import EventStore, NewEvent, RecordedEvent
from order_draft.store.relay import KafkaRelay

Seen = list[tuple[str, dict[str, Any]]]


async def consume_all(
    bootstrap: str, topic: str, expected: int, done: Callable[[Seen], bool] | None = None
) -> Seen:
    """Read the topic from the start until `expected` records (or `done(seen)`), at most 30 s."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    seen: Seen = []
    finished = done or (lambda records: len(records) >= expected)
    try:
        deadline = asyncio.get_running_loop().time() + 30
        while not finished(seen) and asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                seen += [(r.key.decode(), orjson.loads(r.value)) for r in records if r.key and r.value]
    finally:
        await consumer.stop()
    return seen


async def test_a_relay_killed_between_publish_and_checkpoint_loses_nothing_and_keeps_order(
    store: EventStore, kafka_bootstrap: str
) -> None:
    topic = unique("order-draft.events")
    for i in range(60):
        await store.append(f"draft-{i % 5}", [NewEvent("E", {"i": i}, metadata={"command_id": f"c{i}"})])
    assert len(await read_everything(store)) == 60  # none held back by a notifier: catch_up sees them all

    class CrashAfterPublish(KafkaRelay):
        async def _publish(self, events: list[RecordedEvent]) -> None:
            await super()._publish(events)
            if events[-1].global_position > 25:
                raise SystemExit("killed after the broker acknowledged, before the checkpoint")

    crashing = CrashAfterPublish(store, kafka_bootstrap, topic, batch_size=10)
    with pytest.raises(SystemExit):
        await crashing.subscription.catch_up()
    await crashing._drop_producer()

    restarted = KafkaRelay(store, kafka_bootstrap, topic, batch_size=10)
    await restarted.subscription.catch_up()
    await restarted._drop_producer()

    seen = await consume_all(kafka_bootstrap, topic, 70)
    assert len(seen) == 70  # 60 events + the page of 10 published twice
    versions: dict[str, list[int]] = defaultdict(list)
    for key, message in seen:
        assert message["stream_id"] == key
        versions[key].append(int(str(message["stream_version"])))
    for key, in_order in versions.items():
        highest = 0
        for version in in_order:  # a replayed page repeats versions but never skips or reorders
            assert version <= highest + 1, f"{key}: {in_order}"
            highest = max(highest, version)
        assert highest == 12
    assert {str(m["payload"]) for _, m in seen} == {str({"i": i}) for i in range(60)}


async def test_the_relay_puts_type_version_and_ids_in_headers(
    store: EventStore, kafka_bootstrap: str
) -> None:
    topic = unique("order-draft.events")
    await store.append("draft-1", [NewEvent("DraftOpened", {}, metadata={"correlation_id": "corr-1"})])
    assert len(await read_everything(store)) == 1
    relay = KafkaRelay(store, kafka_bootstrap, topic)
    await relay.subscription.catch_up()
    await relay._drop_producer()
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), 20)
    finally:
        await consumer.stop()
    headers = {k: v.decode() for k, v in record.headers}
    assert record.key == b"draft-1"
    assert headers["type"] == "DraftOpened"
    assert headers["schema_version"] == "1"
    assert headers["correlation_id"] == "corr-1"


async def test_the_relay_survives_a_broker_restart_without_losing_or_reordering(
    store: EventStore, tmp_path: Path
) -> None:
    broker = LocalKafka(tmp_path / "kafka", tmp_path / "kafka.log")  # its own broker: this test stops it
    await asyncio.to_thread(broker.start)
    try:
        topic = unique("order-draft.events")
        relay = KafkaRelay(store, broker.bootstrap_servers, topic, batch_size=10)
        relaying = asyncio.create_task(relay.run())
        for i in range(20):
            await store.append(f"draft-{i % 3}", [NewEvent("E", {"i": i})])
        assert len(await consume_all(broker.bootstrap_servers, topic, 20)) == 20

        await asyncio.to_thread(broker.stop, True)
        for i in range(20, 40):  # appended while the broker is down: they wait in the log
            await store.append(f"draft-{i % 3}", [NewEvent("E", {"i": i})])
        await asyncio.to_thread(broker.start)

        every_one = set(range(40))
        seen = await consume_all(
            broker.bootstrap_servers, topic, 40, lambda got: {m["payload"]["i"] for _, m in got} == every_one
        )
        relay.stop()
        await asyncio.wait_for(relaying, 15)
    finally:
        await asyncio.to_thread(broker.stop)
    assert {m["payload"]["i"] for _, m in seen} == every_one
    for key in {k for k, _ in seen}:
        versions = [int(str(m["stream_version"])) for k, m in seen if k == key]
        assert versions == sorted(versions)
