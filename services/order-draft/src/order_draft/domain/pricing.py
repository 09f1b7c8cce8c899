"""Pricing a draft's lines with the catalog's engine (`catalog.pricing`), recording the provenance.

The context date is the draft's required delivery date, else today on the site's calendar. The line is
priced on the draft's channel (the site channel it was opened on), for the ordering customer, their
ship-to, type, target groups and price list, and the site's enterprise company and the customer's
servicing location.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from catalog.pricing import (
    DiscountChoice,
    LinePricing,
    NoPrice,
    PricingContext,
    Provenance,
    context_date,
    price_line,
)
from order_draft.domain.facts import CatalogFacts, ProductFacts
from order_draft.domain.lines import AppliedDiscount, LinePrice
from order_draft.domain.state import Draft


def draft_context(draft: Draft, facts: CatalogFacts, today: dt.date) -> PricingContext:
    """The order's part of a pricing context (product and quantity are filled per line)."""
    customer = facts.customer
    return PricingContext(
        product_code="",
        quantity=Decimal(0),
        date=context_date(draft.required_delivery_date, today),
        customer=customer.customer_id,
        ship_to=customer.ship_to,
        customer_type=customer.customer_type,
        target_groups=customer.target_groups,
        enterprise_company=draft.enterprise_company,
        enterprise_company_location=customer.servicing_location,
        channel=draft.channel.code,
        price_list=customer.price_list,
    )


def price_product(
    product: ProductFacts | None,
    product_code: str,
    quantity: Decimal,
    base: PricingContext,
    facts: CatalogFacts,
    current: LinePrice | None = None,
) -> LinePrice | None:
    """The line's price now, or None when no price applies (or the catalog no longer has the product).

    `current` keeps the line's entries while they still apply and rank equal (no flip-flopping).
    """
    if product is None:
        return None
    ctx = replace(base, product_code=product_code, quantity=quantity, product_group=product.product_group)
    pricing = price_line(
        ctx,
        product.prices,
        facts.line_discounts,
        group_parents=facts.group_parents,
        current=_provenance(current),
    )
    return line_price(pricing, facts.revision)


def line_price(pricing: LinePricing | NoPrice, revision: int) -> LinePrice | None:
    """The engine's answer as the line records it."""
    if isinstance(pricing, NoPrice):
        return None
    return LinePrice(
        unit_price=pricing.unit_price,
        currency=pricing.currency,
        discount_percent=pricing.discount_percent,
        amount=pricing.amount,
        price_entry_id=pricing.provenance.price_entry_id,
        discounts=tuple(
            AppliedDiscount(level=c.level, entry_id=c.entry_id, percent=c.percent)
            for c in pricing.provenance.discounts
        ),
        revision=revision,
    )


def _provenance(price: LinePrice | None) -> Provenance | None:
    if price is None:
        return None
    return Provenance(
        price_entry_id=price.price_entry_id,
        discounts=tuple(
            DiscountChoice(level=d.level, entry_id=d.entry_id, percent=d.percent) for d in price.discounts
        ),
    )
