"""Price resolution rules (domain.md section 4, "Price")."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from catalog.pricing import (
    NoPrice,
    PriceChoice,
    PriceEntry,
    PriceList,
    PriceType,
    PricingContext,
    resolve_price,
)


def case_id(value: object) -> str:
    """Readable parametrize ids such as `customer=C1` or `price_list=SPRING`."""
    if isinstance(value, dict):
        return "-".join(f"{key}={getattr(item, 'code', item)}" for key, item in value.items()) or "plain"
    return str(value)


DAY = dt.date(2025, 6, 15)
LIST = PriceType(code="LIST", position=20)
AGREEMENT = PriceType(code="AGREEMENT", position=10)
SPRING = PriceList(code="SPRING", from_date=dt.date(2025, 3, 1), thru_date=dt.date(2025, 6, 30))

CTX = PricingContext(
    product_code="P1",
    product_group="G1",
    quantity=Decimal("10"),
    date=DAY,
    customer="C1",
    ship_to="S1",
    customer_type="RETAIL",
    target_groups=frozenset({"VIP", "NORTH"}),
    enterprise_company="E1",
    enterprise_company_location="L1",
    channel="CC",
    price_list="SPRING",
)
ENTRY = PriceEntry(
    id="e1",
    product_code="P1",
    price_type=LIST,
    price=Decimal("12.50"),
    currency="EUR",
    from_date=dt.date(2025, 1, 1),
)


def winner(*entries: PriceEntry, ctx: PricingContext = CTX, current: str | None = None) -> str | None:
    result = resolve_price(entries, ctx, current)
    return result.entry_id if isinstance(result, PriceChoice) else None


@pytest.mark.parametrize(
    ("active", "from_date", "thru_date", "applies"),
    [
        (True, dt.date(2025, 1, 1), None, True),
        (False, dt.date(2025, 1, 1), None, False),
        (True, DAY, DAY, True),
        (True, DAY + dt.timedelta(days=1), None, False),
        (True, dt.date(2025, 1, 1), DAY - dt.timedelta(days=1), False),
    ],
    ids=["open-ended", "inactive", "from-and-thru-inclusive", "starts-tomorrow", "ended-yesterday"],
)
def test_price_applies_only_when_active_and_dates_contain_the_context_date(
    active: bool, from_date: dt.date, thru_date: dt.date | None, applies: bool
) -> None:
    entry = replace(ENTRY, active=active, from_date=from_date, thru_date=thru_date)
    assert winner(entry) == ("e1" if applies else None)


@pytest.mark.parametrize(
    ("condition", "applies"),
    [
        ({"product_code": "P2"}, False),
        ({"customer": "C1"}, True),
        ({"customer": "C2"}, False),
        ({"ship_to": "S1"}, True),
        ({"ship_to": "C1"}, False),
        ({"enterprise_company": "E1"}, True),
        ({"enterprise_company": "E2"}, False),
        ({"enterprise_company_location": "L1"}, True),
        ({"enterprise_company_location": "L2"}, False),
        ({"channel": "CC"}, True),
        ({"channel": "WEB"}, False),
        ({"target_group": "VIP"}, True),
        ({"target_group": "SOUTH"}, False),
        ({"min_quantity": Decimal("10")}, True),
        ({"min_quantity": Decimal("10.01")}, False),
        ({"max_quantity": Decimal("10")}, True),
        ({"max_quantity": Decimal("9.99")}, False),
    ],
    ids=case_id,
)
def test_price_applies_only_for_its_product_and_when_each_condition_is_empty_or_matches(
    condition: dict[str, object], applies: bool
) -> None:
    entry = replace(ENTRY, **condition)  # type: ignore[arg-type]
    assert winner(entry) == ("e1" if applies else None)


@pytest.mark.parametrize(
    ("price_list", "applies"),
    [
        (SPRING, True),
        (replace(SPRING, active=False), False),
        (replace(SPRING, thru_date=DAY - dt.timedelta(days=1)), False),
        (replace(SPRING, from_date=DAY + dt.timedelta(days=1)), False),
        (replace(SPRING, code="SUMMER"), False),
    ],
    ids=["valid-and-matching", "list-inactive", "list-ended", "list-not-started", "other-list"],
)
def test_price_list_condition_needs_the_same_list_valid_on_the_context_date(
    price_list: PriceList, applies: bool
) -> None:
    assert winner(replace(ENTRY, price_list=price_list)) == ("e1" if applies else None)


def test_target_group_condition_fails_when_the_customer_has_no_target_groups() -> None:
    entry = replace(ENTRY, target_group="VIP")
    assert winner(entry, ctx=replace(CTX, target_groups=frozenset())) is None


EARLY = dt.date(2025, 1, 1)
LATE = dt.date(2025, 5, 1)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((LIST, 9, LATE), (AGREEMENT, 0, EARLY), "b"),
        ((AGREEMENT, 0, EARLY), (LIST, 9, LATE), "a"),
    ],
    ids=["b-lower-position", "a-lower-position"],
)
def test_lowest_price_type_position_wins_over_priority_and_date(
    a: tuple[PriceType, int, dt.date], b: tuple[PriceType, int, dt.date], expected: str
) -> None:
    entries = [
        replace(ENTRY, id=name, price_type=t, priority=p, from_date=f)
        for name, (t, p, f) in (("a", a), ("b", b))
    ]
    assert winner(*entries) == expected


@pytest.mark.parametrize(
    ("priority_a", "priority_b", "expected"),
    [(5, 1, "a"), (1, 5, "b"), (-1, 0, "b")],
)
def test_highest_priority_wins_among_equal_price_type_positions(
    priority_a: int, priority_b: int, expected: str
) -> None:
    a = replace(ENTRY, id="a", priority=priority_a, from_date=LATE)
    b = replace(ENTRY, id="b", priority=priority_b, from_date=EARLY)
    assert winner(a, b) == expected


@pytest.mark.parametrize(("from_a", "from_b", "expected"), [(LATE, EARLY, "a"), (EARLY, LATE, "b")])
def test_latest_from_date_wins_among_equal_position_and_priority(
    from_a: dt.date, from_b: dt.date, expected: str
) -> None:
    assert (
        winner(replace(ENTRY, id="a", from_date=from_a), replace(ENTRY, id="b", from_date=from_b)) == expected
    )


@pytest.mark.parametrize(
    ("current", "current_entry", "expected"),
    [
        ("b", replace(ENTRY, id="b"), "b"),
        ("b", replace(ENTRY, id="b", priority=-1), "a"),
        ("b", replace(ENTRY, id="b", active=False), "a"),
        ("gone", replace(ENTRY, id="b"), "a"),
        (None, replace(ENTRY, id="b"), "a"),
    ],
    ids=["equal-current-kept", "outranked", "no-longer-applies", "unknown", "none"],
)
def test_current_price_still_applicable_and_equally_ranked_is_kept(
    current: str | None, current_entry: PriceEntry, expected: str
) -> None:
    a = replace(ENTRY, id="a")
    assert winner(current_entry, a, current=current) == expected


@pytest.mark.parametrize(
    "entries",
    [(), (replace(ENTRY, product_code="P2"),), (replace(ENTRY, active=False), replace(ENTRY, customer="C9"))],
    ids=["no-entries", "other-product", "none-applies"],
)
def test_no_applicable_price_is_a_value_not_an_error(entries: tuple[PriceEntry, ...]) -> None:
    assert resolve_price(entries, CTX) == NoPrice(product_code="P1", on=DAY)


def test_winning_price_carries_its_entry_amount_currency_and_type() -> None:
    assert resolve_price([ENTRY], CTX) == PriceChoice(
        entry_id="e1", unit_price=Decimal("12.50"), currency="EUR", price_type="LIST"
    )
