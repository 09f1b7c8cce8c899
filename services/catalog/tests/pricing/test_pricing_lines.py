"""Amount, line pricing and context-date rules (domain.md section 4, "Amount" and "Context date")."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from catalog.pricing import (
    DiscountChoice,
    LineDiscountEntry,
    NoPrice,
    PriceEntry,
    PriceType,
    PricingContext,
    Provenance,
    context_date,
    line_amount,
    price_line,
    site_today,
)

DAY = dt.date(2025, 6, 15)
CTX = PricingContext(product_code="P1", quantity=Decimal("3"), date=DAY, customer="C1")
PRICE = PriceEntry(
    id="price-1",
    product_code="P1",
    price_type=PriceType(code="LIST", position=10),
    price=Decimal("9.99"),
    currency="EUR",
    from_date=dt.date(2025, 1, 1),
)
L1 = LineDiscountEntry(id="disc-1", level=1, percent=Decimal("0.10"), from_date=dt.date(2025, 1, 1))
L2 = replace(L1, id="disc-2", level=2, percent=Decimal("0.05"))


@pytest.mark.parametrize(
    ("quantity", "unit_price", "standard", "custom", "expected"),
    [
        ("3", "9.99", "0", "0", "29.97"),
        ("3", "9.99", "0.10", "0", "26.97"),  # 26.973
        ("1", "0.05", "0.10", "0", "0.05"),  # 0.045 rounds half up
        ("1", "0.25", "0.10", "0", "0.23"),  # 0.225 rounds half up; banker's rounding would give 0.22
        ("2.5", "4", "0.10", "0.50", "4.50"),
        ("7", "1.11", "0.145", "0", "6.64"),  # 6.64335
        ("1", "10", "1", "0", "0.00"),
    ],
)
def test_amount_is_quantity_times_price_less_discounts_rounded_half_up_to_cents(
    quantity: str, unit_price: str, standard: str, custom: str, expected: str
) -> None:
    amount = line_amount(Decimal(quantity), Decimal(unit_price), Decimal(standard), Decimal(custom))
    assert amount == Decimal(expected)
    assert amount.as_tuple().exponent == -2


def test_custom_discount_defaults_to_zero() -> None:
    assert line_amount(Decimal("3"), Decimal("9.99"), Decimal("0.10")) == Decimal("26.97")


@pytest.mark.parametrize(
    ("discounts", "discount_percent", "amount", "discount_ids"),
    [
        ((), Decimal("0"), Decimal("29.97"), {}),
        ((L1,), Decimal("0.10"), Decimal("26.97"), {1: "disc-1"}),
        ((L1, L2), Decimal("0.145"), Decimal("25.62"), {1: "disc-1", 2: "disc-2"}),
    ],
    ids=["no-discount", "one-level", "two-levels"],
)
def test_priced_line_records_its_price_entry_and_discount_entry_per_level(
    discounts: tuple[LineDiscountEntry, ...],
    discount_percent: Decimal,
    amount: Decimal,
    discount_ids: dict[int, str],
) -> None:
    line = price_line(CTX, [PRICE], discounts)
    assert not isinstance(line, NoPrice)
    assert (line.unit_price, line.currency, line.quantity) == (Decimal("9.99"), "EUR", Decimal("3"))
    assert (line.discount_percent, line.amount) == (discount_percent, amount)
    assert line.provenance.price_entry_id == "price-1"
    assert line.provenance.discount_entry_ids() == discount_ids
    assert line.provenance.package_id is None


def test_priced_line_keeps_equally_ranked_current_price_and_discounts() -> None:
    other_price = replace(PRICE, id="price-0", price=Decimal("9.50"))
    other_l1 = replace(L1, id="disc-0", percent=Decimal("0.20"))
    current = Provenance(
        price_entry_id="price-1",
        discounts=(DiscountChoice(level=1, entry_id="disc-1", percent=Decimal("0.10")),),
    )
    line = price_line(CTX, [other_price, PRICE], [other_l1, L1], current=current)
    assert not isinstance(line, NoPrice)
    assert (line.provenance.price_entry_id, line.provenance.discount_entry_ids()) == (
        "price-1",
        {1: "disc-1"},
    )


def test_priced_line_applies_custom_discount_after_standard_discount() -> None:
    line = price_line(CTX, [PRICE], [L1], custom_discount=Decimal("0.50"))
    assert not isinstance(line, NoPrice)
    assert (line.custom_discount, line.amount) == (Decimal("0.50"), Decimal("13.49"))  # 13.4865


def test_line_without_applicable_price_is_no_price_value() -> None:
    assert price_line(replace(CTX, product_code="P9"), [PRICE], [L1]) == NoPrice(product_code="P9", on=DAY)


@pytest.mark.parametrize(
    ("required_delivery_date", "today", "expected"),
    [
        (dt.date(2025, 7, 1), DAY, dt.date(2025, 7, 1)),
        (dt.date(2025, 6, 1), DAY, dt.date(2025, 6, 1)),
        (None, DAY, DAY),
    ],
    ids=["future-delivery-date", "past-delivery-date", "no-delivery-date-uses-today"],
)
def test_context_date_is_required_delivery_date_else_today(
    required_delivery_date: dt.date | None, today: dt.date, expected: dt.date
) -> None:
    assert context_date(required_delivery_date, today) == expected


@pytest.mark.parametrize(
    ("now_utc", "zone", "expected"),
    [
        (dt.datetime(2025, 6, 15, 23, 30, tzinfo=dt.UTC), "UTC", dt.date(2025, 6, 15)),
        (dt.datetime(2025, 6, 15, 23, 30, tzinfo=dt.UTC), "Europe/Prague", dt.date(2025, 6, 16)),
        (dt.datetime(2025, 6, 15, 2, 0, tzinfo=dt.UTC), "America/New_York", dt.date(2025, 6, 14)),
    ],
)
def test_today_is_taken_in_the_site_time_zone(now_utc: dt.datetime, zone: str, expected: dt.date) -> None:
    assert site_today(now_utc, ZoneInfo(zone)) == expected


def test_today_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        site_today(dt.datetime(2025, 6, 15, 12, 0), ZoneInfo("UTC"))
