"""Line discount rules (domain.md section 4, "Line discounts")."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from catalog.pricing import (
    DiscountChoice,
    LineDiscountEntry,
    PriceList,
    PricingContext,
    cascade,
    resolve_discount,
    resolve_discounts,
    standard_discount,
)


def case_id(value: object) -> str:
    """Readable parametrize ids such as `customer=C1` or `price_list=SPRING`."""
    if isinstance(value, dict):
        return "-".join(f"{key}={getattr(item, 'code', item)}" for key, item in value.items()) or "plain"
    return str(value)


DAY = dt.date(2025, 6, 15)
EARLY = dt.date(2025, 1, 1)
LATE = dt.date(2025, 5, 1)
SPRING = PriceList(code="SPRING", from_date=dt.date(2025, 3, 1), thru_date=dt.date(2025, 6, 30))
PARENTS = {"BOLTS": "HARDWARE", "HARDWARE": "ALL"}

CTX = PricingContext(
    product_code="P1",
    product_group="BOLTS",
    quantity=Decimal("10"),
    date=DAY,
    customer="C1",
    ship_to="S1",
    customer_type="RETAIL",
    target_groups=frozenset({"VIP"}),
    channel="CC",
    price_list="SPRING",
)
ENTRY = LineDiscountEntry(id="d1", level=1, percent=Decimal("0.10"), from_date=EARLY)


def winner(*entries: LineDiscountEntry, level: int = 1, current: str | None = None) -> str | None:
    choice = resolve_discount(entries, CTX, level, group_parents=PARENTS, current_entry_id=current)
    return choice.entry_id if choice else None


@pytest.mark.parametrize(
    ("change", "applies"),
    [
        ({}, True),
        ({"active": False}, False),
        ({"from_date": DAY, "thru_date": DAY}, True),
        ({"from_date": DAY + dt.timedelta(days=1)}, False),
        ({"thru_date": DAY - dt.timedelta(days=1)}, False),
        ({"level": 2}, False),
    ],
    ids=["plain", "inactive", "dates-inclusive", "not-started", "ended", "other-level"],
)
def test_discount_applies_only_when_active_in_dates_and_for_the_requested_level(
    change: dict[str, object], applies: bool
) -> None:
    assert winner(replace(ENTRY, **change)) == ("d1" if applies else None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("condition", "applies"),
    [
        ({"product_code": "P1"}, True),
        ({"product_code": "P2"}, False),
        ({"min_quantity": Decimal("10")}, True),
        ({"min_quantity": Decimal("11")}, False),
        ({"max_quantity": Decimal("10")}, True),
        ({"max_quantity": Decimal("9")}, False),
        ({"customer": "C1"}, True),
        ({"customer": "S1"}, True),
        ({"customer": "C2"}, False),
        ({"customer_type": "RETAIL"}, True),
        ({"customer_type": "WHOLESALE"}, False),
        ({"channel": "CC"}, True),
        ({"channel": "WEB"}, False),
        ({"price_list": SPRING}, True),
        ({"price_list": replace(SPRING, active=False)}, False),
        ({"price_list": replace(SPRING, code="SUMMER")}, False),
        ({"target_group": "VIP"}, True),
        ({"target_group": "SOUTH"}, False),
    ],
    ids=case_id,
)
def test_discount_applies_when_each_condition_is_empty_or_matches_customer_meaning_customer_or_ship_to(
    condition: dict[str, object], applies: bool
) -> None:
    assert winner(replace(ENTRY, **condition)) == ("d1" if applies else None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("group", "applies"),
    [("BOLTS", True), ("HARDWARE", True), ("ALL", True), ("NUTS", False)],
)
def test_product_group_condition_matches_the_group_or_any_parent_group(group: str, applies: bool) -> None:
    assert winner(replace(ENTRY, product_group=group)) == ("d1" if applies else None)


def test_product_group_hierarchy_with_a_cycle_does_not_loop() -> None:
    entry = replace(ENTRY, product_group="NUTS")
    choice = resolve_discount([entry], CTX, 1, group_parents={"BOLTS": "HARDWARE", "HARDWARE": "BOLTS"})
    assert choice is None


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((5, EARLY), (1, LATE), "a"),
        ((1, LATE), (5, EARLY), "b"),
        ((0, EARLY), (0, LATE), "b"),
        ((0, LATE), (0, EARLY), "a"),
    ],
    ids=["a-higher-priority", "b-higher-priority", "b-later-from-date", "a-later-from-date"],
)
def test_highest_priority_then_latest_from_date_wins(
    a: tuple[int, dt.date], b: tuple[int, dt.date], expected: str
) -> None:
    entries = [replace(ENTRY, id=n, priority=p, from_date=f) for n, (p, f) in (("a", a), ("b", b))]
    assert winner(*entries) == expected


@pytest.mark.parametrize(
    ("current", "b_change", "expected"),
    [
        ("b", {}, "b"),
        ("b", {"priority": -1}, "a"),
        ("b", {"active": False}, "a"),
        (None, {}, "a"),
    ],
    ids=["equal-current-kept", "outranked", "no-longer-applies", "no-current"],
)
def test_current_discount_still_applicable_and_equally_ranked_is_kept(
    current: str | None, b_change: dict[str, object], expected: str
) -> None:
    a, b = replace(ENTRY, id="a"), replace(ENTRY, id="b", **b_change)  # type: ignore[arg-type]
    assert winner(b, a, current=current) == expected


def test_each_discount_level_is_resolved_separately() -> None:
    entries = [
        replace(ENTRY, id="l1-low", level=1, priority=0, percent=Decimal("0.05")),
        replace(ENTRY, id="l1-high", level=1, priority=9, percent=Decimal("0.10")),
        replace(ENTRY, id="l2", level=2, percent=Decimal("0.02")),
        replace(ENTRY, id="l3-other-customer", level=3, customer="C9"),
        replace(ENTRY, id="l2-current", level=2, percent=Decimal("0.03")),
    ]
    choices = resolve_discounts(entries, CTX, group_parents=PARENTS, current={2: "l2-current"})
    assert choices == (
        DiscountChoice(level=1, entry_id="l1-high", percent=Decimal("0.10")),
        DiscountChoice(level=2, entry_id="l2-current", percent=Decimal("0.03")),
    )


@pytest.mark.parametrize(
    ("percents", "expected"),
    [
        ((), Decimal("0")),
        ((Decimal("0.10"),), Decimal("0.10")),
        ((Decimal("0.10"), Decimal("0.05")), Decimal("0.145")),
        ((Decimal("0.10"), Decimal("0.10"), Decimal("0.10")), Decimal("0.271")),
        ((Decimal("1"), Decimal("0.20")), Decimal("1")),
    ],
    ids=["none", "one-level", "two-levels", "three-levels", "full-discount"],
)
def test_standard_discount_combines_levels_by_cascade(
    percents: tuple[Decimal, ...], expected: Decimal
) -> None:
    assert cascade(percents) == expected
    choices = [DiscountChoice(level=i + 1, entry_id=str(i), percent=p) for i, p in enumerate(percents)]
    assert standard_discount(choices) == expected
