"""Availability of a line (domain.md section 6): the available-to-promise figure of (DefaultStore, product,
the site's enterprise company) from the latest row dated on or before today, against the line's quantity.

"yes" (green) when the quantity is covered; "short" (red) with the available number when it is not; "call"
(ask a sales person) when the quantity is above AvailabilityMax, whatever the stock. A product with no row
on or before today has nothing available. Without DefaultStore or AvailabilityMax nothing is shown (None).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Literal, TypedDict

from contracts import catalog as records


class Shown(TypedDict):
    state: Literal["yes", "short", "call"]
    available: Decimal | None  # only for "short": "yes" and "call" show no stock figure


def availability(
    quantity: Decimal,
    rows: Iterable[Any],
    store: str | None,
    enterprise_company: str | None,
    today: dt.date,
    availability_max: Decimal | None,
) -> Shown | None:
    """`rows`: the catalog copy's "availability" records of the line's product (other kinds are ignored)."""
    if store is None or availability_max is None:
        return None
    if quantity > availability_max:
        return {"state": "call", "available": None}
    latest: records.Availability | None = None
    for row in rows:
        if (
            isinstance(row, records.Availability)
            and row.store == store
            and row.enterprise_company == enterprise_company
            and row.date <= today
            and (latest is None or row.date > latest.date)
        ):
            latest = row
    available = latest.quantity if latest is not None else Decimal(0)
    if quantity <= available:
        return {"state": "yes", "available": None}
    return {"state": "short", "available": available}
