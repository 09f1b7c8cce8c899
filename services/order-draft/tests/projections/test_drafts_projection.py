# ruff: noqa: F811  (the `running` fixture is imported here: the e2e conftest is not on this path)
"""The drafts read model on the real broker and database: it equals the log folded, a rebuild swaps in
the same rows and the live projection carries on, verify names a row that differs, and the latest draft
reaches the compacted topic."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer
from service_under_test import ANN, Running, on, projected, running  # noqa: F401

from contracts.order_draft import commands as c
from order_draft.domain import EVENT_TYPES, fold
from order_draft.projections import rebuild_drafts, verify_drafts
from order_draft.projections.state import draft_to_json


async def a_placed_and_an_open_draft(running: Running) -> tuple[dict[str, Any], dict[str, Any]]:
    send = running.client.send
    first = (await send(c.OpenDraft(actor=ANN, site="S1")))["draft_id"]
    await send(on(first, c.AddLine, product_code="A100", quantity=Decimal(3)))
    await send(on(first, c.SetNotes, notes="Gate 4"))
    packed = await send(on(first, c.SetPackageQuantity, package_id="PK", count=1))
    totals = {"EUR": Decimal(packed["draft"]["total_amount"])}
    placed = await send(on(first, c.PlaceOrder, expected_version=packed["version"], confirmed_totals=totals))
    assert placed["type"] == "Accepted", placed
    second = (await send(c.OpenDraft(actor=ANN, site="S1")))["draft_id"]
    opened = await send(on(second, c.SetProductQuantity, product_code="WEB1", quantity=Decimal(4)))
    return placed, opened


async def folded(running: Running, draft_id: str) -> dict[str, Any]:
    assert running.service.store is not None
    events = await running.service.store.read_stream(f"draft-{draft_id}")
    draft = fold(None, [EVENT_TYPES[e.type].from_payload(e.payload) for e in events])  # type: ignore[arg-type]
    assert draft is not None
    return draft_to_json(draft)


async def test_the_projection_equals_the_log_folded_and_survives_a_rebuild(running: Running) -> None:
    placed, opened = await a_placed_and_an_open_draft(running)
    store = running.service.store
    assert store is not None
    for reply in (placed, opened):
        row = await projected(running.service, reply["draft_id"], reply["version"])
        assert orjson.loads(row["state"]) == await folded(running, reply["draft_id"])
    assert (await projected(running.service, placed["draft_id"], placed["version"]))["status"] == "Submitted"
    assert await verify_drafts(store) == []

    seen: list[int] = []
    read = await rebuild_drafts(store, progress=seen.append)
    assert read >= placed["version"] + opened["version"]
    assert seen[-1] == read
    assert await verify_drafts(store) == []
    tables = await store.pool.fetchval("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'draft_rows%'")
    assert tables == 1

    later = await running.client.send(on(opened["draft_id"], c.SetNotes, notes="after the rebuild"))
    row = await projected(running.service, opened["draft_id"], later["version"])
    assert (row["notes"], row["version"]) == ("after the rebuild", later["version"])
    assert await verify_drafts(store) == []


async def test_verify_names_a_row_that_differs_from_the_log(running: Running) -> None:
    _, opened = await a_placed_and_an_open_draft(running)
    await projected(running.service, opened["draft_id"], opened["version"])
    store = running.service.store
    assert store is not None
    tamper = "UPDATE draft_rows SET notes = 'tampered' WHERE draft_id = $1"
    await store.pool.execute(tamper, opened["draft_id"])
    [difference] = await verify_drafts(store)
    assert (difference.draft_id, difference.field) == (opened["draft_id"], "notes")
    assert difference.actual == "tampered"


async def test_the_latest_draft_is_on_the_compacted_topic_keyed_by_draft_id(running: Running) -> None:
    placed, opened = await a_placed_and_an_open_draft(running)
    consumer = AIOKafkaConsumer(
        running.service.drafts_topic, bootstrap_servers=running.bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    latest: dict[str, dict[str, Any]] = {}
    try:
        async with asyncio.timeout(30):
            while latest.get(opened["draft_id"], {}).get("version") != opened["version"]:
                for records in (await consumer.getmany(timeout_ms=200)).values():
                    for record in records:
                        latest[record.key.decode()] = orjson.loads(record.value)["draft"]
    finally:
        await consumer.stop()
    assert latest[placed["draft_id"]]["status"] == "Submitted"
    assert latest[opened["draft_id"]]["lines"][0]["product_code"] == "WEB1"
    assert latest[opened["draft_id"]]["lines"][0]["unit_price"] == "5.00"  # the full view, for services
