"""Order lines and their prices: what each line records, and the draft's totals.

Percents are fractions (0.10 = 10 %); money is `Decimal` in the price's currency.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class LineSource(StrEnum):
    """Which list a line's product was ordered from (domain.md section 3), or a package."""

    CUSTOMER_PRODUCTS = "CUSTOMER_PRODUCTS"
    DEFAULT_CHANNEL = "DEFAULT_CHANNEL"
    SITE_CHANNEL = "SITE_CHANNEL"
    PACKAGE = "PACKAGE"


@dataclass(frozen=True, kw_only=True, slots=True)
class AppliedDiscount:
    """The winning line-discount entry of one discount level."""

    level: int
    entry_id: str
    percent: Decimal


@dataclass(frozen=True, kw_only=True, slots=True)
class LinePrice:
    """A line's price and its provenance: the price entry (None when a package line set the price),
    the discount entry of each level, and the catalog revision the entries were read at."""

    unit_price: Decimal
    currency: str
    discount_percent: Decimal
    amount: Decimal
    price_entry_id: str | None
    discounts: tuple[AppliedDiscount, ...]
    revision: int

    def same_price(self, other: LinePrice | None) -> bool:
        """Equal in everything but the revision: a catalog change that left this line alone."""
        return other is not None and (
            self.unit_price,
            self.currency,
            self.discount_percent,
            self.amount,
            self.price_entry_id,
            self.discounts,
        ) == (
            other.unit_price,
            other.currency,
            other.discount_percent,
            other.amount,
            other.price_entry_id,
            other.discounts,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class Line:
    """One order line. `price` None: no price applies (a visible state; PlaceOrder refuses it).

    A line with a `package_id` came from that promotional package and is changed only through it.
    """

    line_id: str
    product_code: str
    unit: str
    quantity: Decimal
    source: LineSource
    price: LinePrice | None
    name: str | None = None
    package_id: str | None = None


@dataclass(frozen=True, slots=True)
class Totals:
    """The net amount of the draft per currency (lines without a price count for nothing)."""

    net: tuple[tuple[str, Decimal], ...] = ()

    def __post_init__(self) -> None:
        # sorted by currency, so two totals with the same amounts compare equal whatever the input order
        object.__setattr__(self, "net", tuple(sorted(self.net)))

    @classmethod
    def of(cls, lines: Iterable[Line]) -> Totals:
        sums: dict[str, Decimal] = {}
        for line in lines:
            if line.price is not None:
                currency = line.price.currency
                sums[currency] = sums.get(currency, Decimal(0)) + line.price.amount
        return cls(tuple(sorted(sums.items())))

    def to_payload(self) -> dict[str, str]:
        return {currency: str(amount) for currency, amount in self.net}

    @classmethod
    def from_payload(cls, payload: Mapping[str, str]) -> Totals:
        return cls(tuple(sorted((currency, Decimal(amount)) for currency, amount in payload.items())))
