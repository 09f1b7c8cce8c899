"""Publishing to the compacted view topics on the real broker, and rebuilding the catalog from offset 0."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from catalog_files import SMALL, write_folder

from catalog.importing import import_folder
from catalog.publishing.relay import Relay
from catalog.publishing.topics import cleanup_policies, create_compacted_topics, suffixed
from catalog.store.apply import Origin, delete_record, writing
from catalog.store.records import load_records
from contracts.catalog import KINDS
from contracts.catalog.reader import read_views
from contracts.envelope import Actor
from infra.pytest_plugin import unique


async def _latest_revisions(conn: asyncpg.Connection) -> dict[str, dict[str, int]]:
    rows = await conn.fetch(
        "SELECT DISTINCT ON (kind, key) kind, key, revision, record IS NULL AS deleted"
        " FROM catalog.changes ORDER BY kind, key, revision DESC"
    )
    latest: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
    for row in rows:
        if not row["deleted"]:
            latest[row["kind"]][row["key"]] = row["revision"]
    return latest


async def _changes_then_publish(
    pool: asyncpg.Pool, tmp_path: Path, topics: dict[str, str], kafka: str
) -> None:
    async with pool.acquire() as conn:
        await import_folder(conn, write_folder(tmp_path / "first", SMALL))
        second = {
            "products.csv": SMALL["products.csv"].replace("Nut M6", "Nut M6 zinc"),
            "price-entries.csv": SMALL["price-entries.csv"].replace("1.20,EUR", "1.25,EUR"),
        }
        await import_folder(
            conn, write_folder(tmp_path / "second", second), Origin(actor=Actor(user_id="ops"))
        )
        async with writing(conn):
            await delete_record(conn, "customer_product", "C1|P-1", Origin())
            await delete_record(conn, "price_entry", "E3", Origin())
    await create_compacted_topics(kafka, topics.values())
    relay = Relay(pool, kafka, topics)
    await relay.publish_pending()
    await relay.close()


async def test_a_consumer_that_rebuilds_from_offset_zero_gets_exactly_the_catalog_database(
    catalog_pool: asyncpg.Pool, kafka_bootstrap: str, tmp_path: Path
) -> None:
    topics = suffixed(unique("rebuild"))
    await _changes_then_publish(catalog_pool, tmp_path, topics, kafka_bootstrap)

    state = await read_views(kafka_bootstrap, topics)

    async with catalog_pool.acquire() as conn:
        for kind in KINDS:
            assert {key: view.record for key, view in state[kind].items()} == await load_records(
                conn, kind
            ), kind
        revisions = await _latest_revisions(conn)
    assert {
        kind: {k: v.catalog_revision for k, v in views.items()} for kind, views in state.items()
    } == revisions
    assert "C1|P-1" not in state["customer_product"]  # deleted: its tombstone removed it
    assert state["price_entry"]["E1"].actor == Actor(user_id="ops")
    assert sum(len(views) for views in state.values()) == 30 + 1 - 2  # imported + CC - deleted


async def test_each_change_is_published_once_in_revision_order_with_its_revision(
    catalog_pool: asyncpg.Pool, kafka_bootstrap: str, tmp_path: Path
) -> None:
    topics = suffixed(unique("relay"))
    await _changes_then_publish(catalog_pool, tmp_path, topics, kafka_bootstrap)
    relay = Relay(catalog_pool, kafka_bootstrap, topics)
    last = await catalog_pool.fetchval("SELECT max(revision) FROM catalog.changes")
    assert await relay.position() == last
    assert await relay.publish_pending() == 0  # nothing twice

    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka_bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(topics["price_entry"], p) for p in range(3)]
        consumer.assign(partitions)
        end = await consumer.end_offsets(partitions)
        records = []
        while sum(1 for r in records) < sum(end.values()):
            for batch in (await consumer.getmany(timeout_ms=2000)).values():
                records += batch
    finally:
        await consumer.stop()
    by_key: dict[bytes, list[int]] = {}
    for record in records:
        revision = int(dict(record.headers)["catalog_revision"])
        by_key.setdefault(record.key, []).append(revision)
        if record.value is not None:
            assert f'"catalog_revision": {revision}'.encode() in record.value
    assert all(revisions == sorted(revisions) for revisions in by_key.values())
    assert len(by_key[b"E1"]) == 2  # imported, then changed
    tombstones = [r.key for r in records if r.value is None]
    assert tombstones == [b"E3"]

    policies = await cleanup_policies(kafka_bootstrap, topics.values())
    assert policies == {topic: "compact" for topic in topics.values()}


async def test_message_ids_follow_the_revision_so_a_republished_change_is_recognisable() -> None:
    from catalog.publishing.messages import message_id

    assert message_id(7) == message_id(7) != message_id(8)
    assert uuid.UUID(message_id(2**40)).int & 0xFFFFFFFFFFFF == 2**40
