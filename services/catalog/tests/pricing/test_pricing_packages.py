"""Promotional package rules (domain.md section 5, "Promotional packages")."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from catalog.pricing import (
    DiscountMode,
    LineDiscountEntry,
    LinePricing,
    NoPrice,
    PackageLine,
    PackageNotAvailable,
    PriceEntry,
    PriceList,
    PriceType,
    PricingContext,
    PromotionalPackage,
    apply_package,
    combine_discount,
    package_available,
)


def case_id(value: object) -> str:
    """Readable parametrize ids such as `customer=C1` or `price_list=SPRING`."""
    if isinstance(value, dict):
        return "-".join(f"{key}={getattr(item, 'code', item)}" for key, item in value.items()) or "plain"
    return str(value)


DAY = dt.date(2025, 6, 15)
SPRING = PriceList(code="SPRING", from_date=dt.date(2025, 3, 1), thru_date=dt.date(2025, 6, 30))
CTX = PricingContext(
    product_code="",
    quantity=Decimal("0"),
    date=DAY,
    customer="C1",
    ship_to="S1",
    target_groups=frozenset({"VIP"}),
    enterprise_company="E1",
    enterprise_company_location="L1",
    channel="CC",
    price_list="SPRING",
)
PRICES = [
    PriceEntry(
        id=f"price-{code}",
        product_code=code,
        price_type=PriceType(code="LIST", position=10),
        price=price,
        currency="EUR",
        from_date=dt.date(2025, 1, 1),
    )
    for code, price in (("P1", Decimal("10.00")), ("P2", Decimal("4.00")))
]
DISCOUNTS = [
    LineDiscountEntry(id="disc-P1", level=1, percent=Decimal("0.10"), product_code="P1", from_date=DAY),
    LineDiscountEntry(
        id="disc-bulk", level=2, percent=Decimal("0.50"), min_quantity=Decimal("6"), from_date=DAY
    ),
]
PACKAGE = PromotionalPackage(
    id="PKG",
    currency="EUR",
    from_date=dt.date(2025, 6, 1),
    lines=(
        PackageLine(product_code="P1", quantity=Decimal("2")),
        PackageLine(product_code="P2", quantity=Decimal("1"), unit_price=Decimal("3.00")),
    ),
)


def apply(package: PromotionalPackage, count: int = 1) -> tuple[LinePricing, ...]:
    lines = apply_package(package, count, CTX, PRICES, DISCOUNTS)
    assert isinstance(lines, tuple)
    assert all(isinstance(line, LinePricing) for line in lines)
    return lines  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("change", "available"),
    [
        ({}, True),
        ({"active": False}, False),
        ({"from_date": DAY, "thru_date": DAY}, True),
        ({"from_date": DAY + dt.timedelta(days=1)}, False),
        ({"thru_date": DAY - dt.timedelta(days=1)}, False),
        ({"customer": "C1"}, True),
        ({"customer": "C2"}, False),
        ({"ship_to": "S1"}, True),
        ({"ship_to": "S2"}, False),
        ({"channel": "CC"}, True),
        ({"channel": "WEB"}, False),
        ({"price_list": SPRING}, True),
        ({"price_list": replace(SPRING, thru_date=DAY - dt.timedelta(days=1))}, False),
        ({"price_list": replace(SPRING, code="SUMMER")}, False),
        ({"enterprise_company": "E1"}, True),
        ({"enterprise_company": "E2"}, False),
        ({"enterprise_company_location": "L1"}, True),
        ({"enterprise_company_location": "L2"}, False),
        ({"target_group": "VIP"}, True),
        ({"target_group": "SOUTH"}, False),
    ],
    ids=case_id,
)
def test_package_is_available_when_active_in_dates_and_each_condition_is_empty_or_matches(
    change: dict[str, object], available: bool
) -> None:
    package = replace(PACKAGE, **change)  # type: ignore[arg-type]
    assert package_available(package, CTX) is available
    result = apply_package(package, 1, CTX, PRICES, DISCOUNTS)
    assert isinstance(result, tuple) is available
    if not available:
        assert result == PackageNotAvailable(package_id="PKG", on=DAY)


@pytest.mark.parametrize(("count", "quantities"), [(1, ["2", "1"]), (3, ["6", "3"]), (10, ["20", "10"])])
def test_applying_n_packages_gives_one_line_per_package_line_with_n_times_its_quantity(
    count: int, quantities: list[str]
) -> None:
    lines = apply(PACKAGE, count)
    assert [(line.product_code, line.quantity) for line in lines] == [
        ("P1", Decimal(quantities[0])),
        ("P2", Decimal(quantities[1])),
    ]


def test_package_line_unit_price_wins_else_the_resolved_price_is_used() -> None:
    p1, p2 = apply(PACKAGE)
    assert (p1.unit_price, p1.provenance.price_entry_id) == (Decimal("10.00"), "price-P1")
    assert (p2.unit_price, p2.provenance.price_entry_id) == (Decimal("3.00"), None)


def test_package_lines_are_marked_with_the_package() -> None:
    assert {line.provenance.package_id for line in apply(PACKAGE)} == {"PKG"}


def test_resolved_discounts_see_the_multiplied_quantity() -> None:
    one, three = apply(PACKAGE, 1)[0], apply(PACKAGE, 3)[0]  # P1: 2 units, then 6 units (bulk level 2)
    assert one.provenance.discount_entry_ids() == {1: "disc-P1"}
    assert three.provenance.discount_entry_ids() == {1: "disc-P1", 2: "disc-bulk"}


@pytest.mark.parametrize(
    ("mode", "package_discount", "expected_discount", "expected_amount"),
    [
        (DiscountMode.ADD, Decimal("0.05"), Decimal("0.15"), Decimal("17.00")),
        (DiscountMode.CASCADE, Decimal("0.05"), Decimal("0.145"), Decimal("17.10")),
        (DiscountMode.REPLACE, Decimal("0.05"), Decimal("0.05"), Decimal("19.00")),
        (DiscountMode.REPLACE, Decimal("0"), Decimal("0"), Decimal("20.00")),
        (DiscountMode.ADD, Decimal("0.95"), Decimal("1"), Decimal("0.00")),
    ],
    ids=["add", "cascade", "replace", "replace-with-none", "add-capped-at-100-percent"],
)
def test_package_line_discount_adds_to_cascades_with_or_replaces_the_resolved_discount(
    mode: DiscountMode, package_discount: Decimal, expected_discount: Decimal, expected_amount: Decimal
) -> None:
    line = replace(PACKAGE.lines[0], discount=package_discount, discount_mode=mode)  # P1: 2 x 10.00, 10 % off
    (priced,) = apply(replace(PACKAGE, lines=(line,)))
    assert combine_discount(Decimal("0.10"), package_discount, mode) == expected_discount
    assert (priced.discount_percent, priced.amount) == (expected_discount, expected_amount)


def test_zero_packages_give_no_lines_even_when_the_package_is_no_longer_available() -> None:
    assert apply_package(replace(PACKAGE, active=False), 0, CTX, PRICES, DISCOUNTS) == ()


def test_negative_package_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        apply_package(PACKAGE, -1, CTX, PRICES, DISCOUNTS)


def test_package_line_without_any_price_is_a_no_price_value_marked_with_the_package() -> None:
    package = replace(PACKAGE, lines=(PackageLine(product_code="P9", quantity=Decimal("1")),))
    assert apply_package(package, 2, CTX, PRICES, DISCOUNTS) == (
        NoPrice(product_code="P9", on=DAY, package_id="PKG"),
    )
