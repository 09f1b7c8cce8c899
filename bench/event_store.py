"""Benchmark: our event store against the `eventsourcing` library's PostgreSQL recorder and plain asyncpg.

All three run in the same process, against the same PostgreSQL server, each in a fresh database of its own
(bench_ours, bench_es, bench_plain), row by row (every row runs for the three systems back to back):

* ours:          order_draft.store.EventStore (asyncpg): append_events() with a per-stream expected version,
                 read_all_pages() in pages of 1,000 by checkpoint (each page's query runs while the one
                 before is decoded; row read_all_page_by_page: one awaited read_all() per page, as the
                 other two read), read_stream().
* eventsourcing: eventsourcing.postgres.PostgresApplicationRecorder (psycopg 3, synchronous, default
                 settings: table lock + NOTIFY per insert); writers run in a ThreadPoolExecutor of W threads
                 over a pool of W connections; stored events carry originator_version = the stream version.
* plain:         one table, one INSERT ... SELECT FROM unnest(...) per append, no constraint besides the
                 bigserial primary key (a non-unique index on (stream_id, version) serves the stream read).

Every append is its own transaction (durable commit: fsync and synchronous_commit are never turned off).
Every read decodes the JSON payload into a dict (orjson for all three).

Stream layout (identical inputs for the three systems):
* w1 rows (append_b1_w1, append_b100_w1): round robin over S = (append_b100_w1 events / 100) streams, so
  that each ends with ~100 events; read_stream reads all S of them, whole.
* w4 rows (append_b1_w4, append_b10_w4): 10,000 streams; writer k owns the streams i with i % 4 == k and
  goes round robin over them (versions carry over from one row to the next).

Run: .venv/bin/python bench/event_store.py [--quick] [--json bench/results/event_store.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import asyncpg
import orjson
from common.machine import machine

from infra import provide
from order_draft.store import START, EventStore, NewEvent

SYSTEMS = ("ours", "eventsourcing", "plain")
DATABASES = {"ours": "bench_ours", "eventsourcing": "bench_es", "plain": "bench_plain"}
W4_STREAMS = 10_000
MAX_WRITERS = 4
PAGE = 1000
EVENT_TYPE = "LineAdded"
GUARANTEES = (
    "fsync={fsync} synchronous_commit={synchronous_commit}; every append is one durable transaction; "
    "ours: optimistic concurrency per stream (expected version checked against the stream's head, primary "
    "key on stream id + version; these appends take the lock-free one-statement path), command "
    "idempotency (available, unused here), gap-free global order without a table lock (transaction id + "
    "position, read below the oldest open transaction), subscriptions woken by NOTIFY after commit (the "
    "notifier runs during the appends); eventsourcing 9.5 PostgresApplicationRecorder (default "
    "settings): optimistic concurrency per stream (primary key on originator_id, originator_version), "
    "gap-free global order by an EXCLUSIVE table lock per insert (+ NOTIFY), no command idempotency; "
    "plain: none (no version check, no ordering guarantee beyond a bigserial, no idempotency)"
)


def payload(n: int) -> dict[str, Any]:
    """~200 bytes of JSON."""
    return {
        "product": f"P-{10000 + n % 90000}",
        "quantity": str(1 + n % 50),
        "unit_price": "10.50",
        "note": "x" * 120,
    }


# --------------------------------------------------------------------------------------------- sizes


@dataclass(frozen=True)
class Sizes:
    b1_w1: int
    b1_w4: int
    b10_w4: int
    b100_w1: int

    @property
    def w1_streams(self) -> int:
        return max(1, self.b100_w1 // 100)

    @property
    def total(self) -> int:
        return self.b1_w1 + self.b1_w4 + self.b10_w4 + self.b100_w1


DEFAULT = Sizes(b1_w1=10_000, b1_w4=20_000, b10_w4=60_000, b100_w1=100_000)
QUICK = Sizes(b1_w1=600, b1_w4=1_200, b10_w4=6_000, b100_w1=43_000)


@dataclass(frozen=True)
class AppendRow:
    name: str
    batch: int
    writers: int
    events: int
    stream_set: str  # "w1" or "w4"


@dataclass
class Layout:
    """Which stream each writer appends to next, and the version it knows for it (same for all systems)."""

    sizes: Sizes
    cursors: dict[tuple[str, int, int], int] = field(default_factory=dict)

    def owned(self, stream_set: str, writers: int, k: int) -> list[str]:
        if stream_set == "w1":
            return [f"w1-{i}" for i in range(self.sizes.w1_streams)]
        return [f"w4-{i}" for i in range(k, W4_STREAMS, writers)]

    def plan(self, row: AppendRow) -> list[list[str]]:
        """Per writer: the stream of each of its appends, in order."""
        appends = row.events // row.batch
        plans = []
        for k in range(row.writers):
            streams = self.owned(row.stream_set, row.writers, k)
            mine = appends // row.writers + (1 if k < appends % row.writers else 0)
            start = self.cursors.get((row.stream_set, row.writers, k), 0)
            plans.append([streams[(start + j) % len(streams)] for j in range(mine)])
            self.cursors[(row.stream_set, row.writers, k)] = start + mine
        return plans

    def read_streams(self) -> list[str]:
        return [f"w1-{i}" for i in range(self.sizes.w1_streams)]


@dataclass
class Timing:
    events: int
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds per append

    @property
    def rate(self) -> float:
        return self.events / self.seconds


# --------------------------------------------------------------------------------------------- systems


class Ours:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.versions: dict[str, int] = {}

    async def open(self) -> None:
        self.store = await EventStore.connect(self.dsn, min_size=MAX_WRITERS, max_size=MAX_WRITERS)

    async def close(self) -> None:
        await self.store.close()

    async def append(self, row: AppendRow, plans: list[list[str]]) -> Timing:
        versions, store = self.versions, self.store
        latencies: list[float] = []

        async def writer(streams: list[str]) -> None:
            for n, stream in enumerate(streams):
                events = [NewEvent(EVENT_TYPE, payload(n * row.batch + i)) for i in range(row.batch)]
                began = time.perf_counter()
                result = await store.append(stream, events, expected_version=versions.get(stream, 0))
                latencies.append(time.perf_counter() - began)
                versions[stream] = result.stream_version

        began = time.perf_counter()
        await asyncio.gather(*(writer(p) for p in plans))
        return Timing(sum(map(len, plans)) * row.batch, time.perf_counter() - began, latencies)

    async def read_all(self) -> Timing:
        """The store's log scan: each page's query runs while the one before is decoded."""
        began = time.perf_counter()
        count = 0
        async for page in self.store.read_all_pages(START, PAGE):
            count += len(page)
        return Timing(count, time.perf_counter() - began)

    async def read_all_page_by_page(self) -> Timing:
        """One `read_all` call per page, each awaited before the next is asked for."""
        began = time.perf_counter()
        count, after = 0, START
        while page := await self.store.read_all(after, PAGE):
            count += len(page)
            after = page[-1].checkpoint
        return Timing(count, time.perf_counter() - began)

    async def read_stream(self, streams: Sequence[str]) -> Timing:
        began = time.perf_counter()
        count = 0
        for stream in streams:
            count += len(await self.store.read_stream(stream))
        return Timing(count, time.perf_counter() - began)


class Plain:
    SCHEMA = (
        "CREATE TABLE plain_events (id bigserial PRIMARY KEY, stream_id text NOT NULL, version int NOT NULL, "
        "type text NOT NULL, data jsonb NOT NULL);"
        "CREATE INDEX plain_events_stream ON plain_events (stream_id, version);"
    )
    INSERT = (
        "INSERT INTO plain_events (stream_id, version, type, data) "
        "SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::jsonb[])"
    )
    READ_ALL = (
        "SELECT id, stream_id, version, type, data FROM plain_events WHERE id > $1 ORDER BY id LIMIT $2"
    )
    READ_STREAM = (
        "SELECT id, stream_id, version, type, data FROM plain_events WHERE stream_id = $1 ORDER BY version"
    )

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.versions: dict[str, int] = {}

    async def open(self) -> None:
        pool = await asyncpg.create_pool(self.dsn, min_size=MAX_WRITERS, max_size=MAX_WRITERS)
        assert pool is not None
        self.pool = pool
        await pool.execute(self.SCHEMA)

    async def close(self) -> None:
        await self.pool.close()

    async def append(self, row: AppendRow, plans: list[list[str]]) -> Timing:
        versions, pool, dumps = self.versions, self.pool, orjson.dumps
        latencies: list[float] = []

        async def writer(streams: list[str]) -> None:
            async with pool.acquire() as conn:  # a connection of its own: the ceiling pays no pool
                await write(conn, streams)

        async def write(conn: asyncpg.Connection, streams: list[str]) -> None:
            for n, stream in enumerate(streams):
                current = versions.get(stream, 0)
                data = [dumps(payload(n * row.batch + i)).decode() for i in range(row.batch)]
                began = time.perf_counter()
                await conn.execute(
                    self.INSERT,
                    [stream] * row.batch,
                    list(range(current + 1, current + row.batch + 1)),
                    [EVENT_TYPE] * row.batch,
                    data,
                )
                latencies.append(time.perf_counter() - began)
                versions[stream] = current + row.batch

        began = time.perf_counter()
        await asyncio.gather(*(writer(p) for p in plans))
        return Timing(sum(map(len, plans)) * row.batch, time.perf_counter() - began, latencies)

    async def read_all(self) -> Timing:
        loads = orjson.loads
        began = time.perf_counter()
        count, after = 0, 0
        while rows := await self.pool.fetch(self.READ_ALL, after, PAGE):
            decoded = [(r[0], r[1], r[2], r[3], loads(r[4])) for r in rows]
            count += len(decoded)
            after = decoded[-1][0]
        return Timing(count, time.perf_counter() - began)

    async def read_stream(self, streams: Sequence[str]) -> Timing:
        loads = orjson.loads
        began = time.perf_counter()
        count = 0
        for stream in streams:
            rows = await self.pool.fetch(self.READ_STREAM, stream)
            count += len([(r[0], r[1], r[2], r[3], loads(r[4])) for r in rows])
        return Timing(count, time.perf_counter() - began)


class EventSourcing:
    """The library is synchronous: calls run in threads; the benchmark's event loop just waits for them."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.versions: dict[str, int] = {}

    async def open(self) -> None:
        await asyncio.to_thread(self._open)

    def _open(self) -> None:
        from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

        url = urlsplit(self.dsn)
        self.datastore = PostgresDatastore(
            dbname=url.path.lstrip("/"),
            host=url.hostname or "127.0.0.1",
            port=url.port or 5432,
            user=unquote(url.username or "postgres"),
            password=unquote(url.password or ""),
            pool_size=MAX_WRITERS,
            max_overflow=0,
            originator_id_type="text",  # our stream ids are text, as in the other two
        )
        self.recorder = PostgresApplicationRecorder(self.datastore)
        self.recorder.create_table()

    async def close(self) -> None:
        await asyncio.to_thread(self.datastore.close)

    async def append(self, row: AppendRow, plans: list[list[str]]) -> Timing:
        return await asyncio.to_thread(self._append, row, plans)

    def _append(self, row: AppendRow, plans: list[list[str]]) -> Timing:
        from eventsourcing.persistence import StoredEvent

        versions, insert, dumps = self.versions, self.recorder.insert_events, orjson.dumps
        latencies: list[float] = []

        def writer(streams: list[str]) -> None:
            for n, stream in enumerate(streams):
                current = versions.get(stream, 0)
                events = [
                    StoredEvent(stream, current + 1 + i, EVENT_TYPE, dumps(payload(n * row.batch + i)))
                    for i in range(row.batch)
                ]
                began = time.perf_counter()
                insert(events)
                latencies.append(time.perf_counter() - began)
                versions[stream] = current + row.batch

        with ThreadPoolExecutor(max_workers=row.writers) as pool:
            began = time.perf_counter()
            for future in [pool.submit(writer, p) for p in plans]:
                future.result()
            seconds = time.perf_counter() - began
        return Timing(sum(map(len, plans)) * row.batch, seconds, latencies)

    async def read_all(self) -> Timing:
        return await asyncio.to_thread(self._read_all)

    def _read_all(self) -> Timing:
        loads, select = orjson.loads, self.recorder.select_notifications
        began = time.perf_counter()
        count, after = 0, 0
        while page := select(after, PAGE, inclusive_of_start=False):
            decoded = [(n.id, n.originator_id, n.originator_version, n.topic, loads(n.state)) for n in page]
            count += len(decoded)
            after = decoded[-1][0]
        return Timing(count, time.perf_counter() - began)

    async def read_stream(self, streams: Sequence[str]) -> Timing:
        return await asyncio.to_thread(self._read_stream, streams)

    def _read_stream(self, streams: Sequence[str]) -> Timing:
        loads, select = orjson.loads, self.recorder.select_events
        began = time.perf_counter()
        count = 0
        for stream in streams:
            page = select(stream)
            count += len([(e.originator_id, e.originator_version, e.topic, loads(e.state)) for e in page])
        return Timing(count, time.perf_counter() - began)


FACTORIES: dict[str, Callable[[str], Any]] = {"ours": Ours, "eventsourcing": EventSourcing, "plain": Plain}


# --------------------------------------------------------------------------------------------- running


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def fresh_databases(admin_dsn: str) -> dict[str, Any]:
    conn = await asyncpg.connect(admin_dsn)
    try:
        for name in DATABASES.values():
            await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            await conn.execute(f"CREATE DATABASE {name}")
        return {
            "version": await conn.fetchval("SELECT version()"),
            "fsync": await conn.fetchval("SHOW fsync"),
            "synchronous_commit": await conn.fetchval("SHOW synchronous_commit"),
        }
    finally:
        await conn.close()


async def analyze(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def run(sizes: Sizes, endpoints: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    server = await fresh_databases(endpoints.postgres_dsn)
    dsns = {s: endpoints.postgres_dsn_for(DATABASES[s]) for s in SYSTEMS}
    systems = {s: FACTORIES[s](dsns[s]) for s in SYSTEMS}
    for system in systems.values():
        await system.open()
    layout = Layout(sizes)
    rows: list[dict[str, Any]] = []
    try:
        appends = [
            AppendRow("append_b1_w1", 1, 1, sizes.b1_w1, "w1"),
            AppendRow("append_b1_w4", 1, 4, sizes.b1_w4, "w4"),
            AppendRow("append_b10_w4", 10, 4, sizes.b10_w4, "w4"),
            AppendRow("append_b100_w1", 100, 1, sizes.b100_w1, "w1"),
        ]
        for row in appends:
            plans = layout.plan(row)
            timings = {}
            for name, system in systems.items():
                timings[name] = await system.append(row, plans)
                log(f"  {row.name:<16} {name:<14} {timings[name].rate:>10,.0f} events/s")
            rows.append({"name": row.name, "unit": "events/s", **{n: t.rate for n, t in timings.items()}})
            if row.name == "append_b1_w4":
                quantiles = {n: statistics.quantiles(t.latencies, n=100) for n, t in timings.items()}
                for label, index in (("p99", 98), ("p50", 49)):
                    rows.append(
                        {
                            "name": f"append_b1_w4_{label}_ms",
                            "unit": "ms",
                            **{n: q[index] * 1000 for n, q in quantiles.items()},
                        }
                    )

        # Reads on a store at rest, with planner statistics as autovacuum would have them by now.
        for dsn in dsns.values():
            await analyze(dsn)
        read_rows: list[tuple[str, Callable[[Any], Any]]] = [
            ("read_all", lambda s: s.read_all()),
            # Ours again, one awaited call per page like the others (they have no other way): the share
            # of read_all above that comes from reading ahead.
            ("read_all_page_by_page", lambda s: getattr(s, "read_all_page_by_page", s.read_all)()),
            ("read_stream", lambda s: s.read_stream(layout.read_streams())),
        ]
        for row_name, read in read_rows:
            timings = {}
            for name, system in systems.items():
                # Best of two passes: the first also warms caches and prepared statements.
                passes = [await read(system), await read(system)]
                expected = sizes.total if row_name.startswith("read_all") else sizes.b1_w1 + sizes.b100_w1
                if any(p.events != expected for p in passes):
                    raise AssertionError(f"{name} {row_name}: read {passes[0].events}, expected {expected}")
                timings[name] = max(passes, key=lambda t: t.rate)
                log(f"  {row_name:<16} {name:<14} {timings[name].rate:>10,.0f} events/s")
            rows.append({"name": row_name, "unit": "events/s", **{n: t.rate for n, t in timings.items()}})
    finally:
        for system in systems.values():
            await system.close()
    info = {"machine": machine(server, endpoints.source), "guarantees": GUARANTEES.format(**server)}
    return info, rows


ORDER = [
    "append_b1_w1",
    "append_b1_w4",
    "append_b10_w4",
    "append_b100_w1",
    "read_all",
    "read_all_page_by_page",
    "read_stream",
    "append_b1_w4_p99_ms",
    "append_b1_w4_p50_ms",
]


def rounded(row: dict[str, Any]) -> dict[str, Any]:
    digits = 3 if row["unit"] == "ms" else 0
    out = {"name": row["name"], "unit": row["unit"]}
    for system in SYSTEMS:
        value = round(row[system], digits)
        out[system] = int(value) if digits == 0 else value
    return out


def print_table(rows: list[dict[str, Any]], sizes: Sizes, info: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    def number(value: float, unit: str) -> str:
        return f"{value:,.2f}" if unit == "ms" else f"{value:,.0f}"

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}x" if b else "-"

    table = Table(title="Event store benchmark (events/s: higher is better; ms: lower is better)")
    for column in ("name", "unit", *SYSTEMS, "ours/plain", "ours/eventsourcing"):
        table.add_column(column, justify="left" if column in ("name", "unit") else "right")
    for row in rows:
        unit = row["unit"]
        table.add_row(
            row["name"],
            unit,
            *(number(row[s], unit) for s in SYSTEMS),
            ratio(row["ours"], row["plain"]),
            ratio(row["ours"], row["eventsourcing"]),
        )
    console = Console()
    if console.width < 132:  # piped or narrow: keep the table on one line per row
        console = Console(width=132)
    console.print(table)
    console.print(
        f"Events per row: b1_w1 {sizes.b1_w1:,}, b1_w4 {sizes.b1_w4:,}, b10_w4 {sizes.b10_w4:,}, "
        f"b100_w1 {sizes.b100_w1:,} ({sizes.total:,} in each store before the reads). w1 rows: "
        f"{sizes.w1_streams} streams (round robin); w4 rows: {W4_STREAMS:,} streams, disjoint per writer. "
        f"read_all: pages of {PAGE} from the start; read_stream: the {sizes.w1_streams} w1 streams "
        f"(~{(sizes.b1_w1 + sizes.b100_w1) // sizes.w1_streams} events each), one reader; reads: best of "
        f"2 passes. Payloads ~200 bytes of JSON, decoded to dicts on every read.",
        highlight=False,
    )
    console.print(f"Machine: {info['machine']}", highlight=False)
    console.print(f"Guarantees: {info['guarantees']}", highlight=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Compare our event store (order_draft.store.EventStore) with the eventsourcing "
        "library's PostgreSQL recorder and a plain asyncpg table, on the same PostgreSQL server "
        "(from POSTGRES_DSN/KAFKA_BOOTSTRAP_SERVERS, else started locally by infra.provide). Measures "
        "append throughput (batch sizes 1/10/100, 1 or 4 writers), single-append latency (p50/p99 with "
        "4 writers), global read (pages of 1,000) and whole-stream reads. Prints a table.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"small counts for a ~30 s check (default counts: b1_w1={DEFAULT.b1_w1}, b1_w4="
        f"{DEFAULT.b1_w4}, b10_w4={DEFAULT.b10_w4}, b100_w1={DEFAULT.b100_w1} events; a few minutes)",
    )
    parser.add_argument(
        "--json",
        metavar="PATH",
        type=Path,
        default=None,
        help="also write the results as JSON to PATH: {machine, guarantees, rows: [{name, unit, ours, "
        "eventsourcing, plain}]} (default: no JSON)",
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else DEFAULT

    started = time.perf_counter()
    with provide("bench") as endpoints:
        log(f"PostgreSQL from {endpoints.source}; {sizes.total:,} events per system")
        info, rows = asyncio.run(run(sizes, endpoints))
    rows.sort(key=lambda r: ORDER.index(r["name"]))
    print_table(rows, sizes, info)
    log(f"took {time.perf_counter() - started:.0f} s")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        document = {**info, "rows": [rounded(r) for r in rows]}
        args.json.write_text(json.dumps(document, indent=2) + "\n")
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
