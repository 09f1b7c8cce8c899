"""The New Order screen query (GET /screen) with 1,000 drafts of 50 lines in the read model: p50/p99.

    python bench/screen.py [--requests N] [--json PATH]

One database (bench_screen, made afresh), the test catalog plus 1,000 customers with 50 My Products each
(50,000 customer-product records) in the in-memory copy, one active draft of 50 priced lines per customer.
Each request is a random customer's screen, timed around the query function (no HTTP server).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import asyncpg
from common.machine import machine, server_facts

ROOT = Path(__file__).resolve().parents[1]
# bench/catalog.py would shadow the catalog package: drop this folder from the path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT / "services/order-draft/tests/handlers"))

from handler_catalog import RECORDS, customer  # noqa: E402

from contracts import catalog as c  # noqa: E402
from infra import provide  # noqa: E402
from infra.endpoints import Endpoints  # noqa: E402
from order_draft.catalog_copy import CatalogCopy  # noqa: E402
from order_draft.domain import Channel, Draft, DraftStatus, Line, LinePrice, LineSource  # noqa: E402
from order_draft.http.views import get_screen  # noqa: E402
from order_draft.projections.drafts import Projected, save_rows  # noqa: E402
from order_draft.service import PARTS  # noqa: E402
from order_draft.store import EventStore  # noqa: E402

DRAFTS, LINES = 1000, 50
SINCE = dt.date(2026, 1, 1)


def catalog() -> CatalogCopy:
    copy = CatalogCopy()
    records: list[c.Record] = list(RECORDS)
    records += [c.Product(code=f"P{i}", name=f"Product {i}", unit="PCS") for i in range(LINES)]
    for n in range(DRAFTS):
        records += [customer(code=f"K{n}", name=f"Customer {n}")]
        records += [c.ExternalAccess(user="U1", customer=f"K{n}", role="L30")]
        records += [
            c.CustomerProduct(customer=f"K{n}", product_code=f"P{i}", from_date=SINCE) for i in range(LINES)
        ]
    for record in records:
        copy.apply(record.kind, record.key(), record, 1)
    return copy


def draft(n: int) -> Draft:
    price = LinePrice(
        unit_price=Decimal("9.50"),
        currency="EUR",
        discount_percent=Decimal("0.10"),
        amount=Decimal("85.50"),
        price_entry_id="P-1",
        discounts=(),
        revision=1,
    )
    lines = {
        f"l{i}": Line(
            line_id=f"l{i}",
            product_code=f"P{i}",
            unit="PCS",
            quantity=Decimal(10),
            source=LineSource.CUSTOMER_PRODUCTS,
            price=price,
            name=f"Product {i}",
        )
        for i in range(LINES)
    }
    return Draft(
        draft_id=str(uuid.UUID(int=n + 1)),
        status=DraftStatus.NEW,
        document_number=f"SO-{n}",
        document_type="SO",
        site="S1",
        customer=f"K{n}",
        enterprise_company="EC",
        channel=Channel(code="CC", name="Client Center"),
        store="ST1",
        order_date=dt.date(2026, 3, 10),
        opened_at=dt.datetime(2026, 3, 10, tzinfo=dt.UTC),
        version=LINES + 1,
        lines=MappingProxyType(lines),
    )


async def fresh(admin_dsn: str, name: str) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def run(requests: int, endpoints: Endpoints) -> dict[str, object]:
    await fresh(endpoints.postgres_dsn, "bench_screen")
    store = await EventStore.connect(endpoints.postgres_dsn_for("bench_screen"), migrations=PARTS)
    try:
        copy = catalog()
        now = dt.datetime.now(dt.UTC)
        async with store.pool.acquire() as conn, conn.transaction():
            rows = {str(uuid.UUID(int=n + 1)): Projected(LINES + 1, draft(n), now) for n in range(DRAFTS)}
            await save_rows(conn, "draft_rows", rows)
            await conn.executemany(
                "INSERT INTO active_drafts (site, customer, draft_id) VALUES ('S1', $1, $2)",
                [(f"K{n}", str(uuid.UUID(int=n + 1))) for n in range(DRAFTS)],
            )
            await conn.execute("ANALYZE")
        times = []
        for i in range(requests + 200):
            headers = {"x-user-id": "U1", "x-customer-id": f"K{random.randrange(DRAFTS)}"}
            started = time.perf_counter()
            status, body = await get_screen(store, copy, headers, {"site": "S1"})
            elapsed = time.perf_counter() - started
            assert status == 200
            assert len(body["draft"]["lines"]) == len(body["my_products"]) == LINES
            if i >= 200:  # warm-up
                times.append(elapsed * 1000)
    finally:
        await store.close()
    times.sort()
    server = await server_facts(endpoints.postgres_dsn)
    return {
        "machine": machine(server, endpoints.source),
        "guarantees": "read-only queries on the drafts read model and the in-memory catalog copy; "
        f"the server runs with fsync={server['fsync']} synchronous_commit={server['synchronous_commit']}",
        "query": "GET /screen (get_screen), random customer, 50-line draft, 50 My Products",
        "drafts": DRAFTS,
        "lines_per_draft": LINES,
        "requests": requests,
        "rows": [
            {"name": "screen_p50", "unit": "ms", "ours": round(statistics.median(times), 2)},
            {"name": "screen_p99", "unit": "ms", "ours": round(times[int(len(times) * 0.99) - 1], 2)},
            {"name": "screen_max", "unit": "ms", "ours": round(times[-1], 2)},
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with provide("bench") as endpoints:  # outside the event loop: it may start the servers
        result = asyncio.run(run(args.requests, endpoints))
    print(json.dumps(result, indent=2))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
