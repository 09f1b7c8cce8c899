"""AddLine, SetProductQuantity, SetLineQuantity, RemoveLine: resolution, quantities, prices."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from draft_fixtures import PRODUCTS, link, with_product, with_settings
from draft_scenario import command, eur, line, opened

from order_draft.domain import (
    AddLine,
    Code,
    DraftStatus,
    LineAdded,
    LinePrice,
    LineQuantityChanged,
    LineRemoved,
    LineSource,
    RemoveLine,
    SetLineQuantity,
    SetProductQuantity,
)


def a100(amount: str) -> LinePrice:
    """A100's price: 10.00 with the 10 % TOOLS discount."""
    return eur("10.00", amount, "P-A100", [(1, "D-TOOLS", "0.10")])


A100_LINE = LineAdded(line=line("L1", "A100", "3", a100("27.00")))
M10_LINE = LineAdded(line=line("L1", "M10", "20", eur("1.00", "20.00", "P-M10")))


def add(code: str, quantity: str, **fields: Any) -> AddLine:
    return command(AddLine, code=code, quantity=Decimal(quantity), **fields)


def set_product(code: str, quantity: str, **fields: Any) -> SetProductQuantity:
    return command(SetProductQuantity, product_code=code, quantity=Decimal(quantity), **fields)


def set_line(line_id: str, quantity: str) -> SetLineQuantity:
    return command(SetLineQuantity, line_id=line_id, quantity=Decimal(quantity))


def test_adding_a_code_records_unit_price_discount_amount_and_provenance() -> None:
    draft = opened().when(add("A100", "3", command_id="L1")).then(A100_LINE)
    assert draft is not None
    assert draft.version == 2
    assert draft.totals.to_payload() == {"EUR": "27.00"}


def test_a_code_typed_with_spaces_is_found() -> None:
    opened().when(add(" A100 ", "3", command_id="L1")).then(A100_LINE)


def test_adding_a_product_already_on_the_draft_raises_its_quantity() -> None:
    opened(A100_LINE).when(add("A100", "2", command_id="L2")).then(
        LineQuantityChanged(line_id="L1", quantity=Decimal(5), price=a100("45.00"))
    )


def test_a_raised_quantity_is_repriced_on_its_quantity_bounds() -> None:
    list_price = PRODUCTS["A100"].prices[0]
    bulk_price = replace(
        list_price, id="P-A100-BULK", price=Decimal("8.00"), min_quantity=Decimal(5), priority=1
    )
    facts = with_product(replace(PRODUCTS["A100"], prices=(list_price, bulk_price)), revision=1)
    (event,) = opened(A100_LINE).when(add("A100", "2"), facts).events()
    assert event == LineQuantityChanged(
        line_id="L1", quantity=Decimal(5), price=eur("8.00", "36.00", "P-A100-BULK", [(1, "D-TOOLS", "0.10")])
    )


def test_a_line_without_an_applicable_price_is_added_and_marked_so() -> None:
    draft = (
        opened().when(add("FREE", "1", command_id="L1")).then(LineAdded(line=line("L1", "FREE", "1", None)))
    )
    assert draft is not None
    assert [line.line_id for line in draft.unpriced_lines()] == ["L1"]


HIDE_MINE = {"HideCustomerProducts": True}
HIDE_CHANNEL = {"HideDistributionChannel": True}
HIDE_BOTH = HIDE_MINE | HIDE_CHANNEL

RESOLUTION = [
    ("a code on no list is unknown", "NOPE", {}, Code.PRODUCT_UNKNOWN),
    ("an inactive customer product is inactive", "OFF", {}, Code.PRODUCT_INACTIVE),
    ("an ended customer product is out of date", "OLD", {}, Code.PRODUCT_OUT_OF_DATE),
    ("HideCustomerProducts hides My Products", "A100", HIDE_MINE, Code.PRODUCT_UNKNOWN),
    ("HideDistributionChannel hides the default channel", "WEB1", HIDE_CHANNEL, Code.PRODUCT_UNKNOWN),
    ("hidden My Products leave only an ended link", "BOTH", HIDE_MINE, Code.PRODUCT_OUT_OF_DATE),
]


@pytest.mark.parametrize(("why", "code", "settings", "expected"), RESOLUTION, ids=[r[0] for r in RESOLUTION])
def test_codes_that_cannot_be_ordered_are_rejected_with_the_reason(
    why: str, code: str, settings: dict[str, Any], expected: Code
) -> None:
    rejection = opened().when(add(code, "1"), with_settings(**settings)).rejected(expected)
    assert rejection.details["code"] == code


SOURCES = [
    ("My Products first", "BOTH", {}, LineSource.CUSTOMER_PRODUCTS),
    ("the default channel's list", "WEB1", {}, LineSource.DEFAULT_CHANNEL),
    ("the site channel's list", "CC1", {}, LineSource.SITE_CHANNEL),
    ("the site channel when My Products are hidden", "M10", HIDE_MINE, LineSource.SITE_CHANNEL),
    ("the site channel is never hidden", "CC1", HIDE_BOTH, LineSource.SITE_CHANNEL),
]


@pytest.mark.parametrize(("why", "code", "settings", "source"), SOURCES, ids=[r[0] for r in SOURCES])
def test_a_code_is_looked_up_in_my_products_then_default_channel_then_site_channel(
    why: str, code: str, settings: dict[str, Any], source: LineSource
) -> None:
    (event,) = opened().when(add(code, "20"), with_settings(**settings)).events()
    assert isinstance(event, LineAdded)
    assert event.line.source is source


QUANTITIES = [  # M10: order multiple 10, minimal sales quantity 20
    ("zero is not positive", "0", Code.QUANTITY_NOT_POSITIVE, None),
    ("a negative quantity is not positive", "-10", Code.QUANTITY_NOT_POSITIVE, None),
    ("25 is no multiple of 10", "25", Code.QUANTITY_NOT_MULTIPLE, ["20", "30"]),
    ("35 is no multiple of 10", "35", Code.QUANTITY_NOT_MULTIPLE, ["30", "40"]),
    ("10 is below the minimum of 20", "10", Code.QUANTITY_BELOW_MINIMUM, ["20"]),
    ("5 is below the minimum and no multiple", "5", Code.QUANTITY_BELOW_MINIMUM, ["20"]),
    ("a fraction is no multiple", "20.5", Code.QUANTITY_NOT_MULTIPLE, ["20", "30"]),
]


@pytest.mark.parametrize(("why", "quantity", "code", "nearest"), QUANTITIES, ids=[r[0] for r in QUANTITIES])
def test_quantities_must_be_positive_multiples_at_least_the_minimum_and_rejections_name_the_nearest(
    why: str, quantity: str, code: Code, nearest: list[str] | None
) -> None:
    rejection = opened().when(add("M10", quantity)).rejected(code)
    if nearest is not None:
        assert rejection.details["nearest"] == nearest


def test_a_valid_multiple_above_the_minimum_is_accepted() -> None:
    opened().when(add("M10", "30", command_id="L1")).then(
        LineAdded(line=line("L1", "M10", "30", eur("1.00", "30.00", "P-M10")))
    )


def test_raising_a_quantity_checks_the_total_and_names_what_to_add() -> None:
    rejection = opened(M10_LINE).when(add("M10", "5")).rejected(Code.QUANTITY_NOT_MULTIPLE)
    assert rejection.details["nearest"] == ["10"]


def test_a_minimum_without_a_multiple_names_the_minimum() -> None:
    minimum = replace(PRODUCTS["CC1"], links=(link("CC", "CC1", minimal_sales_quantity=Decimal("2.5")),))
    rejection = opened().when(add("CC1", "1"), with_product(minimum)).rejected(Code.QUANTITY_BELOW_MINIMUM)
    assert (rejection.details["nearest"], rejection.details["minimum"]) == (["2.5"], "2.5")


def test_the_strictest_minimal_sales_quantity_of_the_default_and_site_channel_links_applies() -> None:
    links = (
        link("WEB", "WEB1", minimal_sales_quantity=Decimal(5)),
        link("CC", "WEB1", minimal_sales_quantity=Decimal(8)),
    )
    facts = with_product(replace(PRODUCTS["WEB1"], links=links))
    rejection = opened().when(add("WEB1", "6"), facts).rejected(Code.QUANTITY_BELOW_MINIMUM)
    assert rejection.details["nearest"] == ["8"]


def test_a_quantity_from_a_list_tab_adds_the_product_with_exactly_that_quantity() -> None:
    opened().when(set_product("A100", "3", command_id="L1")).then(A100_LINE)


def test_a_quantity_from_a_list_tab_sets_the_exact_quantity_instead_of_adding() -> None:
    opened(A100_LINE).when(set_product("A100", "1")).then(
        LineQuantityChanged(line_id="L1", quantity=Decimal(1), price=a100("9.00"))
    )


def test_the_same_quantity_from_a_list_tab_changes_nothing() -> None:
    opened(A100_LINE).when(set_product("A100", "3")).then()


def test_quantity_zero_in_a_list_tab_removes_the_line() -> None:
    opened(A100_LINE).when(set_product("A100", "0")).then(LineRemoved(line_id="L1"))
    opened().when(set_product("A100", "0")).then()


def test_a_list_tab_quantity_follows_the_quantity_rules() -> None:
    assert opened().when(set_product("M10", "15")).rejected(Code.QUANTITY_BELOW_MINIMUM).details[
        "nearest"
    ] == ["20"]
    opened().when(set_product("A100", "-1")).rejected(Code.QUANTITY_NOT_POSITIVE)
    opened().when(set_product("OFF", "1")).rejected(Code.PRODUCT_INACTIVE)


def test_a_line_quantity_can_be_edited_and_is_repriced() -> None:
    opened(A100_LINE).when(set_line("L1", "4")).then(
        LineQuantityChanged(line_id="L1", quantity=Decimal(4), price=a100("36.00"))
    )


def test_a_line_quantity_of_zero_removes_the_line() -> None:
    opened(A100_LINE).when(set_line("L1", "0")).then(LineRemoved(line_id="L1"))


def test_an_edited_line_quantity_follows_the_quantity_rules() -> None:
    rejection = opened(M10_LINE).when(set_line("L1", "45")).rejected(Code.QUANTITY_NOT_MULTIPLE)
    assert rejection.details["nearest"] == ["40", "50"]
    opened(M10_LINE).when(set_line("L1", "-1")).rejected(Code.QUANTITY_NOT_POSITIVE)


def test_a_line_can_be_removed() -> None:
    opened(A100_LINE).when(command(RemoveLine, line_id="L1")).then(LineRemoved(line_id="L1"))


@pytest.mark.parametrize(
    "cmd", [command(RemoveLine, line_id="L9"), set_line("L9", "1")], ids=["RemoveLine", "SetLineQuantity"]
)
def test_an_unknown_line_is_rejected(cmd: Any) -> None:
    assert opened(A100_LINE).when(cmd).rejected(Code.LINE_UNKNOWN).details["line_id"] == "L9"


def test_an_emptied_draft_stays_new_with_its_date() -> None:
    before = opened(A100_LINE).state
    draft = opened(A100_LINE).when(command(RemoveLine, line_id="L1")).then(LineRemoved(line_id="L1"))
    assert before is not None
    assert draft is not None
    assert (draft.status, draft.order_date, dict(draft.lines)) == (DraftStatus.NEW, before.order_date, {})
