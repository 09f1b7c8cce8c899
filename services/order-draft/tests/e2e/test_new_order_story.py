"""The New Order story through the real broker and database: open, add by code and by list, change and
delete lines, notes, a package, a price change and its re-confirmation, place, cancel, release."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

from conftest import Running
from contracts.envelope import Actor
from contracts.order_draft import commands as c
from order_draft import metrics

ANN = Actor(user_id="U1", customer_id="C1")  # role L30 for C1: sees money


def on(draft: dict[str, Any], kind: type[Any], **fields: Any) -> Any:
    return kind(actor=ANN, site="S1", draft_id=uuid.UUID(draft["draft_id"]), **fields)


async def test_the_whole_new_order_story(running: Running) -> None:
    send = running.client.send
    opened = await send(c.OpenDraft(actor=ANN, site="S1"))
    assert opened["type"] == "Accepted", opened
    draft = opened["draft"]
    assert draft["status"] == "New"
    assert draft["channel"] == "CC"
    assert draft["document_number"].startswith("SO-")
    again = await send(c.OpenDraft(actor=ANN, site="S1"))
    assert again["draft_id"] == opened["draft_id"]  # one active draft per (site, customer)

    added = await send(on(draft, c.AddLine, product_code="A100", quantity=Decimal(3)))
    assert added["type"] == "Accepted", added
    [line] = added["draft"]["lines"]
    assert (line["product_code"], line["quantity"], line["unit_price"]) == ("A100", "3", "9.50")
    assert line["price"]["price_entry_id"] == "P-A100-SP"
    raised = await send(on(draft, c.AddLine, product_code="A100", quantity=Decimal(2)))
    assert raised["draft"]["lines"][0]["quantity"] == "5"

    listed = await send(on(draft, c.SetProductQuantity, product_code="WEB1", quantity=Decimal(4)))
    assert {ln["product_code"]: ln["quantity"] for ln in listed["draft"]["lines"]} == {
        "A100": "5",
        "WEB1": "4",
    }
    web_line = next(ln for ln in listed["draft"]["lines"] if ln["product_code"] == "WEB1")
    changed = await send(on(draft, c.SetLineQuantity, line_id=web_line["line_id"], quantity=Decimal(6)))
    assert next(ln for ln in changed["draft"]["lines"] if ln["product_code"] == "WEB1")["quantity"] == "6"
    removed = await send(on(draft, c.RemoveLine, line_id=web_line["line_id"]))
    assert [ln["product_code"] for ln in removed["draft"]["lines"]] == ["A100"]

    noted = await send(on(draft, c.SetNotes, notes="Gate 4, before noon"))
    assert noted["draft"]["notes"] == "Gate 4, before noon"
    packed = await send(on(draft, c.SetPackageQuantity, package_id="PK", count=1))
    assert packed["type"] == "Accepted", packed
    assert {ln["package_id"] for ln in packed["draft"]["lines"]} == {None, "PK"}

    unknown = await send(on(draft, c.AddLine, product_code="NOPE", quantity=Decimal(1)))
    assert (unknown["type"], unknown["code"]) == ("Rejected", "PRODUCT_UNKNOWN")

    seen_version = packed["version"]
    seen_total = packed["draft"]["total_amount"]
    from handler_catalog import price  # the catalog raises the special price of A100

    await running.change_catalog(
        price("P-A100-SP", "A100", "9.90", price_type="SPECIAL", price_list="PL1"), revision=2
    )
    stale = await send(
        on(draft, c.PlaceOrder, expected_version=seen_version, confirmed_totals={"EUR": Decimal(seen_total)})
    )
    assert (stale["type"], stale["code"]) == ("Rejected", "DRAFT_CHANGED"), stale
    refreshed = await send(on(draft, c.RefreshPrices))
    assert refreshed["version"] > seen_version
    a100 = next(
        ln for ln in refreshed["draft"]["lines"] if ln["product_code"] == "A100" and not ln["package_id"]
    )
    assert a100["unit_price"] == "9.90"
    assert a100["price"]["catalog_revision"] == 2

    placed = await send(
        on(
            draft,
            c.PlaceOrder,
            expected_version=refreshed["version"],
            confirmed_totals={"EUR": Decimal(refreshed["draft"]["total_amount"])},
        )
    )
    assert placed["type"] == "Accepted", placed
    assert placed["draft"]["status"] == "Submitted"
    reopened = await send(c.OpenDraft(actor=ANN, site="S1"))
    assert reopened["draft_id"] != opened["draft_id"]  # the placed order is no longer the active draft

    cancelled = await send(on(draft, c.CancelOrder, reason="ordered twice"))
    assert cancelled["draft"]["status"] == "Cancelled", cancelled


async def test_the_same_command_twice_has_one_effect_and_the_same_reply(running: Running) -> None:
    opened = await running.client.send(c.OpenDraft(actor=ANN, site="S1"))
    add = on(opened["draft"], c.AddLine, product_code="A100", quantity=Decimal(1))
    duplicates = metrics.COMMANDS.labels("AddLine", "duplicate")
    counted = duplicates._value.get()
    first = await running.client.send(add)
    second = await running.client.send(add)  # a retry: same command id, same correlation id
    assert second == first
    assert duplicates._value.get() == counted + 1  # answered from the stored reply
    assert len(second["draft"]["lines"]) == 1
    assert second["draft"]["lines"][0]["quantity"] == "1"


async def test_a_retry_in_a_batch_of_new_commands_is_answered_from_its_stored_reply(running: Running) -> None:
    opened = await running.client.send(c.OpenDraft(actor=ANN, site="S1"))
    add = on(opened["draft"], c.AddLine, product_code="A100", quantity=Decimal(1))
    first = await running.client.send(add)
    more = [on(opened["draft"], c.AddLine, product_code="A100", quantity=Decimal(1)) for _ in range(5)]
    replies = await asyncio.gather(running.client.send(add), *(running.client.send(m) for m in more))
    assert replies[0] == first  # the retry changed nothing
    assert sorted(r["version"] for r in replies[1:]) == [first["version"] + i for i in range(1, 6)]
    assert max(Decimal(r["draft"]["lines"][0]["quantity"]) for r in replies) == 6


async def test_two_clients_editing_one_draft_at_once_lose_no_update(running: Running) -> None:
    opened = await running.client.send(c.OpenDraft(actor=ANN, site="S1"))
    adds = [on(opened["draft"], c.AddLine, product_code="A100", quantity=Decimal(1)) for _ in range(20)]
    replies = await asyncio.gather(*(running.client.send(a) for a in adds))
    assert all(r["type"] == "Accepted" for r in replies)
    assert max(Decimal(r["draft"]["lines"][0]["quantity"]) for r in replies) == 20
    assert sorted(r["version"] for r in replies) == list(range(2, 22))


async def test_garbage_on_the_command_topic_goes_to_the_dead_letters_and_the_next_command_is_answered(
    running: Running,
) -> None:
    await running.client.send_raw(b"this is not a command", key=b"S1|C1")  # the partition OpenDraft uses
    opened = await running.client.send(c.OpenDraft(actor=ANN, site="S1"))
    assert opened["type"] == "Accepted"
    processor = running.service.processor
    assert processor is not None
    for _ in range(100):  # counted once the batch's offsets are committed, just after the replies
        if processor.dead_lettered:
            break
        await asyncio.sleep(0.05)
    assert processor.dead_lettered == 1
