"""OpenDraft, and the checks every command goes through first: access, ownership, version, status."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from draft_fixtures import FACTS, NOW, with_role, with_settings
from draft_scenario import OPENED, command, given, opened

from order_draft.domain import (
    Access,
    Actor,
    AddLine,
    CatalogFacts,
    Code,
    DraftStatus,
    FactsMismatch,
    OpenDraft,
    PlaceOrder,
    RefreshPrices,
    RemoveLine,
    Role,
    SetNotes,
)


def open_command(**fields: Any) -> OpenDraft:
    return command(OpenDraft, **({"new_draft_id": "D1", "document_number": "SO-0001"} | fields))


def test_opening_without_an_active_draft_creates_it_on_the_site_channel_and_default_store() -> None:
    draft = given().when(open_command()).then(OPENED)
    assert draft is not None
    assert (draft.status, draft.version, draft.channel.code, draft.store) == (DraftStatus.NEW, 1, "CC", "ST1")


def test_opening_again_restores_the_active_draft_without_new_events() -> None:
    opened().when(open_command(new_draft_id="D2", document_number="SO-0002")).then()


def test_the_document_date_is_today_on_the_site_calendar() -> None:
    late = dt.datetime(2026, 3, 10, 22, 30, tzinfo=dt.UTC)  # 00:30 on the 11th in Sofia
    events = given().when(open_command(at=late)).events()
    assert events == [replace(OPENED, order_date=dt.date(2026, 3, 11), opened_at=late)]


def test_the_site_channel_setting_names_the_orders_channel() -> None:
    facts = with_settings(SiteChannel={"Code": "PORTAL", "Name": "Portal"})
    (event,) = given().when(open_command(), facts).events()
    assert (event.channel_code, event.channel_name) == ("PORTAL", "Portal")  # type: ignore[union-attr]


def _facts(**changes: Any) -> CatalogFacts:
    """FACTS with one part replaced: `user__is_person=False` changes facts.user.is_person."""
    facts = FACTS
    for key, value in changes.items():
        part, _, attribute = key.partition("__")
        facts = replace(facts, **{part: replace(getattr(facts, part), **{attribute: value})})
    return facts


SETUP_PROBLEMS = [
    ("the user is not a person", _facts(user__is_person=False), Code.CC002),
    ("the user has no parent party", _facts(user__parent_party=None), Code.CC003),
    ("the parent party is not a customer", _facts(user__parent_is_customer=False), Code.CC004),
    ("the site has no enterprise company", _facts(site__enterprise_company=None), Code.CC005),
    ("no agreement with the site's company", _facts(customer__has_agreement=False), Code.CC006),
    ("no servicing location", _facts(customer__servicing_location=None), Code.CC007),
    ("settings are not JSON", _facts(site__settings_json="{IsNewOrderEnabled: true"), Code.CC008),
    ("settings are not an object", _facts(site__settings_json="[]"), Code.CC008),
    ("a flag is not a boolean", with_settings(HideLines="yes"), Code.CC008),
    ("an unknown time zone", with_settings(TimeZone="Mars/Olympus"), Code.CC008),
    ("the document type is unknown", with_settings(NewOrderDocumentType="XX"), Code.CC009),
    ("the document type is no sales order", with_settings(NewOrderDocumentType="INV"), Code.CC009),
    ("enabled without a document type", with_settings(NewOrderDocumentType=None), Code.CC009),
    ("a document type without the flag", with_settings(IsNewOrderEnabled=None), Code.CC009),
    ("no access row", replace(FACTS, access=None), Code.CC010),
    ("an access row without a role", with_role(None), Code.CC010),
    ("New Order switched off", with_settings(IsNewOrderEnabled=False), Code.NEW_ORDER_DISABLED),
    (
        "New Order never switched on",
        with_settings(IsNewOrderEnabled=None, NewOrderDocumentType=None),
        Code.NEW_ORDER_DISABLED,
    ),
    ("role L10 is below L20", with_role(Role.L10), Code.ROLE_TOO_LOW),
]


@pytest.mark.parametrize(("why", "facts", "code"), SETUP_PROBLEMS, ids=[row[0] for row in SETUP_PROBLEMS])
def test_setup_problems_are_rejected_with_their_stable_code(
    why: str, facts: CatalogFacts, code: Code
) -> None:
    rejection = given().when(open_command(), facts).rejected(code)
    assert rejection.events == ()


COMMANDS_ON_A_DRAFT = [
    command(AddLine, code="A100", quantity=Decimal(1)),
    command(RemoveLine, line_id="L1"),
    command(SetNotes, notes="x"),
    command(RefreshPrices),
    command(PlaceOrder, confirmed_version=1),
]


@pytest.mark.parametrize("cmd", COMMANDS_ON_A_DRAFT, ids=lambda c: type(c).__name__)
def test_every_command_needs_role_l20(cmd: Any) -> None:
    opened().when(cmd, with_role(Role.L10)).rejected(Code.ROLE_TOO_LOW)
    assert opened().when(cmd, with_role(Role.L20)).code is not Code.ROLE_TOO_LOW


@pytest.mark.parametrize("cmd", COMMANDS_ON_A_DRAFT, ids=lambda c: type(c).__name__)
def test_a_user_of_another_customer_can_never_touch_the_draft(cmd: Any) -> None:
    other = _facts(customer__customer_id="C2", user__parent_party="C2")
    intruder = replace(cmd, actor=Actor(user_id="U1", customer_id="C2"))
    opened().when(intruder, other).rejected(Code.NOT_YOUR_CUSTOMER)


def test_a_user_claiming_a_customer_they_have_no_access_row_for_gets_cc010() -> None:
    claimed = replace(_facts(customer__customer_id="C2"), access=None)  # the handler found no (U1, C2) row
    cmd = command(SetNotes, notes="x", actor=Actor(user_id="U1", customer_id="C2"))
    opened().when(cmd, claimed).rejected(Code.CC010)


def test_facts_of_another_customer_than_the_command_are_a_handler_bug() -> None:
    with pytest.raises(FactsMismatch):
        opened().when(command(SetNotes, notes="x"), _facts(customer__customer_id="C2"))


def test_a_command_on_no_draft_is_rejected() -> None:
    given().when(command(SetNotes, notes="x")).rejected(Code.DRAFT_UNKNOWN)


def test_an_expected_version_other_than_the_stored_one_is_rejected() -> None:
    rejection = (
        opened().when(command(SetNotes, notes="x", expected_version=3)).rejected(Code.WRONG_EXPECTED_VERSION)
    )
    assert (rejection.details["expected_version"], rejection.details["version"]) == (3, 1)
    assert opened().when(command(SetNotes, notes="x", expected_version=1)).events()


def test_role_l20_may_open_new_order_even_without_seeing_money() -> None:
    given().when(open_command(), replace(FACTS, access=Access(role=Role.L20))).then(OPENED)


def test_opening_is_refused_on_an_order_that_is_no_longer_new() -> None:
    from draft_scenario import line

    from order_draft.domain import LineAdded, OrderPlaced, Totals

    placed = opened(
        LineAdded(line=line("L1", "FREE", "1", None)),
        OrderPlaced(
            order_date=NOW.date(), placed_at=NOW, placed_by="U1", totals=Totals(), confirmed_version=2
        ),
    )
    placed.when(open_command()).rejected(Code.WRONG_STATUS)
