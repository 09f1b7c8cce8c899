"""The inputs of pricing: price types and lists, price and line-discount entries, the pricing context.

Money and quantities are `Decimal`; dates are `datetime.date`. Every discount percent is a fraction:
`Decimal("0.10")` means 10 %. Optional conditions are `None` when empty, which means "any".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, kw_only=True, slots=True)
class PriceType:
    """A kind of price (list price, agreement price...). The lowest position wins."""

    code: str
    position: int


@dataclass(frozen=True, kw_only=True, slots=True)
class PriceList:
    """A price list; an entry bound to it applies only while the list itself is active and in dates."""

    code: str
    from_date: dt.date
    thru_date: dt.date | None = None
    active: bool = True


@dataclass(frozen=True, kw_only=True, slots=True)
class PriceEntry:
    """One price of one product, valid `from_date..thru_date` (both inclusive; no thru date = open).

    Among applicable entries the lowest `price_type.position` wins, then the highest `priority`,
    then the latest `from_date`. Quantity bounds are inclusive.
    """

    id: str
    product_code: str
    price_type: PriceType
    price: Decimal
    currency: str
    from_date: dt.date
    thru_date: dt.date | None = None
    active: bool = True
    priority: int = 0
    customer: str | None = None
    ship_to: str | None = None
    min_quantity: Decimal | None = None
    max_quantity: Decimal | None = None
    enterprise_company: str | None = None
    enterprise_company_location: str | None = None
    channel: str | None = None
    price_list: PriceList | None = None
    target_group: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class LineDiscountEntry:
    """One line discount for one discount `level` (1, 2, 3...); `percent` is a fraction (0.10 = 10 %).

    `product_group` matches the product's group or any parent group. `customer` matches the ordering
    customer or the ship-to customer. Within a level the highest `priority` wins, then the latest
    `from_date`.
    """

    id: str
    level: int
    percent: Decimal
    from_date: dt.date
    thru_date: dt.date | None = None
    active: bool = True
    priority: int = 0
    product_code: str | None = None
    product_group: str | None = None
    min_quantity: Decimal | None = None
    max_quantity: Decimal | None = None
    customer: str | None = None
    customer_type: str | None = None
    channel: str | None = None
    price_list: PriceList | None = None
    target_group: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class PricingContext:
    """What a line is priced against: the product, who orders it, through what, how many, and when.

    `date` is the context date (see `context_date`); `price_list` is a price-list code.
    """

    product_code: str
    quantity: Decimal
    date: dt.date
    product_group: str | None = None
    customer: str | None = None
    ship_to: str | None = None
    customer_type: str | None = None
    target_groups: frozenset[str] = field(default_factory=frozenset)
    enterprise_company: str | None = None
    enterprise_company_location: str | None = None
    channel: str | None = None
    price_list: str | None = None
