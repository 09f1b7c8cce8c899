"""PlaceOrder with price drift and confirmed totals; CancelOrder until released; ReleaseOrder."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from draft_fixtures import FACTS, NOW, PRODUCTS, TODAY, price, with_product, with_role, with_settings
from draft_scenario import command, eur, line, opened

from order_draft.domain import (
    Access,
    Actor,
    AddLine,
    CancelOrder,
    Code,
    DraftStatus,
    LineAdded,
    LineRemoved,
    LineRepriced,
    NotesSet,
    OpenDraft,
    OrderCancelled,
    OrderPlaced,
    OrderReleased,
    PlaceOrder,
    RefreshPrices,
    ReleaseOrder,
    RemoveLine,
    Role,
    SetNotes,
    Totals,
    UserFacts,
)

A100_PRICE = eur("10.00", "27.00", "P-A100", [(1, "D-TOOLS", "0.10")])
A100_LINE = LineAdded(line=line("L1", "A100", "3", A100_PRICE))
EUR_27 = Totals((("EUR", Decimal("27.00")),))
PLACED = OrderPlaced(order_date=TODAY, placed_at=NOW, placed_by="U1", totals=EUR_27, confirmed_version=2)
RELEASED = OrderReleased(released_at=NOW, released_by="S9")

# the catalog published a new price for A100 (revision 2): 3 x 12.00 less 10 % = 32.40
DRIFTED = with_product(replace(PRODUCTS["A100"], prices=(price("P-A100", "A100", "12.00"),)), revision=2)
A100_DRIFTED = eur("12.00", "32.40", "P-A100", [(1, "D-TOOLS", "0.10")], revision=2)
REPRICED = LineRepriced(line_id="L1", old_price=A100_PRICE, new_price=A100_DRIFTED, revision=2)


def place(version: int, totals: Totals | None = EUR_27, **fields: Any) -> PlaceOrder:
    return command(PlaceOrder, confirmed_version=version, confirmed_totals=totals, **fields)


def test_placing_submits_the_order_with_today_as_order_date() -> None:
    draft = opened(A100_LINE).when(place(2)).then(PLACED)
    assert draft is not None
    assert (draft.status, draft.is_active, draft.order_date) == (DraftStatus.SUBMITTED, False, TODAY)


def test_the_order_date_is_today_on_the_site_calendar() -> None:
    late = dt.datetime(2026, 3, 12, 23, 0, tzinfo=dt.UTC)  # already the 13th in Sofia
    (event,) = opened(A100_LINE).when(place(2, at=late)).events()
    assert isinstance(event, OrderPlaced)
    assert event.order_date == dt.date(2026, 3, 13)


def test_role_l20_places_without_totals_since_it_sees_no_money() -> None:
    opened(A100_LINE).when(place(2, None), with_role(Role.L20)).then(PLACED)


def test_role_l30_must_confirm_the_totals() -> None:
    opened(A100_LINE).when(place(2, None)).rejected(Code.TOTALS_REQUIRED)


def test_role_l30_totals_that_differ_are_rejected() -> None:
    seen = Totals((("EUR", Decimal("25.00")),))
    rejection = opened(A100_LINE).when(place(2, seen)).rejected(Code.TOTALS_CHANGED)
    assert (rejection.details["totals"], rejection.details["confirmed_totals"]) == (
        {"EUR": "27.00"},
        {"EUR": "25.00"},
    )


def test_an_empty_draft_cannot_be_placed() -> None:
    opened().when(place(1, Totals())).rejected(Code.DRAFT_EMPTY)


def test_a_draft_emptied_by_the_user_cannot_be_placed_and_stays_new() -> None:
    emptied = opened(A100_LINE, LineRemoved(line_id="L1"))
    emptied.when(place(3, Totals())).rejected(Code.DRAFT_EMPTY)
    assert emptied.state is not None
    assert (emptied.state.status, emptied.state.order_date) == (DraftStatus.NEW, TODAY)


def test_a_line_without_a_price_is_allowed_but_placing_is_refused() -> None:
    unpriced = opened(A100_LINE, LineAdded(line=line("L2", "FREE", "1", None)))
    rejection = unpriced.when(place(3)).rejected(Code.LINES_WITHOUT_PRICE)
    assert rejection.details["line_ids"] == ["L2"]


def test_catalog_drift_reprices_the_line_on_refresh_and_moves_the_version() -> None:
    draft = opened(A100_LINE).when(command(RefreshPrices), DRIFTED).then(REPRICED)
    assert draft is not None
    assert (draft.version, draft.totals.to_payload()) == (3, {"EUR": "32.40"})


def test_catalog_drift_reprices_the_line_on_the_next_command() -> None:
    opened(A100_LINE).when(command(SetNotes, notes="Gate 4"), DRIFTED).then(
        REPRICED, NotesSet(notes="Gate 4")
    )


def test_a_new_revision_that_leaves_the_price_alone_reprices_nothing() -> None:
    unchanged = replace(FACTS, revision=7)
    opened(A100_LINE).when(command(RefreshPrices), unchanged).then()


def test_a_line_whose_product_left_the_catalog_loses_its_price() -> None:
    gone = replace(FACTS, products=MappingProxyType({k: v for k, v in PRODUCTS.items() if k != "A100"}))
    opened(A100_LINE).when(command(RefreshPrices), gone).then(
        LineRepriced(line_id="L1", old_price=A100_PRICE, new_price=None, revision=1)
    )


def test_placing_a_version_that_drifted_is_rejected_with_the_new_state() -> None:
    rejection = opened(A100_LINE).when(place(2), DRIFTED).rejected(Code.DRAFT_CHANGED)
    assert rejection.events == (REPRICED,)  # the handler records the drift, so the new version exists
    assert (rejection.details["version"], rejection.details["totals"]) == (3, {"EUR": "32.40"})
    assert rejection.details["draft"]["lines"][0]["unit_price"] == "12.00"


def test_confirming_the_new_state_after_drift_places_the_order() -> None:
    new_totals = Totals((("EUR", Decimal("32.40")),))
    opened(A100_LINE, REPRICED).when(place(3, new_totals), DRIFTED).then(
        OrderPlaced(order_date=TODAY, placed_at=NOW, placed_by="U1", totals=new_totals, confirmed_version=3)
    )


def test_a_drift_rejection_shows_no_money_to_role_l20() -> None:
    l20 = replace(DRIFTED, access=Access(role=Role.L20))
    rejection = opened(A100_LINE).when(place(2, None), l20).rejected(Code.DRAFT_CHANGED)
    assert rejection.details["totals"] is None
    assert "unit_price" not in rejection.details["draft"]["lines"][0]
    assert "totals" not in rejection.details["draft"]


def test_a_placed_order_is_no_longer_changed() -> None:
    cmd = command(AddLine, code="A100", quantity=Decimal(1))
    opened(A100_LINE, PLACED).when(cmd).rejected(Code.WRONG_STATUS)
    opened(A100_LINE, PLACED).when(place(3)).rejected(Code.WRONG_STATUS)


def test_a_submitted_order_can_be_cancelled() -> None:
    draft = (
        opened(A100_LINE, PLACED)
        .when(command(CancelOrder))
        .then(OrderCancelled(cancelled_at=NOW, cancelled_by="U1"))
    )
    assert draft is not None
    assert draft.status is DraftStatus.CANCELLED


def test_cancelling_stays_possible_when_new_order_is_switched_off() -> None:
    facts = with_settings(IsNewOrderEnabled=False)
    opened(A100_LINE, PLACED).when(command(CancelOrder), facts).then(
        OrderCancelled(cancelled_at=NOW, cancelled_by="U1")
    )


def test_a_released_order_can_no_longer_be_cancelled() -> None:
    opened(A100_LINE, PLACED, RELEASED).when(command(CancelOrder)).rejected(Code.ALREADY_RELEASED)


def test_only_a_submitted_order_can_be_cancelled() -> None:
    opened(A100_LINE).when(command(CancelOrder)).rejected(Code.WRONG_STATUS)
    cancelled = OrderCancelled(cancelled_at=NOW, cancelled_by="U1")
    opened(A100_LINE, PLACED, cancelled).when(command(CancelOrder)).rejected(Code.WRONG_STATUS)


def test_another_customers_user_cannot_cancel() -> None:
    other = replace(FACTS, customer=replace(FACTS.customer, customer_id="C2"))
    cmd = command(CancelOrder, actor=Actor(user_id="U1", customer_id="C2"))
    opened(A100_LINE, PLACED).when(cmd, other).rejected(Code.NOT_YOUR_CUSTOMER)


STAFF = replace(
    FACTS, user=UserFacts(user_id="S9", is_person=True, parent_party="EC", parent_is_customer=False)
)


def release(**fields: Any) -> ReleaseOrder:
    return command(ReleaseOrder, actor=Actor(user_id="S9", customer_id="C1"), **fields)


def test_the_supplier_releases_a_submitted_order() -> None:
    draft = opened(A100_LINE, PLACED).when(release(), STAFF).then(RELEASED)
    assert draft is not None
    assert draft.status is DraftStatus.RELEASED


def test_only_the_suppliers_staff_release_orders() -> None:
    customer_user = command(ReleaseOrder)
    opened(A100_LINE, PLACED).when(customer_user).rejected(Code.NOT_SUPPLIER_STAFF)
    other_company = replace(STAFF, user=replace(STAFF.user, parent_party="EC2"))
    opened(A100_LINE, PLACED).when(release(), other_company).rejected(Code.NOT_SUPPLIER_STAFF)


def test_only_a_submitted_order_is_released_and_only_once() -> None:
    opened(A100_LINE).when(release(), STAFF).rejected(Code.WRONG_STATUS)
    opened(A100_LINE, PLACED, RELEASED).when(release(), STAFF).rejected(Code.ALREADY_RELEASED)


def test_a_rejected_command_still_hands_back_the_drift_it_found() -> None:
    rejection = opened(A100_LINE).when(command(RemoveLine, line_id="L9"), DRIFTED).rejected(Code.LINE_UNKNOWN)
    assert rejection.events == (REPRICED,)


def test_opening_new_order_again_shows_the_drift() -> None:
    reopen = command(OpenDraft, new_draft_id="D2", document_number="SO-0002")
    opened(A100_LINE).when(reopen, DRIFTED).then(REPRICED)


def test_confirmed_totals_compare_whatever_the_order_of_currencies() -> None:
    assert Totals((("USD", Decimal(1)), ("EUR", Decimal(2)))) == Totals(
        (("EUR", Decimal("2.00")), ("USD", Decimal(1)))
    )


def test_a_cancellation_keeps_its_reason() -> None:
    cmd = command(CancelOrder, reason=" ordered twice ")
    cancelled = OrderCancelled(cancelled_at=NOW, cancelled_by="U1", reason="ordered twice")
    opened(A100_LINE, PLACED).when(cmd).then(cancelled)
