"""build_facts: the catalog copy's records become the facts with which the domain decides as the
catalog says: setup gaps give their CC codes, lists and settings reach the domain, prices are exact."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from handler_catalog import (
    NOW,
    SINCE,
    apply,
    catalog,
    command,
    customer,
    discount,
    price,
    product,
    settings,
    site,
)

from catalog.pricing import PriceList, PriceType
from contracts import catalog as c
from order_draft.catalog_copy import CatalogCopy
from order_draft.domain import (
    Access,
    Actor,
    AddLine,
    AppliedDiscount,
    Code,
    Command,
    Draft,
    DraftOpened,
    LineAdded,
    LineSource,
    OpenDraft,
    PackageQuantitySet,
    Rejection,
    Role,
    SetPackageQuantity,
    decide,
    fold,
)
from order_draft.handlers.facts import build_facts


def open_command() -> OpenDraft:
    return command(OpenDraft, new_draft_id="D1", document_number="SO-1")


def decided(copy: CatalogCopy, cmd: Command, state: Draft | None = None) -> Any:
    return decide(cmd, state, build_facts(copy, cmd, state))


def opened(copy: CatalogCopy) -> Draft:
    state = fold(None, decided(copy, open_command()))
    assert state is not None
    return state


def added(copy: CatalogCopy, code: str, quantity: str = "1") -> LineAdded | Rejection:
    """The LineAdded (or the rejection) of adding `code` to a freshly opened draft."""
    decision = decided(copy, command(AddLine, code=code, quantity=Decimal(quantity)), opened(copy))
    if isinstance(decision, Rejection):
        return decision
    return next(event for event in decision if isinstance(event, LineAdded))


def test_a_complete_setup_opens_a_draft_on_the_site_channel_with_the_new_order_document_type() -> None:
    (event,) = decided(catalog(), open_command())

    assert isinstance(event, DraftOpened)
    assert (event.document_type, event.enterprise_company, event.store) == ("SO", "EC", "ST1")
    assert (event.channel_code, event.channel_name) == ("CC", "Client Center")
    assert event.order_date == dt.date(2026, 3, 10)


def test_an_added_line_is_priced_by_the_winning_entry_and_its_discount_with_their_provenance() -> None:
    copy = catalog()
    event = added(copy, " A100 ", "3")

    assert isinstance(event, LineAdded)
    line, line_price = event.line, event.line.price
    assert (line.product_code, line.unit, line.name, line.source) == (
        "A100",
        "PCS",
        "Hammer",
        LineSource.CUSTOMER_PRODUCTS,
    )
    assert line_price is not None
    # SPECIAL (position 5, on the customer's list PL1) beats LIST; HAND's discount reaches TOOLS
    assert (line_price.unit_price, line_price.currency, line_price.price_entry_id) == (
        Decimal("9.50"),
        "EUR",
        "P-A100-SP",
    )
    assert line_price.discounts == (AppliedDiscount(level=1, entry_id="D-HAND", percent=Decimal("0.10")),)
    assert line_price.amount == Decimal("25.65")
    assert line_price.revision == copy.revision


MISSING_PIECES = [
    ("no site", [("site", "S1")], Code.CC005),
    ("a site without enterprise company", [site(enterprise_company=None)], Code.CC005),
    ("no user", [("user", "U1")], Code.CC002),
    ("a user who is no person", [c.User(code="U1", name="bot")], Code.CC002),
    ("a user whose person the copy lacks", [("person", "P1")], Code.CC002),
    ("a person without parent party", [c.Person(code="P1", name="Ann")], Code.CC003),
    ("a parent party that is no customer", [c.Person(code="P1", name="Ann", parent_party="EC")], Code.CC004),
    ("no agreement with the site's company", [customer(agreements=("OTHER",))], Code.CC006),
    ("no servicing location", [customer(servicing_company=None, servicing_location=None)], Code.CC007),
    ("a document type the copy lacks", [("document_type", "SO")], Code.CC009),
    ("no access row", [("external_access", "U1|C1")], Code.CC010),
    ("role L10", [c.ExternalAccess(user="U1", customer="C1", role="L10")], Code.ROLE_TOO_LOW),
    (
        "New Order switched off",
        [site(settings=settings(is_new_order_enabled=False))],
        Code.NEW_ORDER_DISABLED,
    ),
]


@pytest.mark.parametrize(
    ("changes", "code"),
    [(changes, code) for _, changes, code in MISSING_PIECES],
    ids=[name for name, _, _ in MISSING_PIECES],
)
def test_a_missing_piece_of_the_setup_gives_its_code(changes: list[Any], code: Code) -> None:
    decision = decided(catalog(*changes), open_command())

    assert isinstance(decision, Rejection)
    assert decision.code is code


def test_acting_for_a_customer_the_copy_lacks_is_having_no_agreement() -> None:
    copy = catalog(c.ExternalAccess(user="U1", customer="C2", role="L30"))
    cmd = command(
        OpenDraft, new_draft_id="D1", document_number="SO-1", actor=Actor(user_id="U1", customer_id="C2")
    )

    decision = decided(copy, cmd)

    assert isinstance(decision, Rejection)
    assert decision.code is Code.CC006


def test_the_access_row_gives_the_role_and_the_days_back() -> None:
    copy = catalog(c.ExternalAccess(user="U1", customer="C1", role="L20", days_back_access=7))

    assert build_facts(copy, open_command(), None).access == Access(role=Role.L20, days_back=7)


def test_a_product_only_on_the_site_channel_is_added_from_it() -> None:
    event = added(catalog(), "CC1")

    assert isinstance(event, LineAdded)
    assert event.line.source is LineSource.SITE_CHANNEL
    assert event.line.unit == "KG"
    assert event.line.price is not None
    assert event.line.price.unit_price == Decimal("7.00")


def test_a_site_channel_named_by_code_takes_the_channel_s_name_and_its_products() -> None:
    copy = catalog(site(settings=settings(site_channel="WEB")))

    (event,) = decided(copy, open_command())
    line = added(copy, "WEB1")

    assert (event.channel_code, event.channel_name) == ("WEB", "Online store")
    assert isinstance(line, LineAdded)
    assert line.line.price is not None
    assert line.line.price.unit_price == Decimal("5.00")


def test_the_hide_settings_hide_my_products_and_the_default_channel() -> None:
    hidden = catalog(site(settings=settings(hide_customer_products=True, hide_distribution_channel=True)))

    assert isinstance(added(catalog(), "WEB1"), LineAdded)
    for code in ("A100", "WEB1"):
        rejection = added(hidden, code)
        assert isinstance(rejection, Rejection)
        assert rejection.code is Code.PRODUCT_UNKNOWN
    assert isinstance(added(hidden, "CC1"), LineAdded)


def test_a_product_without_a_price_is_added_unpriced() -> None:
    event = added(catalog(), "FREE")

    assert isinstance(event, LineAdded)
    assert event.line.price is None


def test_a_product_switched_off_in_the_catalog_cannot_be_added() -> None:
    rejection = added(catalog(product("A100", name="Hammer", product_group="TOOLS", active=False)), "A100")

    assert isinstance(rejection, Rejection)
    assert rejection.code is Code.PRODUCT_INACTIVE


def test_a_product_switched_off_in_the_catalog_has_no_price() -> None:
    copy = catalog(product("A100", name="Hammer", product_group="TOOLS", active=False))
    cmd = command(AddLine, code="A100", quantity=Decimal(1))

    assert build_facts(copy, cmd, None).products["A100"].prices == ()


def test_a_code_the_catalog_does_not_know_is_left_out_of_the_facts() -> None:
    cmd = command(AddLine, code="NOPE", quantity=Decimal(1))

    assert build_facts(catalog(), cmd, None).products == {}


def test_a_package_brings_the_facts_of_its_products_and_prices_its_lines() -> None:
    copy = catalog()
    cmd = command(SetPackageQuantity, package_id="PK", count=1)
    state = opened(copy)

    facts = build_facts(copy, cmd, state)
    decision = decide(cmd, state, facts)

    assert set(facts.products) == {"A100", "CC1"}
    assert isinstance(decision, list)
    (event,) = decision
    assert isinstance(event, PackageQuantitySet)
    lines = {line.product_code: line for line in event.lines}
    assert lines["CC1"].price is not None
    assert lines["CC1"].price.unit_price == Decimal("6.00")
    a100 = lines["A100"].price
    assert a100 is not None
    assert a100.unit_price == Decimal("9.50")
    assert a100.discount_percent == Decimal("0.145")  # 1 - (1 - 0.10)(1 - 0.05)
    assert lines["A100"].quantity == Decimal(2)


def test_prices_are_converted_exactly_with_their_type_and_list() -> None:
    until = dt.date(2026, 12, 31)
    copy = catalog(c.PriceList(code="PL1", name="Agreement", from_date=SINCE, thru_date=until))
    cmd = command(AddLine, code="A100", quantity=Decimal(1))

    prices = {p.id: p for p in build_facts(copy, cmd, None).products["A100"].prices}

    special = prices["P-A100-SP"]
    assert special.price_type == PriceType(code="SPECIAL", position=5)
    assert special.price_list == PriceList(code="PL1", from_date=SINCE, thru_date=until)
    assert (special.price, special.from_date, special.currency) == (Decimal("9.50"), SINCE, "EUR")
    assert prices["P-A100"].price_list is None


def test_an_entry_on_a_price_list_the_copy_lacks_never_applies() -> None:
    copy = catalog(price("P-A100-X", "A100", "1.00", price_type="SPECIAL", price_list="GONE"))
    cmd = command(AddLine, code="A100", quantity=Decimal(1))

    (entry,) = [p for p in build_facts(copy, cmd, None).products["A100"].prices if p.id == "P-A100-X"]
    event = added(copy, "A100")

    assert entry.price_list is not None
    assert not entry.price_list.active
    assert isinstance(event, LineAdded)
    assert event.line.price is not None
    assert event.line.price.price_entry_id == "P-A100-SP"


def test_the_customer_is_its_own_ship_to_unless_another_is_set() -> None:
    assert build_facts(catalog(), open_command(), None).customer.ship_to == "C1"
    assert build_facts(catalog(customer(ship_to="C2")), open_command(), None).customer.ship_to == "C2"


def test_discounts_of_other_customers_are_no_candidates_and_groups_know_their_parents() -> None:
    facts = build_facts(catalog(), open_command(), None)

    assert [d.id for d in facts.line_discounts] == ["D-HAND"]
    assert facts.group_parents == {"TOOLS": "HAND"}


def test_a_catalog_change_reaches_the_next_command_despite_the_caches() -> None:
    copy = catalog()
    cmd = command(AddLine, code="A100", quantity=Decimal(1))
    build_facts(copy, cmd, None)  # fills the caches

    apply(copy, price("P-A100-SP", "A100", "8.00", price_type="SPECIAL", price_list="PL1"), revision=3)
    apply(copy, discount("D-NEW", "0.20", product_code="A100"), revision=4)
    facts = build_facts(copy, cmd, None)

    assert {p.id: p.price for p in facts.products["A100"].prices}["P-A100-SP"] == Decimal("8.00")
    assert {d.id for d in facts.line_discounts} == {"D-HAND", "D-NEW"}
    assert facts.revision == 4


def test_a_price_list_change_reaches_the_entries_bound_to_it() -> None:
    copy = catalog(discount("D-PL1", "0.05", price_list="PL1"))
    cmd = command(AddLine, code="A100", quantity=Decimal(1))
    build_facts(copy, cmd, None)

    ended = dt.date(2026, 1, 31)
    apply(copy, c.PriceList(code="PL1", name="Agreement", from_date=SINCE, thru_date=ended), revision=3)
    facts = build_facts(copy, cmd, None)

    (special,) = [p for p in facts.products["A100"].prices if p.id == "P-A100-SP"]
    (bound,) = [d for d in facts.line_discounts if d.id == "D-PL1"]
    assert special.price_list is not None
    assert special.price_list.thru_date == ended
    assert bound.price_list is not None
    assert bound.price_list.thru_date == ended


def test_an_unchanged_catalog_hands_out_the_same_converted_values() -> None:
    copy = catalog()
    cmd = command(SetPackageQuantity, package_id="PK", count=1)

    first = build_facts(copy, cmd, None)
    apply(
        copy,
        c.Availability(
            store="ST1", product_code="A100", enterprise_company="EC", date=SINCE, quantity=Decimal(5)
        ),
        revision=3,
    )
    second = build_facts(copy, cmd, None)

    assert second.revision == 3
    assert second.products["A100"] is first.products["A100"]
    assert second.packages["PK"] is first.packages["PK"]
    assert second.line_discounts is first.line_discounts


def test_a_deletion_reaches_the_next_command_although_it_leaves_the_revision_alone() -> None:
    copy = catalog()
    cmd = command(AddLine, code="A100", quantity=Decimal(1))
    build_facts(copy, cmd, None)

    apply(
        copy,
        ("price_entry", "P-A100-SP"),
        ("line_discount", "D-HAND"),
        ("promotional_package", "PK"),
        revision=0,
    )
    facts = build_facts(copy, cmd, None)

    assert [p.id for p in facts.products["A100"].prices] == ["P-A100"]
    assert facts.line_discounts == ()
    assert build_facts(copy, command(SetPackageQuantity, package_id="PK", count=1), None).packages == {}


def test_the_facts_are_those_of_the_command_s_parties_even_when_the_copy_is_empty() -> None:
    cmd = command(OpenDraft, new_draft_id="D1", document_number="SO-1", at=NOW)

    facts = build_facts(CatalogCopy(), cmd, None)
    decision = decide(cmd, None, facts)

    assert (facts.site.site, facts.user.user_id, facts.customer.customer_id) == ("S1", "U1", "C1")
    assert isinstance(decision, Rejection)
    assert decision.code is Code.CC005
