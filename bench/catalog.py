"""Benchmark: the catalog's publish and rebuild throughput with 100,000 price entries.

    .venv/bin/python bench/catalog.py [--rows N] [--json bench/results/catalog.json]

What runs, against the real PostgreSQL and Kafka (infra.provide: POSTGRES_DSN/KAFKA_BOOTSTRAP_SERVERS when
set, else local servers), in a fresh database `bench_catalog` and topics of its own (deleted afterwards):

* import:  a folder with N price entries (CSV, plus 2,000 products and their groups, price types) through
           `catalog import`'s path: read, validate every row with its contract, stage (COPY), check the
           references, apply in one transaction that also writes one outbox row per entry.
* publish: the relay sends every outbox row to the compacted topics (idempotent producer, acks=all, pages of
           5,000, position stored after each page is acknowledged) and stops when caught up.
* rebuild: a consumer without a group reads the price-entries topic from offset 0 to its end and validates
           every value as a PriceEntryView (what a new order-draft instance does).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import platform
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

# Run as a script, this file's folder comes first on sys.path, and this file would shadow the `catalog`
# package it measures: take the folder off before importing it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import asyncpg  # noqa: E402
from aiokafka.admin import AIOKafkaAdminClient  # noqa: E402

from catalog.importing import import_folder  # noqa: E402
from catalog.publishing.relay import Relay  # noqa: E402
from catalog.publishing.topics import create_compacted_topics, suffixed  # noqa: E402
from catalog.store.migrations import migrate  # noqa: E402
from contracts.catalog.reader import read_views  # noqa: E402
from infra import provide  # noqa: E402

DATABASE = "bench_catalog"
PRODUCTS = 2000
GUARANTEES = (
    "PostgreSQL fsync={fsync} synchronous_commit={synchronous_commit}; import: all rows validated, staged "
    "and applied in one transaction with their outbox rows; publish: idempotent producer, acks=all, the "
    "relay's position stored after every acknowledged page of 5,000, order kept per key, {partitions} "
    "partitions per topic, cleanup.policy=compact; rebuild: every value validated as its pydantic view"
)


def write_folder(folder: Path, rows: int) -> None:
    """N price entries over 2,000 products; every 4th has a quantity break, every 10th a customer."""
    with open(folder / "product-groups.csv", "w", newline="") as file:
        file.write("code,name,parent\nALL,All,\nG1,Group 1,ALL\nG2,Group 2,ALL\n")
    with open(folder / "price-types.csv", "w", newline="") as file:
        file.write("code,name,position\nAGR,Agreement,10\nLIST,List,20\n")
    with open(folder / "customers.csv", "w", newline="") as file:
        file.write("code,name\n" + "".join(f"C{n},Customer {n}\n" for n in range(50)))
    with open(folder / "products.csv", "w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["code", "name", "unit", "product_group"])
        writer.writerows([f"P-{n:05d}", f"Product {n}", "PCS", f"G{1 + n % 2}"] for n in range(PRODUCTS))
    with open(folder / "price-entries.csv", "w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(
            ["id", "product_code", "price_type", "price", "currency", "from_date", "min_quantity", "customer"]
        )
        for n in range(rows):
            writer.writerow(
                [
                    f"PE-{n:07d}",
                    f"P-{n % PRODUCTS:05d}",
                    "AGR" if n % 10 == 0 else "LIST",
                    f"{1 + (n % 997) / 100:.2f}",
                    "EUR",
                    f"2025-{1 + n % 12:02d}-01",
                    "100" if n % 4 == 0 else "",
                    f"C{n % 50}" if n % 10 == 0 else "",
                ]
            )


def machine(server: dict[str, Any], source: str) -> str:
    cpu, ram = "unknown CPU", "unknown RAM"
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration):
        pass
    version = " ".join(str(server["version"]).split()[:2])
    where = f"{version} and Kafka ({source}, same host)"
    return f"{platform.platform()}; {cpu}; {os.cpu_count()} cores; {ram}; {where}"


async def fresh_database(endpoints: Any) -> dict[str, Any]:
    admin = await asyncpg.connect(endpoints.postgres_dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{DATABASE}"')
        return {
            "version": await admin.fetchval("SELECT version()"),
            "fsync": await admin.fetchval("SHOW fsync"),
            "synchronous_commit": await admin.fetchval("SHOW synchronous_commit"),
        }
    finally:
        await admin.close()


async def drop_database(endpoints: Any) -> None:
    admin = await asyncpg.connect(endpoints.postgres_dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    finally:
        await admin.close()


async def delete_topics(kafka: str, topics: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    await admin.start()
    try:
        await admin.delete_topics(topics)
    finally:
        await admin.close()


async def run(rows: int, endpoints: Any) -> dict[str, Any]:
    server = await fresh_database(endpoints)
    kafka = endpoints.kafka_bootstrap_servers
    topics = suffixed(f"bench-{uuid.uuid4().hex[:8]}")
    pool = await asyncpg.create_pool(endpoints.postgres_dsn_for(DATABASE), min_size=2, max_size=4)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        await create_compacted_topics(kafka, topics.values())
        with tempfile.TemporaryDirectory() as folder:
            write_folder(Path(folder), rows)
            started = time.perf_counter()
            async with pool.acquire() as conn:
                result = await import_folder(conn, Path(folder))
            import_s = time.perf_counter() - started
        if result.problems:
            raise RuntimeError(f"the import failed: {result.problems[:3]}")
        changes = await pool.fetchval("SELECT count(*) FROM catalog.changes")

        relay = Relay(pool, kafka, topics)
        started = time.perf_counter()
        published = await relay.publish_pending()
        publish_s = time.perf_counter() - started
        await relay.close()

        started = time.perf_counter()
        state = await read_views(kafka, {"price_entry": topics["price_entry"]})
        rebuild_s = time.perf_counter() - started
        if len(state["price_entry"]) != rows:
            raise RuntimeError(f"rebuilt {len(state['price_entry'])} price entries, expected {rows}")
    finally:
        await pool.close()
        await delete_topics(kafka, list(topics.values()))
        await drop_database(endpoints)
    print(
        f"import  {result.rows:>8,} rows in {import_s:6.2f} s  {result.rows / import_s:>9,.0f} rows/s",
        file=sys.stderr,
    )
    print(
        f"publish {published:>8,} rows in {publish_s:6.2f} s  {published / publish_s:>9,.0f} rows/s",
        file=sys.stderr,
    )
    print(f"rebuild {rows:>8,} rows in {rebuild_s:6.2f} s  {rows / rebuild_s:>9,.0f} rows/s", file=sys.stderr)
    assert published == changes
    return {
        "machine": machine(server, endpoints.source),
        "guarantees": GUARANTEES.format(partitions=3, **server),
        "price_entries": rows,
        "rows": [
            {"name": "import", "unit": "rows/s", "ours": round(result.rows / import_s)},
            {"name": "publish", "unit": "rows/s", "ours": round(published / publish_s)},
            {"name": "rebuild", "unit": "rows/s", "ours": round(rows / rebuild_s)},
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="price entries (default 100,000)")
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    args = parser.parse_args(argv)
    with provide("bench") as endpoints:
        results = asyncio.run(run(args.rows, endpoints))
    text = json.dumps(results, indent=2) + "\n"
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
