"""The service running in-process against the real broker and database, with the test catalog published
on topics of this test's own (a unique prefix), and a client that talks to it over Kafka."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaProducer
from command_client import CommandClient
from handler_catalog import RECORDS

from contracts.catalog.kinds import KINDS
from contracts.catalog.record import Record
from infra.pytest_plugin import unique
from order_draft.config import Settings
from order_draft.kafka.topics import ensure_topics
from order_draft.service import Service

Change = Record | tuple[str, str]  # a record to upsert, or (kind, key) to delete (a tombstone)


async def publish_catalog(bootstrap: str, prefix: str, records: tuple[Change, ...], revision: int) -> None:
    kinds = {KINDS[r[0] if isinstance(r, tuple) else r.kind] for r in records}
    await ensure_topics(bootstrap, {prefix + kind.topic for kind in kinds}, compact=True)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for record in records:
            if isinstance(record, tuple):
                await producer.send_and_wait(prefix + KINDS[record[0]].topic, None, key=record[1].encode())
                continue
            kind = KINDS[record.kind]
            view = kind.view(catalog_revision=revision, record=record)
            value = view.model_dump_json().encode()
            await producer.send_and_wait(prefix + kind.topic, value, key=record.key().encode())
    finally:
        await producer.stop()


class Running:
    def __init__(self, service: Service, client: CommandClient, prefix: str, bootstrap: str) -> None:
        self.service = service
        self.client = client
        self.prefix = prefix
        self.bootstrap = bootstrap

    async def change_catalog(self, *records: Change, revision: int) -> None:
        """Publish catalog changes and wait until the service's copy has applied them all."""
        before = self.service.copy.changes
        await publish_catalog(self.bootstrap, self.prefix, records, revision)
        for _ in range(500):
            if self.service.copy.changes >= before + len(records):
                return
            await asyncio.sleep(0.02)
        raise AssertionError("the catalog change did not reach the service")


@pytest.fixture
async def running(database_dsn: str, kafka_bootstrap: str) -> AsyncIterator[Running]:
    prefix = unique("e2e") + "."
    await publish_catalog(kafka_bootstrap, prefix, RECORDS, revision=1)
    settings = Settings(kafka_bootstrap_servers=kafka_bootstrap, postgres_dsn=database_dsn)
    service = Service(settings, topic_prefix=prefix, group_id=unique("order-draft"))
    await service.start()
    try:
        for _ in range(600):
            if service.ready:
                break
            await asyncio.sleep(0.05)
        assert service.ready, "the service did not become ready"
        async with CommandClient(kafka_bootstrap, service.topics.commands, prefix + "replies") as client:
            yield Running(service, client, prefix, kafka_bootstrap)
    finally:
        await service.stop()
