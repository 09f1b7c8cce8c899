# ruff: noqa: F811  (the `running` fixture is imported here: the e2e conftest is not on this path)
"""GET /drafts: the projected draft as the caller's role may see it, and as of a version or a time it
equals the reply the service sent at that version; nobody outside the customer sees it."""

from __future__ import annotations

from decimal import Decimal

from read_client import ask, more_people
from service_under_test import ANN, Running, on, projected, running  # noqa: F401

from contracts.order_draft import commands as c


async def a_draft_with_history(running: Running) -> list[dict[str, object]]:
    send = running.client.send
    opened = await send(c.OpenDraft(actor=ANN, site="S1"))
    draft_id = str(opened["draft_id"])
    replies = [opened]
    replies.append(await send(on(draft_id, c.AddLine, product_code="A100", quantity=Decimal(3))))
    replies.append(await send(on(draft_id, c.SetNotes, notes="Gate 4")))
    replies.append(await send(on(draft_id, c.SetPackageQuantity, package_id="PK", count=2)))
    await projected(running.service, draft_id, int(replies[-1]["version"]))  # type: ignore[call-overload]
    return replies


async def test_a_draft_equals_the_last_reply_and_as_of_queries_equal_the_reply_then(running: Running) -> None:
    replies = await a_draft_with_history(running)
    draft_id = replies[0]["draft_id"]
    assert await ask(running, "/drafts", id=draft_id) == (200, replies[-1]["draft"])
    store = running.service.store
    assert store is not None
    events = {e.stream_version: e for e in await store.read_stream(f"draft-{draft_id}")}
    for reply in replies:
        version = reply["version"]
        assert await ask(running, "/drafts", id=draft_id, version=version) == (200, reply["draft"])
        at = events[version].recorded_at.isoformat()  # type: ignore[index]
        assert await ask(running, "/drafts", id=draft_id, at=at) == (200, reply["draft"])
    status, body = await ask(running, "/drafts", id=draft_id, at="2000-01-01T00:00:00+00:00")
    assert (status, body["code"]) == (404, "DRAFT_NOT_YET")


async def test_l20_sees_the_draft_without_money(running: Running) -> None:
    await running.change_catalog(*more_people(), revision=2)
    replies = await a_draft_with_history(running)
    status, body = await ask(running, "/drafts", user="U3", id=replies[0]["draft_id"])
    assert status == 200
    assert body["lines"]
    assert {line["price_state"] for line in body["lines"]} == {"hidden"}
    assert all(line["unit_price"] is None and line["amount"] is None for line in body["lines"])
    assert body["total_amount"] is None
    assert body["notes"] == "Gate 4"


async def test_another_customers_user_gets_nothing(running: Running) -> None:
    await running.change_catalog(*more_people(), revision=2)
    replies = await a_draft_with_history(running)
    draft_id = replies[0]["draft_id"]
    status, body = await ask(running, "/drafts", user="U2", customer="C2", id=draft_id)
    assert (status, body["code"]) == (404, "DRAFT_NOT_FOUND")
    status, body = await ask(running, "/drafts", user="U2", customer="C1", id=draft_id)
    assert (status, body["code"]) == (403, "CC010")  # no access row for C1
    status, body = await ask(running, "/drafts", user=None, customer=None, id=draft_id)
    assert (status, body["code"]) == (401, "UNAUTHENTICATED")
