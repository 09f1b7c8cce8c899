"""Quantity rules of a line: positive, a multiple of the customer product's order multiple, and at least
the minimal sales quantity of the product's channel links. A rejection names the nearest valid ones.

The minimum is the strictest of the product's valid links on the customer's default channel and the
site channel (ours): a quantity one of the lists the product is offered through would refuse is never
accepted through another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from catalog.pricing.conditions import valid_on
from order_draft.domain.facts import CatalogFacts, ProductFacts
from order_draft.domain.rejections import Code, Rejection, reject
from order_draft.domain.settings import SiteSettings


@dataclass(frozen=True, kw_only=True, slots=True)
class QuantityRule:
    multiple: Decimal | None = None
    minimum: Decimal | None = None

    def problem(self, quantity: Decimal, already: Decimal = Decimal(0)) -> Rejection | None:
        """Why `already + quantity` is no valid line quantity, naming the nearest valid `quantity`s."""
        total = already + quantity
        if quantity <= 0:
            return reject(Code.QUANTITY_NOT_POSITIVE, "Enter a quantity above 0.", quantity=plain(quantity))
        if self.minimum is not None and total < self.minimum:
            code, why = Code.QUANTITY_BELOW_MINIMUM, f"at least {plain(self.minimum)}"
        elif self.multiple is not None and total % self.multiple != 0:
            code, why = Code.QUANTITY_NOT_MULTIPLE, f"a multiple of {plain(self.multiple)}"
        else:
            return None
        nearest = [plain(q - already) for q in self.nearest(total) if q > already]
        held = f" (the line holds {plain(already)})" if already else ""
        return reject(
            code,
            f"The line's quantity must be {why}{held}; try {' or '.join(nearest)}.",
            quantity=plain(quantity),
            nearest=nearest,
            order_multiple=None if self.multiple is None else plain(self.multiple),
            minimum=None if self.minimum is None else plain(self.minimum),
        )

    def nearest(self, quantity: Decimal) -> tuple[Decimal, ...]:
        """The valid quantities next to `quantity` (below and above; one when they coincide)."""
        floor = self.minimum if self.minimum is not None and self.minimum > 0 else Decimal(0)
        if self.multiple is None:
            return (max(quantity, floor),) if floor else (quantity,)
        step = self.multiple
        smallest = step * max(Decimal(1), (floor / step).to_integral_value(ROUND_CEILING))
        below = step * (quantity / step).to_integral_value(ROUND_FLOOR)
        above = step * (quantity / step).to_integral_value(ROUND_CEILING)
        return tuple(sorted({max(q, smallest) for q in (below, above)}))


def quantity_rule(
    product: ProductFacts | None, facts: CatalogFacts, settings: SiteSettings, on: dt.date
) -> QuantityRule:
    """The rule for a product on the date; no product facts, no rule (nothing left to check against)."""
    if product is None:
        return QuantityRule()
    row = product.customer_product
    multiple = row.order_multiple if row is not None and valid_on(row, on) else None
    channels = {settings.site_channel.code}
    if facts.customer.default_channel is not None:
        channels.add(facts.customer.default_channel.code)
    minimums = [
        link.minimal_sales_quantity
        for link in product.links
        if link.channel_code in channels and link.minimal_sales_quantity is not None and valid_on(link, on)
    ]
    return QuantityRule(
        multiple=multiple if multiple is not None and multiple > 0 else None,
        minimum=max(minimums) if minimums else None,
    )


def plain(value: Decimal) -> str:
    """A Decimal as a plain string (never an exponent): `Decimal("1E+1")` -> `"10"`."""
    return format(value, "f")
