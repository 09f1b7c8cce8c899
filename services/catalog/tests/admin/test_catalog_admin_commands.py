"""Admin commands over the real broker: upsert, deactivate, delete; answered once per command id;
unreadable commands parked on the dead-letter topic; every change published like an import's."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from catalog_files import SMALL, write_folder
from faststream.kafka import KafkaBroker
from pydantic import TypeAdapter

from catalog.admin.router import admin_router
from catalog.config import Settings
from catalog.publishing.topics import suffixed
from catalog.service import CatalogService
from catalog.store.records import load_record, load_records
from contracts.catalog import (
    KINDS,
    CatalogAccepted,
    CatalogReply,
    DeactivateRecord,
    DeleteRecord,
    Product,
    Site,
    SiteSettings,
    UpsertRecord,
)
from contracts.catalog.reader import read_views
from contracts.client import RequestClient
from contracts.envelope import Actor, Rejected
from infra.pytest_plugin import unique

ADMIN = Actor(user_id="admin")


@dataclass
class Catalog:
    service: CatalogService
    client: RequestClient[CatalogReply]
    commands: str
    replies: str
    dlq: str


@pytest.fixture
async def catalog(database_dsn: str, kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[Catalog]:
    folder = write_folder(tmp_path, SMALL)
    settings = Settings(
        kafka_bootstrap_servers=kafka_bootstrap, postgres_dsn=database_dsn, import_on_start=str(folder)
    )
    commands, replies, dlq = unique("catalog.commands"), unique("catalog.replies"), unique("catalog.dlq")
    service = CatalogService(settings, suffixed(unique("admin")), (commands, replies, dlq))
    await service.start()
    broker = KafkaBroker(kafka_bootstrap)
    broker.include_router(
        admin_router(
            service.database,
            on_change=service.nudge,
            commands_topic=commands,
            dlq_topic=dlq,
            group_id=unique("g"),
        )
    )
    await broker.start()
    client: RequestClient[CatalogReply] = RequestClient(
        kafka_bootstrap, commands, replies, TypeAdapter(CatalogReply), timeout=10.0, attempts=2
    )
    await client.start()
    try:
        yield Catalog(service, client, commands, replies, dlq)
    finally:
        await client.stop()
        await broker.stop()
        await service.stop()


async def _published(catalog: Catalog) -> dict[str, dict[str, object]]:
    pool, relay = catalog.service.database(), catalog.service.relay
    assert relay is not None
    last = await pool.fetchval("SELECT max(revision) FROM catalog.changes")
    for _ in range(100):
        if await relay.position() >= last:
            break
        await asyncio.sleep(0.05)
    state = await read_views(catalog.service.settings.kafka_bootstrap_servers, catalog.service.view_topics)
    return {kind: {key: view.record for key, view in views.items()} for kind, views in state.items()}


async def test_an_upsert_is_applied_answered_once_and_published(catalog: Catalog) -> None:
    bolt = Product(code="P-9", name="Bolt M8", unit="PCS", product_group="FIX")
    command = UpsertRecord(actor=ADMIN, record=bolt)
    reply = await catalog.client.send(command)
    assert isinstance(reply, CatalogAccepted)
    assert reply.catalog_revision is not None
    again = await catalog.client.send(command)  # a retry: the same command id
    assert again.model_dump(exclude={"message_id", "occurred_at"}) == reply.model_dump(
        exclude={"message_id", "occurred_at"}
    )
    pool = catalog.service.database()
    assert await pool.fetchval("SELECT count(*) FROM catalog.changes WHERE key = 'P-9'") == 1
    published = await _published(catalog)
    assert published["product"]["P-9"] == bolt
    state = await read_views(catalog.service.settings.kafka_bootstrap_servers, catalog.service.view_topics)
    assert state["product"]["P-9"].catalog_revision == reply.catalog_revision
    assert state["product"]["P-9"].causation_id == command.message_id


async def test_deactivate_and_delete_change_the_database_and_the_topics_alike(catalog: Catalog) -> None:
    send = catalog.client.send
    assert isinstance(await send(DeactivateRecord(actor=ADMIN, kind="product", key="P-1")), CatalogAccepted)
    referenced = await send(DeleteRecord(actor=ADMIN, kind="product", key="P-2"))
    assert isinstance(referenced, Rejected)
    assert referenced.code == "STILL_REFERENCED"
    assert "price_entry" in referenced.details["referenced_by"]
    assert isinstance(await send(DeleteRecord(actor=ADMIN, kind="price_entry", key="E4")), CatalogAccepted)
    missing = await send(DeleteRecord(actor=ADMIN, kind="price_entry", key="E4"))
    assert isinstance(missing, Rejected)
    assert missing.code == "NOT_FOUND"
    cannot = await send(DeactivateRecord(actor=ADMIN, kind="price_type", key="LIST"))
    assert isinstance(cannot, Rejected)
    assert cannot.code == "CANNOT_DEACTIVATE"

    async with catalog.service.database().acquire() as conn:
        product = await load_record(conn, "product", "P-1")
        assert isinstance(product, Product)
        assert not product.active
        published = await _published(catalog)
        for kind in KINDS:
            assert published[kind] == await load_records(conn, kind), kind
    assert "E4" not in published["price_entry"]


async def test_a_reference_to_nothing_or_a_half_set_up_site_is_rejected_with_its_code(
    catalog: Catalog,
) -> None:
    orphan = Product(code="P-8", name="Orphan", unit="PCS", product_group="NOPE")
    rejected = await catalog.client.send(UpsertRecord(actor=ADMIN, record=orphan))
    assert isinstance(rejected, Rejected)
    assert rejected.code == "REFERENCE_NOT_FOUND"
    settings = SiteSettings(is_new_order_enabled=True, new_order_document_type="RET")
    site = Site(code="SHOP", name="Shop", enterprise_company="SUP", settings=settings)
    not_a_sales_order = await catalog.client.send(UpsertRecord(actor=ADMIN, record=site))
    assert isinstance(not_a_sales_order, Rejected)
    assert not_a_sales_order.code == "CC009"
    assert (
        await catalog.service.database().fetchval("SELECT count(*) FROM catalog.products WHERE key = 'P-8'")
        == 0
    )


async def test_an_unreadable_command_is_parked_on_the_dead_letter_topic_and_answered(
    catalog: Catalog, kafka_bootstrap: str
) -> None:
    replies = AIOKafkaConsumer(
        catalog.replies, catalog.dlq, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest"
    )
    await replies.start()
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        body = json.dumps({"type": "UpsertRecord", "command_id": "00000000-0000-4000-8000-00000000000a"})
        headers = [("reply_to", catalog.replies.encode()), ("correlation_id", b"c-1")]
        await producer.send_and_wait(catalog.commands, body.encode(), key=b"k", headers=headers)
        got: dict[str, bytes] = {}
        async with asyncio.timeout(15):
            async for record in replies:
                got[record.topic] = record.value
                if len(got) == 2:
                    break
    finally:
        await producer.stop()
        await replies.stop()
    reply = TypeAdapter(CatalogReply).validate_json(got[catalog.replies])
    assert isinstance(reply, Rejected)
    assert (reply.code, str(reply.command_id)) == ("INVALID_COMMAND", "00000000-0000-4000-8000-00000000000a")
    parked = json.loads(got[catalog.dlq])
    assert (parked["topic"], parked["value"]) == (catalog.commands, body)
    assert parked["reason"]
