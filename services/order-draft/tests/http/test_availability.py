"""The availability rule (domain.md section 6), one row per rule: the quantity against the latest
available-to-promise figure of (DefaultStore, product, the site's enterprise company) dated on or before
today; "call" above AvailabilityMax whatever the stock; nothing without both settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from contracts import catalog as c
from order_draft.http.availability import availability

TODAY = dt.date(2026, 3, 10)
MAX = Decimal(50)


def row(quantity: str, date: dt.date = TODAY, store: str = "ST1", company: str = "EC") -> c.Availability:
    return c.Availability(
        store=store, product_code="A100", enterprise_company=company, date=date, quantity=Decimal(quantity)
    )


DAY = dt.timedelta(days=1)
CASES: list[tuple[str, str, list[c.Availability], str | None, Decimal | None, Any]] = [
    ("yes: the quantity is covered", "10", [row("10")], "ST1", MAX, {"state": "yes", "available": None}),
    (
        "short: the available number",
        "12",
        [row("7.5")],
        "ST1",
        MAX,
        {"state": "short", "available": Decimal("7.5")},
    ),
    (
        "call above the max, whatever the stock",
        "51",
        [row("1000")],
        "ST1",
        MAX,
        {"state": "call", "available": None},
    ),
    ("the max itself is not above it", "50", [row("1000")], "ST1", MAX, {"state": "yes", "available": None}),
    ("no DefaultStore: nothing shown", "1", [row("10")], None, MAX, None),
    ("no AvailabilityMax: nothing shown", "1", [row("10")], "ST1", None, None),
    (
        "the latest row on or before today wins",
        "5",
        [row("100", TODAY - 3 * DAY), row("2", TODAY - DAY), row("100", TODAY + DAY)],
        "ST1",
        MAX,
        {"state": "short", "available": Decimal(2)},
    ),
    (
        "rows of another store or company are ignored",
        "5",
        [row("3"), row("100", store="ST2"), row("100", company="EC2")],
        "ST1",
        MAX,
        {"state": "short", "available": Decimal(3)},
    ),
    (
        "no row on or before today: nothing available",
        "1",
        [row("9", TODAY + DAY)],
        "ST1",
        MAX,
        {"state": "short", "available": Decimal(0)},
    ),
]


@pytest.mark.parametrize(
    ("rule", "quantity", "rows", "store", "most", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_availability_rule(
    rule: str,
    quantity: str,
    rows: list[c.Availability],
    store: str | None,
    most: Decimal | None,
    expected: Any,
) -> None:
    assert availability(Decimal(quantity), rows, store, "EC", TODAY, most) == expected
