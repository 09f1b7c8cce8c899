"""Price resolution: which price entry applies to a line, and which one wins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from catalog.pricing.conditions import (
    matches,
    price_list_matches,
    quantity_within,
    target_group_matches,
    valid_on,
)
from catalog.pricing.model import PriceEntry, PricingContext
from catalog.pricing.ranking import Rank, pick_winner


@dataclass(frozen=True, kw_only=True, slots=True)
class PriceChoice:
    """The winning price and where it came from."""

    entry_id: str
    unit_price: Decimal
    currency: str
    price_type: str


@dataclass(frozen=True, kw_only=True, slots=True)
class NoPrice:
    """No price entry applies: a visible state of the line, never an error."""

    product_code: str
    on: dt.date
    package_id: str | None = None


def price_applies(entry: PriceEntry, ctx: PricingContext) -> bool:
    """Active, in dates, for the product, and every optional condition empty or matching."""
    return (
        valid_on(entry, ctx.date)
        and entry.product_code == ctx.product_code
        and matches(entry.customer, ctx.customer)
        and matches(entry.ship_to, ctx.ship_to)
        and quantity_within(entry.min_quantity, entry.max_quantity, ctx.quantity)
        and matches(entry.enterprise_company, ctx.enterprise_company)
        and matches(entry.enterprise_company_location, ctx.enterprise_company_location)
        and matches(entry.channel, ctx.channel)
        and price_list_matches(entry.price_list, ctx.price_list, ctx.date)
        and target_group_matches(entry.target_group, ctx.target_groups)
    )


def _rank(entry: PriceEntry) -> Rank:
    # lowest price-type position, then highest priority, then latest from-date
    return (entry.price_type.position, -entry.priority, -entry.from_date.toordinal())


def resolve_price(
    entries: Iterable[PriceEntry], ctx: PricingContext, current_entry_id: str | None = None
) -> PriceChoice | NoPrice:
    """The winning price for the context, or `NoPrice`.

    `current_entry_id` is the entry the line uses now; it is kept while it applies and ranks equal
    to the best.
    """
    applicable = [entry for entry in entries if price_applies(entry, ctx)]
    if not applicable:
        return NoPrice(product_code=ctx.product_code, on=ctx.date)
    winner = pick_winner(applicable, _rank, current_entry_id)
    return PriceChoice(
        entry_id=winner.id,
        unit_price=winner.price,
        currency=winner.currency,
        price_type=winner.price_type.code,
    )
