"""The demo data set, loaded the way `make run` loads it (the service starting with
CATALOG_IMPORT_ON_START=demo), published, rebuilt from offset 0, and priced from the rebuilt copy with the
catalog's pricing engine, as the order-draft service does."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from catalog.config import Settings
from catalog.pricing import (
    LinePricing,
    NoPrice,
    PricingContext,
    apply_package,
    package_available,
    price_line,
    standard_discount,
)
from catalog.pricing import records as convert
from catalog.publishing.topics import cleanup_policies, suffixed
from catalog.service import CatalogService
from catalog.store.records import load_records
from contracts.catalog import KINDS, Customer, Product
from contracts.catalog.reader import CatalogState, read_views
from infra.pytest_plugin import unique

ON = dt.date(2025, 3, 3)


@pytest.fixture
async def demo(database_dsn: str, kafka_bootstrap: str) -> AsyncIterator[tuple[CatalogService, CatalogState]]:
    settings = Settings(
        kafka_bootstrap_servers=kafka_bootstrap, postgres_dsn=database_dsn, import_on_start="demo"
    )
    commands = tuple(unique(name) for name in ("commands", "replies", "dlq"))
    service = CatalogService(settings, suffixed(unique("demo")), commands)
    await service.start()
    try:
        assert service.pool is not None
        assert service.relay is not None
        last = await service.pool.fetchval("SELECT max(revision) FROM catalog.changes")
        for _ in range(100):
            if await service.relay.position() == last:
                break
            await asyncio.sleep(0.1)
        yield service, await read_views(kafka_bootstrap, service.view_topics)
    finally:
        await service.stop()


def _records(state: CatalogState, kind: str) -> dict[str, Any]:
    return {key: view.record for key, view in state[kind].items()}


class Pricer:
    """What the order-draft service does with its local copy of the views."""

    def __init__(self, state: CatalogState) -> None:
        lists = _records(state, "price_list")
        self.customers = _records(state, "customer")
        self.products = _records(state, "product")
        self.prices = convert.price_entries(
            _records(state, "price_entry").values(), _records(state, "price_type"), lists
        )
        self.discounts = convert.line_discounts(_records(state, "line_discount").values(), lists)
        self.parents = convert.group_parents(_records(state, "product_group").values())
        self.packages = {
            k: convert.promotional_package(p, self.products, lists)
            for k, p in _records(state, "promotional_package").items()
        }

    def context(
        self, customer: str, product: str | None, quantity: str, channel: str = "CC"
    ) -> PricingContext:
        found = self.customers[customer]
        assert isinstance(found, Customer)
        item = self.products.get(product) if product else None
        assert item is None or isinstance(item, Product)
        return convert.context(found, item, Decimal(quantity), ON, channel=channel, enterprise_company="NWS")

    def line(self, customer: str, product: str, quantity: str, channel: str = "CC") -> LinePricing | NoPrice:
        ctx = self.context(customer, product, quantity, channel)
        return price_line(ctx, self.prices, self.discounts, group_parents=self.parents)


async def test_the_service_imports_the_demo_at_start_and_its_topics_hold_the_database(
    demo: tuple[CatalogService, CatalogState], kafka_bootstrap: str
) -> None:
    service, state = demo
    assert service.pool is not None
    async with service.pool.acquire() as conn:
        for kind in KINDS:
            assert _records(state, kind) == await load_records(conn, kind), kind
    assert len(state["product"]) >= 250
    assert len(state["customer"]) >= 3
    assert {v.record.role for v in state["external_access"].values()} >= {"L10", "L20", "L30", "L90"}
    assert len(state["promotional_package"]) == 2
    assert set(await cleanup_policies(kafka_bootstrap, service.view_topics.values())).issuperset(
        service.view_topics.values()
    )


async def test_the_rebuilt_copy_prices_lines_with_the_catalogs_own_engine(
    demo: tuple[CatalogService, CatalogState],
) -> None:
    _, state = demo
    pricer = Pricer(state)
    acme_product = next(
        v.record.product_code for v in state["customer_product"].values() if v.record.customer == "ACME"
    )
    agreement = pricer.line("ACME", acme_product, "1")
    assert not isinstance(agreement, NoPrice)
    entry = state["price_entry"][agreement.provenance.price_entry_id].record
    assert (entry.price_type, entry.customer) == ("AGR", "ACME")  # position 10 beats the list price
    assert agreement.discount_percent == standard_discount(agreement.provenance.discounts)
    assert {c.level for c in agreement.provenance.discounts} == {1, 2}  # two discount levels, cascaded

    bolt = next(e.record for e in state["price_entry"].values() if e.record.min_quantity == Decimal(1000))
    one, thousand = (
        pricer.line("BRICK", bolt.product_code, "1"),
        pricer.line("BRICK", bolt.product_code, "1000"),
    )
    assert not isinstance(one, NoPrice)
    assert not isinstance(thousand, NoPrice)
    assert thousand.provenance.price_entry_id == bolt.id
    assert thousand.unit_price < one.unit_price

    assert isinstance(pricer.line("BRICK", "NO-SUCH", "1"), NoPrice)


async def test_a_package_is_available_only_where_its_conditions_match(
    demo: tuple[CatalogService, CatalogState],
) -> None:
    _, state = demo
    pricer = Pricer(state)
    safety, starter = pricer.packages["PK-SAFETY"], pricer.packages["PK-STARTER"]
    assert package_available(safety, pricer.context("ACME", None, "1", channel="WEB"))  # VIP, online
    assert not package_available(safety, pricer.context("BRICK", None, "1", channel="WEB"))  # not VIP
    assert not package_available(safety, pricer.context("ACME", None, "1", channel="CC"))
    lines = apply_package(starter, 2, pricer.context("CORNER", None, "1"), pricer.prices, pricer.discounts)
    assert isinstance(lines, tuple)
    assert [line.quantity for line in lines] == [2 * line.quantity for line in starter.lines]
    assert all(not isinstance(line, NoPrice) and line.provenance.package_id == "PK-STARTER" for line in lines)
