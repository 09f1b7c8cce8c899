"""order-draft's copy of the catalog follows the compacted topics: upserts, tombstones, restarts."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import asyncpg
from aiokafka import AIOKafkaProducer

from contracts.catalog.kinds import KINDS
from contracts.catalog.prices import PriceEntry
from contracts.catalog.products import Product
from contracts.catalog.views import PriceEntryView, ProductView
from infra.pytest_plugin import unique
from order_draft.catalog_copy import CatalogCopy, CatalogFollower
from order_draft.store.migrations import STORE, migrate

PARTS = (STORE, "order_draft.catalog_copy")


def price(entry_id: str, amount: str, product: str = "P-1") -> PriceEntry:
    return PriceEntry(
        id=entry_id,
        product_code=product,
        price_type="SALES",
        price=Decimal(amount),
        currency="EUR",
        from_date=dt.date(2026, 1, 1),
    )


async def publish(bootstrap: str, items: list[tuple[str, str, bytes | None]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for topic, key, value in items:
            await producer.send_and_wait(topic, value, key=key.encode())
    finally:
        await producer.stop()


async def follow_until_caught_up(
    pool: asyncpg.Pool, copy: CatalogCopy, bootstrap: str, prefix: str
) -> CatalogFollower:
    follower = CatalogFollower(pool, copy, bootstrap, topic_prefix=prefix)
    running = asyncio.create_task(follower.run())
    await asyncio.wait_for(follower.caught_up.wait(), 30)
    follower.stop()
    await asyncio.wait_for(running, 10)
    return follower


async def test_the_copy_holds_the_last_record_per_key_and_forgets_tombstones(
    database_dsn: str, kafka_bootstrap: str
) -> None:
    pool = await asyncpg.create_pool(database_dsn)
    try:
        async with pool.acquire() as conn:
            await migrate(conn, PARTS)
        prefix = unique("t") + "."  # topics of this test only
        prices = prefix + KINDS["price_entry"].topic
        products = prefix + KINDS["product"].topic
        await publish(
            kafka_bootstrap,
            [
                (
                    prices,
                    "E-1",
                    PriceEntryView(catalog_revision=1, record=price("E-1", "10.00"))
                    .model_dump_json()
                    .encode(),
                ),
                (
                    prices,
                    "E-2",
                    PriceEntryView(catalog_revision=2, record=price("E-2", "9.00"))
                    .model_dump_json()
                    .encode(),
                ),
                (
                    prices,
                    "E-1",
                    PriceEntryView(catalog_revision=3, record=price("E-1", "11.50"))
                    .model_dump_json()
                    .encode(),
                ),
                (prices, "E-2", None),
                (
                    products,
                    "P-1",
                    ProductView(catalog_revision=4, record=Product(code="P-1", name="Bolt", unit="PCS"))
                    .model_dump_json()
                    .encode(),
                ),
                (products, "P-2", b"{not json"),
            ],
        )
        copy = CatalogCopy()
        follower = await follow_until_caught_up(pool, copy, kafka_bootstrap, prefix)
        entry = copy.get("price_entry", "E-1")
        assert isinstance(entry, PriceEntry)
        assert entry.price == Decimal("11.50")
        assert copy.get("price_entry", "E-2") is None
        assert [e.key() for e in copy.for_product("price_entry", "P-1")] == ["E-1"]
        assert copy.revision >= 4
        assert follower.skipped == 1  # the malformed record is logged and skipped, nothing else harmed

        reloaded = CatalogCopy()  # a restart: memory from the table, then Kafka from the stored offsets
        assert await reloaded.load(pool) == 2
        await publish(
            kafka_bootstrap,
            [
                (
                    prices,
                    "E-3",
                    PriceEntryView(catalog_revision=5, record=price("E-3", "1.00"))
                    .model_dump_json()
                    .encode(),
                )
            ],
        )
        await follow_until_caught_up(pool, reloaded, kafka_bootstrap, prefix)
        assert {e.key() for e in reloaded.all("price_entry")} == {"E-1", "E-3"}
        assert await pool.fetchval("SELECT count(*) FROM catalog_records") == 3
    finally:
        await pool.close()
