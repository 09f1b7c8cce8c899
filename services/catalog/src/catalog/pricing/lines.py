"""Pricing one order line: its price, its discounts, its amount, and where each came from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from catalog.pricing.amounts import line_amount
from catalog.pricing.discounts import (
    NO_PARENTS,
    DiscountChoice,
    resolve_discounts,
    standard_discount,
)
from catalog.pricing.model import LineDiscountEntry, PriceEntry, PricingContext
from catalog.pricing.prices import NoPrice, resolve_price


@dataclass(frozen=True, kw_only=True, slots=True)
class Provenance:
    """Where a line's price came from, so an order line can record it.

    `price_entry_id` is `None` when a promotional package line set the unit price; `discounts` holds
    the winning entry of each discount level; `package_id` marks lines added by a package.
    """

    price_entry_id: str | None
    discounts: tuple[DiscountChoice, ...] = ()
    package_id: str | None = None

    def discount_entry_ids(self) -> dict[int, str]:
        """The winning discount entry id per level."""
        return {choice.level: choice.entry_id for choice in self.discounts}


@dataclass(frozen=True, kw_only=True, slots=True)
class LinePricing:
    """A priced line. Percents are fractions (0.10 = 10 %); `amount` is in `currency`."""

    product_code: str
    quantity: Decimal
    unit_price: Decimal
    currency: str
    discount_percent: Decimal
    custom_discount: Decimal
    amount: Decimal
    provenance: Provenance


def price_line(
    ctx: PricingContext,
    prices: Iterable[PriceEntry],
    discounts: Iterable[LineDiscountEntry],
    *,
    group_parents: Mapping[str, str] = NO_PARENTS,
    current: Provenance | None = None,
    custom_discount: Decimal = Decimal(0),
) -> LinePricing | NoPrice:
    """Resolve the price and every discount level for the context, then the amount.

    `current` is the line's provenance so far; its entries are kept while they apply and rank equal.
    """
    price = resolve_price(prices, ctx, current.price_entry_id if current else None)
    if isinstance(price, NoPrice):
        return price
    choices = resolve_discounts(
        discounts,
        ctx,
        group_parents=group_parents,
        current=current.discount_entry_ids() if current else None,
    )
    discount = standard_discount(choices)
    return LinePricing(
        product_code=ctx.product_code,
        quantity=ctx.quantity,
        unit_price=price.unit_price,
        currency=price.currency,
        discount_percent=discount,
        custom_discount=custom_discount,
        amount=line_amount(ctx.quantity, price.unit_price, discount, custom_discount),
        provenance=Provenance(price_entry_id=price.entry_id, discounts=choices),
    )
