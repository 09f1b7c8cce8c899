"""The New Order screen (domain.md section 3): the header, the active draft as the caller's role may see
it, and the lists to pick from, each product row with its quantity on the draft.

My Products unless HideCustomerProducts; the customer's default channel (named after the channel) unless
HideDistributionChannel; the site channel, absent when nothing valid today is linked to it; the
promotional packages available today. Rows are those active and in dates today on the site's calendar.
Lists carry no prices, and package prices only for L30+ (L20 sees no money).
With DefaultStore and AvailabilityMax set, every draft line and every product row on the draft carries its
availability (availability.py, domain.md section 6); a product row not on the draft carries null.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from catalog.pricing.conditions import valid_on
from contracts import catalog as records
from contracts.order_draft.drafts import Draft as WireDraft
from contracts.order_draft.drafts import LineAvailability
from order_draft.catalog_copy import CatalogCopy
from order_draft.domain.lines import LineSource
from order_draft.domain.roles import sees_money
from order_draft.domain.state import Draft
from order_draft.handlers.facts_records import lookup
from order_draft.handlers.replies import wire_draft
from order_draft.http.availability import availability
from order_draft.http.caller import Caller
from order_draft.http.lists import ListIndex


def screen(
    copy: CatalogCopy, site: records.Site, caller: Caller, draft: Draft | None, today: dt.date
) -> dict[str, Any]:
    settings = site.settings
    customer = lookup(copy, "customer", caller.customer, records.Customer)
    index = ListIndex.of(copy)
    on_draft = _quantities(draft)
    shown = _availability_of(copy, site, today)
    body: dict[str, Any] = {
        "header": {
            "site": site.code,
            "supplier": site.enterprise_company,
            "customer": caller.customer,
            "customer_name": customer.name if customer else None,
            "role": caller.role.name,
            "sees_money": sees_money(caller.role),
            "document_number": draft.document_number if draft else None,
            "status": draft.status.value if draft else None,
        },
        "draft": _draft(draft, caller, shown).model_dump(mode="json") if draft else None,
    }
    if not settings.hide_customer_products:
        rows = [r for r in index.customer_products.get(caller.customer, ()) if valid_on(r, today)]
        body["my_products"] = [_customer_product(copy, r, on_draft, shown) for r in rows]
    default = customer.default_channel if customer else None
    if default and not settings.hide_distribution_channel:
        body["default_channel"] = _channel(copy, index, default, today, on_draft, shown)
    site_channel = _channel(copy, index, settings.site_channel, today, on_draft, shown)
    if site_channel["products"]:
        body["site_channel"] = site_channel
    body["packages"] = [
        _package(p, draft, sees_money(caller.role))
        for p in copy.all("promotional_package")
        if isinstance(p, records.PromotionalPackage) and _available(p, site, customer, today)
    ]
    return body


Shown = Callable[[str, Decimal], LineAvailability | None] | None


def _availability_of(copy: CatalogCopy, site: records.Site, today: dt.date) -> Shown:
    """The availability of (product, quantity) on this site today; None when the settings switch it off."""
    settings = site.settings
    if not settings.availability_shown:
        return None

    def shown(code: str, quantity: Decimal) -> LineAvailability | None:
        found = availability(
            quantity,
            copy.for_product("availability", code),
            settings.default_store,
            site.enterprise_company,
            today,
            settings.availability_max,
        )
        return None if found is None else LineAvailability(**found)

    return shown


def _draft(draft: Draft, caller: Caller, shown: Shown) -> WireDraft:
    wire = wire_draft(draft, caller.role)
    if shown is None:
        return wire
    lines = tuple(
        line.model_copy(update={"availability": shown(line.product_code, line.quantity)})
        for line in wire.lines
    )
    return wire.model_copy(update={"lines": lines})


def _quantities(draft: Draft | None) -> dict[str, Decimal]:
    """The quantity of each product's own line (package lines are changed through their package)."""
    if draft is None:
        return {}
    return {
        line.product_code: line.quantity
        for line in draft.lines.values()
        if line.source is not LineSource.PACKAGE
    }


def _product(copy: CatalogCopy, code: str, on_draft: dict[str, Decimal], shown: Shown) -> dict[str, Any]:
    product = lookup(copy, "product", code, records.Product)
    quantity = on_draft.get(code)
    row: dict[str, Any] = {
        "product_code": code,
        "name": product.name if product else None,
        "unit": product.unit if product else None,
        "quantity": None if quantity is None else str(quantity),
    }
    if shown is not None:
        found = None if quantity is None else shown(code, quantity)
        row["availability"] = None if found is None else found.model_dump(mode="json")
    return row


def _customer_product(
    copy: CatalogCopy, row: records.CustomerProduct, on_draft: dict[str, Decimal], shown: Shown
) -> dict[str, Any]:
    return _product(copy, row.product_code, on_draft, shown) | {
        "order_multiple": _text(row.order_multiple),
        "min_in_store": _text(row.min_in_store),
        "max_in_store": _text(row.max_in_store),
    }


def _channel(
    copy: CatalogCopy,
    index: ListIndex,
    code: str,
    today: dt.date,
    on_draft: dict[str, Decimal],
    shown: Shown,
) -> dict[str, Any]:
    channel = lookup(copy, "channel", code, records.Channel)
    rows = [r for r in index.channel_products.get(code, ()) if valid_on(r, today)]
    return {
        "code": code,
        "name": channel.name if channel else code,
        "products": [
            _product(copy, r.product_code, on_draft, shown)
            | {"min_sales_quantity": _text(r.min_sales_quantity)}
            for r in rows
        ],
    }


def _available(
    package: records.PromotionalPackage,
    site: records.Site,
    customer: records.Customer | None,
    today: dt.date,
) -> bool:
    """Active, valid today, and every condition empty or matching (domain.md section 5)."""
    if customer is None or not valid_on(package, today):
        return False
    wanted: tuple[tuple[str | None, object], ...] = (
        (package.customer, customer.code),
        (package.ship_to, customer.ship_to or customer.code),
        (package.channel, site.settings.site_channel),  # every order of the site is in its channel
        (package.price_list, customer.price_list),
        (package.enterprise_company, site.enterprise_company),
        (package.enterprise_company_location, customer.servicing_location),
    )
    if any(condition is not None and condition != actual for condition, actual in wanted):
        return False
    return package.target_group is None or package.target_group in customer.target_groups


def _package(package: records.PromotionalPackage, draft: Draft | None, money: bool) -> dict[str, Any]:
    lines = []
    for line in package.lines:
        shown: dict[str, Any] = {"product_code": line.product_code, "quantity": str(line.quantity)}
        if money:
            shown |= {"unit_price": _text(line.unit_price), "discount": _text(line.discount)}
        lines.append(shown)
    return {
        "package_id": package.id,
        "name": package.name,
        "count": draft.packages.get(package.id, 0) if draft else 0,
        "lines": lines,
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
