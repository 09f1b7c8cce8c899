"""Every refusal reaches the client over Kafka as a reply with its stable code, and stores nothing."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from handler_catalog import RECORDS, customer, product, settings, site

from conftest import Change, Running
from contracts import catalog as cat
from contracts.envelope import Actor
from contracts.order_draft import commands as c

ANN = Actor(user_id="U1", customer_id="C1")
ORIGINAL = {(r.kind, r.key()): r for r in RECORDS}

SETUP = [
    ("CC002 no person", [cat.User(code="U1", name="bot")], "CC002"),
    ("CC003 no parent party", [cat.Person(code="P1", name="Ann")], "CC003"),
    ("CC004 parent is no customer", [cat.Person(code="P1", name="Ann", parent_party="EC")], "CC004"),
    ("CC005 site without company", [site(enterprise_company=None)], "CC005"),
    ("CC006 no agreement", [customer(agreements=("OTHER",))], "CC006"),
    ("CC007 no servicing location", [customer(servicing_company=None, servicing_location=None)], "CC007"),
    ("CC009 unknown document type", [("document_type", "SO")], "CC009"),
    ("CC010 no access", [("external_access", "U1|C1")], "CC010"),
    ("role L10", [cat.ExternalAccess(user="U1", customer="C1", role="L10")], "ROLE_TOO_LOW"),
    ("New Order off", [site(settings=settings(is_new_order_enabled=False))], "NEW_ORDER_DISABLED"),
]


def _undo(changes: list[Change]) -> list[Change]:
    keys = [(ch[0], ch[1]) if isinstance(ch, tuple) else (ch.kind, ch.key()) for ch in changes]
    return [ORIGINAL[key] for key in keys if key in ORIGINAL]


@pytest.mark.parametrize(
    ("changes", "code"), [(ch, code) for _, ch, code in SETUP], ids=[n for n, _, _ in SETUP]
)
async def test_a_setup_problem_is_refused_with_its_code(
    running: Running, changes: list[Change], code: str
) -> None:
    await running.change_catalog(*changes, revision=10)
    try:
        reply = await running.client.send(c.OpenDraft(actor=ANN, site="S1"))
    finally:
        await running.change_catalog(*_undo(changes), revision=11)
    assert (reply["type"], reply["code"]) == ("Rejected", code), reply
    assert running.service.store is not None
    assert await running.service.store.pool.fetchval("SELECT count(*) FROM events") == 0


def on(draft_id: Any, kind: type[Any], **fields: Any) -> Any:
    return kind(actor=ANN, site="S1", draft_id=uuid.UUID(str(draft_id)), **fields)


async def test_draft_rules_are_refused_with_their_codes(running: Running) -> None:
    send = running.client.send
    draft = (await send(c.OpenDraft(actor=ANN, site="S1")))["draft_id"]

    async def code_of(command: Any) -> str:
        reply = await send(command)
        assert reply["type"] == "Rejected", reply
        return str(reply["code"])

    assert (
        await code_of(on(uuid.uuid4(), c.AddLine, product_code="A100", quantity=Decimal(1)))
        == "DRAFT_UNKNOWN"
    )
    assert await code_of(on(draft, c.PlaceOrder, expected_version=1)) == "DRAFT_EMPTY"
    assert await code_of(on(draft, c.SetNotes, notes="x", expected_version=7)) == "WRONG_EXPECTED_VERSION"
    assert await code_of(on(draft, c.RemoveLine, line_id="no-such-line")) == "LINE_UNKNOWN"
    assert await code_of(on(draft, c.AddLine, product_code="NOPE", quantity=Decimal(1))) == "PRODUCT_UNKNOWN"

    packed = await send(on(draft, c.SetPackageQuantity, package_id="PK", count=1))
    package_line = next(ln for ln in packed["draft"]["lines"] if ln["package_id"] == "PK")
    locked = on(draft, c.SetLineQuantity, line_id=package_line["line_id"], quantity=Decimal(5))
    assert await code_of(locked) == "PACKAGE_LINE_LOCKED"

    free = await send(on(draft, c.AddLine, product_code="FREE", quantity=Decimal(1)))
    assert (
        next(ln for ln in free["draft"]["lines"] if ln["product_code"] == "FREE")["price_state"] == "no-price"
    )
    seen = {"EUR": Decimal(free["draft"]["total_amount"])}
    unpriced = on(draft, c.PlaceOrder, expected_version=free["version"], confirmed_totals=seen)
    assert await code_of(unpriced) == "LINES_WITHOUT_PRICE"
    assert await code_of(on(draft, c.PlaceOrder, expected_version=free["version"])) == "TOTALS_REQUIRED"

    await running.change_catalog(
        product("A100", name="Hammer", product_group="TOOLS", active=False), revision=20
    )
    try:
        assert (
            await code_of(on(draft, c.AddLine, product_code="A100", quantity=Decimal(1)))
            == "PRODUCT_INACTIVE"
        )
    finally:
        await running.change_catalog(ORIGINAL[("product", "A100")], revision=21)

    assert await code_of(on(draft, c.CancelOrder)) == "WRONG_STATUS"  # only a submitted order is cancelled
