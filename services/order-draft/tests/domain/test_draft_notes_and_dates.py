"""SetNotes, SetRequiredDeliveryDate (the pricing context date), RefreshPrices."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from draft_fixtures import PRODUCTS, SPECIAL, TODAY, price, with_product
from draft_scenario import command, eur, line, opened

from order_draft.domain import (
    Code,
    LineAdded,
    LineRepriced,
    NotesSet,
    RefreshPrices,
    RequiredDeliveryDateSet,
    SetNotes,
    SetRequiredDeliveryDate,
)

A100_PRICE = eur("10.00", "27.00", "P-A100", [(1, "D-TOOLS", "0.10")])
A100_LINE = LineAdded(line=line("L1", "A100", "3", A100_PRICE))
APRIL = dt.date(2026, 4, 2)


def deliver(date: dt.date | None) -> SetRequiredDeliveryDate:
    return command(SetRequiredDeliveryDate, required_delivery_date=date)


def test_notes_are_set_trimmed() -> None:
    draft = opened().when(command(SetNotes, notes="  Ring twice ")).then(NotesSet(notes="Ring twice"))
    assert draft is not None
    assert draft.notes == "Ring twice"


def test_blank_notes_clear_them_and_unchanged_notes_add_nothing() -> None:
    opened(NotesSet(notes="x")).when(command(SetNotes, notes="  ")).then(NotesSet(notes=None))
    opened(NotesSet(notes="x")).when(command(SetNotes, notes="x")).then()
    opened().when(command(SetNotes, notes=None)).then()


def test_a_required_delivery_date_from_today_on_is_set() -> None:
    opened().when(deliver(TODAY)).then(RequiredDeliveryDateSet(required_delivery_date=TODAY))
    opened().when(deliver(APRIL)).then(RequiredDeliveryDateSet(required_delivery_date=APRIL))


def test_a_required_delivery_date_in_the_past_is_rejected() -> None:
    rejection = opened().when(deliver(TODAY - dt.timedelta(days=1))).rejected(Code.DELIVERY_DATE_IN_PAST)
    assert rejection.details["earliest"] == TODAY.isoformat()


def test_the_same_delivery_date_again_adds_nothing_and_none_clears_it() -> None:
    set_april = RequiredDeliveryDateSet(required_delivery_date=APRIL)
    opened(set_april).when(deliver(APRIL)).then()
    opened(set_april).when(deliver(None)).then(RequiredDeliveryDateSet(required_delivery_date=None))


def test_the_delivery_date_is_the_context_date_so_lines_are_repriced_for_it() -> None:
    april_price = price("P-A100-APR", "A100", "9.00", price_type=SPECIAL, from_date=dt.date(2026, 4, 1))
    facts = with_product(
        replace(PRODUCTS["A100"], prices=(*PRODUCTS["A100"].prices, april_price)), revision=1
    )
    april = eur("9.00", "24.30", "P-A100-APR", [(1, "D-TOOLS", "0.10")])
    opened(A100_LINE).when(deliver(APRIL), facts).then(
        RequiredDeliveryDateSet(required_delivery_date=APRIL),
        LineRepriced(line_id="L1", old_price=A100_PRICE, new_price=april, revision=1),
    )


def test_refreshing_prices_without_a_catalog_change_adds_nothing() -> None:
    opened(A100_LINE).when(command(RefreshPrices)).then()


def test_a_product_that_gets_a_price_is_repriced_from_no_price() -> None:
    priced = with_product(replace(PRODUCTS["FREE"], prices=(price("P-FREE", "FREE", "2.00"),)))
    opened(LineAdded(line=line("L1", "FREE", "2", None))).when(command(RefreshPrices), priced).then(
        LineRepriced(
            line_id="L1", old_price=None, new_price=eur("2.00", "4.00", "P-FREE", revision=2), revision=2
        )
    )
