"""Benchmark: rebuilding the drafts read model from the log, and showing one long-lived draft.

* rebuild:                  `rebuild_drafts` over DRAFTS x EVENTS_PER_DRAFT valid draft events (default
                            20,000 x 50 = 1,000,000; `--quick` 2,000 x 50), from an empty `draft_rows_next`
                            to the swap, in events/s. The log is written by append_many in batches of
                            500 drafts x 5 events (one transaction each), so a draft's events are spread
                            over 10 rounds across the whole log, as concurrent editing spreads them.
                            Each draft: opened, 20 lines added, quantities changed (repriced), notes set,
                            a line removed (~8 KB of state per row at the end).
* show_10k_events:          the `order-draft show DRAFT` code path (read the stream, fold every event,
                            the operator's view) for one draft of 10,000 events, in ms (best of 5).
* show_10k_events_snapshot: the same draft through `load_draft` (order_draft.projections.loading): the
                            stream's latest snapshot (taken at version 9,900, as a "snapshot every 100
                            events" policy would leave it) plus the 100-event tail, then the same view.

Run: .venv/bin/python bench/rebuild.py [--quick] [--json bench/results/rebuild.json]
(uses POSTGRES_DSN/KAFKA_BOOTSTRAP_SERVERS when set, e.g. after `export $(make -s infra-up)`).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
from common.machine import machine

# Run as a script, bench/ comes first on sys.path, and bench/catalog.py would shadow the `catalog` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from infra import provide  # noqa: E402
from order_draft.cli.ops_drafts import draft_json, events_of, state_at  # noqa: E402
from order_draft.domain import (  # noqa: E402
    AppliedDiscount,
    DraftOpened,
    Event,
    Line,
    LineAdded,
    LinePrice,
    LineQuantityChanged,
    LineRemoved,
    LineSource,
    NotesSet,
)
from order_draft.projections import rebuild_drafts, verify_drafts  # noqa: E402
from order_draft.projections.loading import load_draft, snapshot_of  # noqa: E402
from order_draft.service import PARTS  # noqa: E402
from order_draft.store import Append, EventStore, NewEvent  # noqa: E402

DATABASE = "bench_rebuild"
EVENTS_PER_DRAFT = 50
ROUND = 5  # events per draft per append
BATCH = 500  # drafts per append_many (one transaction)
LONG = 10_000  # events of the draft that `show` folds
SNAPSHOT_AT = 9_900
TARGET = 50_000
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
GUARANTEES = (
    "fsync={fsync} synchronous_commit={synchronous_commit}; the rebuild writes draft_rows_next in "
    "durable transactions, each holding its rows and the rebuild's checkpoint, one per 10 s of "
    "folding (a killed rebuild resumes from its last write and redoes at most that), the last one before "
    "the swap; then catches up and swaps under the live table's lock in one transaction; the result is "
    "checked with verify_drafts (no differences); folded in 2 processes, each a part of the drafts with "
    "its own checkpoint. show: read and fold in the same process as the database."
)


def price(unit: str, quantity: int, revision: int) -> LinePrice:
    amount = (Decimal(unit) * quantity * Decimal("0.9")).quantize(Decimal("0.01"))
    discounts = (AppliedDiscount(level=1, entry_id="D-TOOLS", percent=Decimal("0.10")),)
    return LinePrice(
        unit_price=Decimal(unit),
        currency="EUR",
        discount_percent=Decimal("0.10"),
        amount=amount,
        price_entry_id=f"P-{unit}",
        discounts=discounts,
        revision=revision,
    )


def draft_events(draft_id: str, count: int) -> list[Event]:
    """`count` valid events: opened, 20 lines added, then quantity changes, notes and a removed-and-added
    line in turn."""
    events: list[Event] = [
        DraftOpened(
            draft_id=draft_id,
            document_number="SO-1",
            document_type="SO",
            site="S1",
            customer="C1",
            enterprise_company="EC",
            channel_code="CC",
            channel_name="Client Center",
            store="ST1",
            order_date=NOW.date(),
            opened_at=NOW,
            opened_by="U1",
        )
    ]
    for n in range(1, count):
        line_id = f"L{n % 20 + 1}"
        if n <= 20:
            line = Line(
                line_id=f"L{n}",
                product_code=f"A{100 + n}",
                unit="pcs",
                quantity=Decimal(1),
                source=LineSource.CUSTOMER_PRODUCTS,
                price=price(f"{n}.50", 1, 3),
                name=f"Product {n}",
            )
            events.append(LineAdded(line=line))
        elif n % 25 == 0:
            events.append(NotesSet(notes=f"note {n}"))
        elif n % 49 == 0:
            events.append(LineRemoved(line_id=line_id))
        else:
            quantity = 1 + n % 7
            changed = price("9.50", quantity, 4)
            events.append(LineQuantityChanged(line_id=line_id, quantity=Decimal(quantity), price=changed))
    return events


def new_events(events: list[Event]) -> list[NewEvent]:
    meta = {"user_id": "U1", "customer_id": "C1"}
    return [NewEvent(e.event_type, e.to_payload(), e.schema_version, meta) for e in events]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def write_log(store: EventStore, drafts: int) -> int:
    """drafts x EVENTS_PER_DRAFT events, ROUND events per draft per append, BATCH drafts per transaction,
    two writers at once (disjoint drafts)."""
    template = new_events(draft_events("X", EVENTS_PER_DRAFT))
    opened = template[0]

    def events_of_draft(draft_id: str, start: int) -> list[NewEvent]:
        if start:
            return template[start : start + ROUND]
        first = opened._replace(payload={**opened.payload, "draft_id": draft_id})
        return [first, *template[1:ROUND]]

    async def writer(ids: list[str]) -> None:
        for start in range(0, EVENTS_PER_DRAFT, ROUND):
            for i in range(0, len(ids), BATCH):
                appends = [Append(f"draft-{d}", events_of_draft(d, start), start) for d in ids[i : i + BATCH]]
                for outcome in await store.append_many(appends):
                    if not hasattr(outcome, "stream_version"):
                        raise AssertionError(outcome)

    ids = [f"bench-{n:06d}" for n in range(drafts)]
    await asyncio.gather(writer(ids[0::2]), writer(ids[1::2]))
    return drafts * EVENTS_PER_DRAFT


async def fresh_database(dsn: str) -> dict[str, Any]:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DATABASE}"')
        return {
            "version": await conn.fetchval("SELECT version()"),
            "fsync": await conn.fetchval("SHOW fsync"),
            "synchronous_commit": await conn.fetchval("SHOW synchronous_commit"),
        }
    finally:
        await conn.close()


async def best_ms(work: Any, passes: int = 5) -> float:
    times = []
    for _ in range(passes):
        started = time.perf_counter()
        await work()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


async def run(drafts: int, endpoints: Any, profile: bool) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    server = await fresh_database(endpoints.postgres_dsn)
    store = await EventStore.connect(endpoints.postgres_dsn_for(DATABASE), migrations=PARTS)
    rows: list[dict[str, Any]] = []
    try:
        started = time.perf_counter()
        total = await write_log(store, drafts)
        log(f"  wrote {total:,} events in {time.perf_counter() - started:.1f} s")
        async with store.pool.acquire() as conn:
            await conn.execute("VACUUM ANALYZE events")

        started = time.perf_counter()
        if profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        read = await rebuild_drafts(store)
        elapsed = time.perf_counter() - started
        if profile:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        if read != total:
            raise AssertionError(f"the rebuild read {read} events, expected {total}")
        rate = total / elapsed
        log(f"  rebuild          {rate:>10,.0f} events/s ({elapsed:.1f} s; target {TARGET:,})")
        differences = await verify_drafts(store)
        if differences:
            raise AssertionError(f"verify after the rebuild: {differences[:3]}")
        rows.append({"name": "rebuild", "unit": "events/s", "ours": round(rate)})

        stream = "draft-long"
        events = new_events(draft_events("long", LONG))
        for i in range(0, LONG, 1000):
            await store.append(stream, events[i : i + 1000], expected_version=i)

        async def show() -> dict[str, Any] | None:
            return draft_json(state_at(await events_of(store, stream), None))

        # The snapshot a "every 100 events" policy would have left: the state at version 9,900.
        at = state_at(await events_of(store, stream), SNAPSHOT_AT)
        assert at is not None
        await store.save_snapshot(snapshot_of(stream, at))

        async def show_from_snapshot() -> dict[str, Any] | None:
            return draft_json(await load_draft(store, stream))

        if await show() != await show_from_snapshot():
            raise AssertionError("the snapshot loader disagrees with the full fold")
        for name, work in (("show_10k_events", show), ("show_10k_events_snapshot", show_from_snapshot)):
            ms = await best_ms(work)
            log(f"  {name:<26} {ms:>8.2f} ms")
            rows.append({"name": name, "unit": "ms", "ours": round(ms, 3)})
    finally:
        await store.close()
    info = {"machine": machine(server, endpoints.source), "guarantees": GUARANTEES.format(**server)}
    return info, rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path, help="write the results here (bench/results/rebuild.json)")
    parser.add_argument(
        "--quick", action="store_true", help="2,000 drafts (100,000 events) instead of 20,000"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the rebuild (stderr)")
    args = parser.parse_args()
    drafts = 2_000 if args.quick else 20_000
    log(f"rebuild benchmark: {drafts:,} drafts x {EVENTS_PER_DRAFT} events")
    with provide("bench") as endpoints:
        info, rows = asyncio.run(run(drafts, endpoints, args.profile))
    result = {**info, "rows": rows}
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
