# ruff: noqa: F811  (the `running` fixture is imported here: the e2e conftest is not on this path)
"""The read side over Kafka: GetDraft, GetOrders and GetScreen through the real broker with RequestClient
answer exactly what the HTTP routes answer (the actor stands for the gateway's headers), refusals carry the
same code and status; and the drafts projection's lag as /ready and the gauge report it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from pydantic import TypeAdapter
from read_client import ask, more_people
from service_under_test import ANN, Running, on, projected, running  # noqa: F401

from contracts.client import RequestClient
from contracts.envelope import Actor
from contracts.order_draft import commands as c
from contracts.order_draft import queries as q
from order_draft import metrics
from order_draft.app import readiness
from order_draft.projections import SUBSCRIPTION

BOB = Actor(user_id="U3", customer_id="C1")  # L20 for C1 (more_people)
CARL = Actor(user_id="U2", customer_id="C2")  # L30 for C2, no row for C1

Client = RequestClient[q.QueryResult | q.QueryFailed]


@pytest.fixture
async def queries(running: Running) -> AsyncIterator[Client]:
    service = running.service
    reply_type: TypeAdapter[Any] = TypeAdapter(q.OrderDraftQueryReply)
    async with RequestClient(
        running.bootstrap, service.queries_topic, service.query_replies_topic, reply_type, timeout=10
    ) as client:
        yield client


async def a_draft(running: Running) -> tuple[str, int]:
    send = running.client.send
    draft_id = str((await send(c.OpenDraft(actor=ANN, site="S1")))["draft_id"])
    await send(on(draft_id, c.AddLine, product_code="A100", quantity=Decimal(3)))
    last = await send(on(draft_id, c.SetPackageQuantity, package_id="PK", count=1))
    await projected(running.service, draft_id, int(last["version"]))
    return draft_id, int(last["version"])


async def test_the_screen_of_an_l20_user_over_kafka_is_the_http_screen_without_money(
    running: Running, queries: Client
) -> None:
    await running.change_catalog(*more_people(), revision=2)
    draft_id, _ = await a_draft(running)
    reply = await queries.send(q.GetScreen(actor=BOB, site="S1"))
    assert isinstance(reply, q.QueryResult), reply
    assert reply.query == "GetScreen"
    assert (200, reply.body) == await ask(running, "/screen", user="U3", site="S1")
    body = reply.body
    assert body["header"]["role"] == "L20"
    assert body["header"]["sees_money"] is False
    assert body["draft"]["draft_id"] == draft_id
    assert {line["price_state"] for line in body["draft"]["lines"]} == {"hidden"}
    assert body["draft"]["total_amount"] is None
    assert body["packages"]
    assert all("unit_price" not in line for p in body["packages"] for line in p["lines"])


async def test_drafts_and_orders_over_kafka_equal_http(running: Running, queries: Client) -> None:
    draft_id, version = await a_draft(running)
    latest = await queries.send(q.GetDraft(actor=ANN, draft_id=uuid.UUID(draft_id)))
    assert isinstance(latest, q.QueryResult), latest
    assert (200, latest.body) == await ask(running, "/drafts", id=draft_id)
    assert latest.body["version"] == version
    first = await queries.send(q.GetDraft(actor=ANN, draft_id=uuid.UUID(draft_id), version=1))
    assert isinstance(first, q.QueryResult), first
    assert (200, first.body) == await ask(running, "/drafts", id=draft_id, version=1)
    assert first.body["version"] == 1
    orders = await queries.send(q.GetOrders(actor=ANN, site="S1"))
    assert isinstance(orders, q.QueryResult), orders
    assert (200, orders.body) == await ask(running, "/orders", site="S1")
    assert [o["draft_id"] for o in orders.body["orders"]] == [draft_id]


async def test_another_customers_draft_is_refused_with_the_http_code(
    running: Running, queries: Client
) -> None:
    await running.change_catalog(*more_people(), revision=2)
    draft_id, _ = await a_draft(running)
    for actor, status, code in (
        (CARL, 404, "DRAFT_NOT_FOUND"),
        (Actor(user_id="U2", customer_id="C1"), 403, "CC010"),
        (Actor(), 401, "UNAUTHENTICATED"),
    ):
        query = q.GetDraft(actor=actor, draft_id=uuid.UUID(draft_id))
        reply = await queries.send(query)
        assert isinstance(reply, q.QueryFailed), reply
        assert (reply.status, reply.code) == (status, code)
        assert (reply.command_id, reply.correlation_id) == (query.command_id, query.correlation_id)
        http = await ask(running, "/drafts", user=actor.user_id, customer=actor.customer_id, id=draft_id)
        assert http == (status, {"code": reply.code, "message": reply.message})
    site = await queries.send(q.GetScreen(actor=ANN, site="NOPE"))
    assert isinstance(site, q.QueryFailed)
    assert (site.status, site.code) == (404, "SITE_NOT_FOUND")


async def test_an_unreadable_query_is_answered_bad_query(running: Running, queries: Client) -> None:
    service = running.service
    correlation = uuid.uuid4()
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    queries._waiting[str(correlation)] = future  # what send() does, for a record that is no query
    producer = AIOKafkaProducer(bootstrap_servers=running.bootstrap)
    await producer.start()
    try:
        headers = [("correlation_id", str(correlation).encode())]
        await producer.send_and_wait(service.queries_topic, b'{"type": "GetScreen"}', headers=headers)
    finally:
        await producer.stop()
    reply = await asyncio.wait_for(future, 15)
    assert isinstance(reply, q.QueryFailed)
    assert (reply.status, reply.code, reply.correlation_id) == (400, "BAD_QUERY", correlation)


async def test_the_projection_lag_is_counted_and_ready_only_fails_when_the_projection_died(
    running: Running,
) -> None:
    service = running.service
    draft_id, _ = await a_draft(running)
    body, status = await readiness(service, kafka=True)
    assert (status, body["projecting"], body["projection_lag_events"]) == (200, True, 0)
    assert service.store is not None
    async with service.store.pool.acquire() as conn, conn.transaction():
        # hold the projection's checkpoint row: it cannot save, so it stays behind while commands go on
        await conn.execute("SELECT 1 FROM subscription_checkpoints WHERE name = $1 FOR UPDATE", SUBSCRIPTION)
        await running.client.send(on(draft_id, c.SetNotes, notes="behind"))
        last = await running.client.send(on(draft_id, c.SetNotes, notes="further behind"))
        body, status = await readiness(service, kafka=True)
        assert (status, body["ready"], body["projection_lag_events"]) == (200, True, 2)  # lagging is ready
        assert metrics.PROJECTION_LAG._value.get() == 2
    await projected(service, draft_id, int(last["version"]))
    assert (await readiness(service, kafka=True))[0]["projection_lag_events"] == 0

    assert service.drafts is not None
    service.drafts.stop()  # the projection's task ends
    for task in service._tasks:
        if task.get_name() == SUBSCRIPTION:
            await task
    await running.client.send(on(draft_id, c.SetNotes, notes="never projected"))
    body, status = await readiness(service, kafka=True)
    assert (status, body["projecting"], body["projection_lag_events"]) == (503, False, 1)
