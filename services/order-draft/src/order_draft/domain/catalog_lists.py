"""Where a product can be ordered from (domain.md section 3): a code is looked up in the customer's
products, then the customer's default channel, then the site channel (ours), honouring the Hide settings.

The first list holding a row that is active and in dates on the context date wins. A code on none of
the visible lists is unknown; on some but valid on none, it is inactive (every row is switched off) or
out of date (some row is active, but outside its dates).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from catalog.pricing.conditions import valid_on
from order_draft.domain.facts import CatalogFacts, ChannelLink, CustomerProduct, ProductFacts
from order_draft.domain.lines import LineSource
from order_draft.domain.rejections import Code, Rejection, reject
from order_draft.domain.settings import SiteSettings


@dataclass(frozen=True, kw_only=True, slots=True)
class Orderable:
    product: ProductFacts
    source: LineSource


def resolve_code(
    code: str, facts: CatalogFacts, settings: SiteSettings, on: dt.date
) -> Orderable | Rejection:
    """The product a code names and the list it is ordered from, or why it cannot be ordered."""
    code = code.strip()
    product = facts.product(code)
    rows = visible_rows(product, facts, settings) if product is not None else []
    for source, row in rows:
        if valid_on(row, on):
            assert product is not None
            return Orderable(product=product, source=source)
    lists = [source.value for source, _ in rows]
    if not rows:
        return reject(
            Code.PRODUCT_UNKNOWN, f"{code} is on none of your product lists. Check the code.", code=code
        )
    if not any(row.active for _, row in rows):
        return reject(
            Code.PRODUCT_INACTIVE, f"{code} is not orderable now (inactive).", code=code, lists=lists
        )
    return reject(
        Code.PRODUCT_OUT_OF_DATE,
        f"{code} cannot be ordered for {on.isoformat()} (outside its validity dates).",
        code=code,
        lists=lists,
        on=on.isoformat(),
    )


def visible_rows(
    product: ProductFacts, facts: CatalogFacts, settings: SiteSettings
) -> list[tuple[LineSource, CustomerProduct | ChannelLink]]:
    """The product's rows on the lists the site shows, in lookup order."""
    rows: list[tuple[LineSource, CustomerProduct | ChannelLink]] = []
    if not settings.hide_customer_products and product.customer_product is not None:
        rows.append((LineSource.CUSTOMER_PRODUCTS, product.customer_product))
    default = facts.customer.default_channel
    if not settings.hide_distribution_channel and default is not None and default.active:
        link = product.link(default.code)
        if link is not None:
            rows.append((LineSource.DEFAULT_CHANNEL, link))
    site_link = product.link(settings.site_channel.code)
    if site_link is not None:
        rows.append((LineSource.SITE_CHANNEL, site_link))
    return rows
