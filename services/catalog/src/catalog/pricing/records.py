"""From the catalog's published records (contracts.catalog) to the pricing engine's inputs.

The order-draft service keeps a local copy of the catalog's views; with these functions it prices a line
with exactly the engine the catalog uses: `price_line(context(...), price_entries(...), line_discounts(...))`.
Only this subpackage is needed for that: it does no I/O and imports nothing of the service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from catalog.pricing.model import LineDiscountEntry, PriceEntry, PriceList, PriceType, PricingContext
from catalog.pricing.packages import DiscountMode, PackageLine, PromotionalPackage
from contracts import catalog as records


def price_list(record: records.PriceList) -> PriceList:
    return PriceList(
        code=record.code, from_date=record.from_date, thru_date=record.thru_date, active=record.active
    )


def _list(code: str | None, lists: Mapping[str, records.PriceList]) -> PriceList | None:
    if code is None:
        return None
    found = lists.get(code)
    # a list the copy does not hold (yet) cannot be valid: an inactive stand-in keeps its entries out
    return price_list(found) if found else PriceList(code=code, from_date=dt.date.max, active=False)


def price_entries(
    entries: Iterable[records.PriceEntry],
    price_types: Mapping[str, records.PriceType],
    price_lists: Mapping[str, records.PriceList],
) -> list[PriceEntry]:
    """Entries whose price type is unknown are left out: they cannot be ranked."""
    return [
        PriceEntry(
            id=e.id,
            product_code=e.product_code,
            price_type=PriceType(code=e.price_type, position=price_types[e.price_type].position),
            price=e.price,
            currency=e.currency,
            from_date=e.from_date,
            thru_date=e.thru_date,
            active=e.active,
            priority=e.priority,
            customer=e.customer,
            ship_to=e.ship_to,
            min_quantity=e.min_quantity,
            max_quantity=e.max_quantity,
            enterprise_company=e.enterprise_company,
            enterprise_company_location=e.enterprise_company_location,
            channel=e.channel,
            price_list=_list(e.price_list, price_lists),
            target_group=e.target_group,
        )
        for e in entries
        if e.price_type in price_types
    ]


def line_discounts(
    discounts: Iterable[records.LineDiscount], price_lists: Mapping[str, records.PriceList]
) -> list[LineDiscountEntry]:
    return [
        LineDiscountEntry(
            id=d.id,
            level=d.level,
            percent=d.percent,
            from_date=d.from_date,
            thru_date=d.thru_date,
            active=d.active,
            priority=d.priority,
            product_code=d.product_code,
            product_group=d.product_group,
            min_quantity=d.min_quantity,
            max_quantity=d.max_quantity,
            customer=d.customer,
            customer_type=d.customer_type,
            channel=d.channel,
            price_list=_list(d.price_list, price_lists),
            target_group=d.target_group,
        )
        for d in discounts
    ]


def group_parents(groups: Iterable[records.ProductGroup]) -> dict[str, str]:
    """Product group -> its parent, for discounts on a group that apply to its subgroups."""
    return {g.code: g.parent for g in groups if g.parent is not None}


def promotional_package(
    package: records.PromotionalPackage,
    products: Mapping[str, records.Product],
    price_lists: Mapping[str, records.PriceList],
) -> PromotionalPackage:
    return PromotionalPackage(
        id=package.id,
        lines=tuple(
            PackageLine(
                product_code=line.product_code,
                quantity=line.quantity,
                product_group=products[line.product_code].product_group
                if line.product_code in products
                else None,
                unit_price=line.unit_price,
                discount=line.discount,
                discount_mode=DiscountMode(line.discount_mode),
            )
            for line in package.lines
        ),
        currency=package.currency,
        from_date=package.from_date,
        thru_date=package.thru_date,
        active=package.active,
        customer=package.customer,
        ship_to=package.ship_to,
        channel=package.channel,
        price_list=_list(package.price_list, price_lists),
        enterprise_company=package.enterprise_company,
        enterprise_company_location=package.enterprise_company_location,
        target_group=package.target_group,
    )


def context(
    customer: records.Customer,
    product: records.Product | None,
    quantity: Decimal,
    on: dt.date,
    *,
    channel: str | None,
    enterprise_company: str | None,
    product_code: str | None = None,
) -> PricingContext:
    """The pricing context of a line ordered by `customer` on a site of `enterprise_company`.

    `channel` is the order's channel (the site channel); the customer's servicing location, type,
    target groups, price list and ship-to come from the customer record.
    """
    return PricingContext(
        product_code=product.code if product else product_code or "",
        quantity=quantity,
        date=on,
        product_group=product.product_group if product else None,
        customer=customer.code,
        ship_to=customer.ship_to or customer.code,
        customer_type=customer.customer_type,
        target_groups=frozenset(customer.target_groups),
        enterprise_company=enterprise_company,
        enterprise_company_location=customer.servicing_location,
        channel=channel,
        price_list=customer.price_list,
    )
