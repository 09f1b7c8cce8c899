"""Promotional packages: when one is available, and the lines that N of it add to an order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from catalog.pricing.amounts import line_amount
from catalog.pricing.conditions import matches, price_list_matches, target_group_matches, valid_on
from catalog.pricing.discounts import NO_PARENTS, resolve_discounts, standard_discount
from catalog.pricing.lines import LinePricing, Provenance
from catalog.pricing.model import LineDiscountEntry, PriceEntry, PriceList, PricingContext
from catalog.pricing.prices import NoPrice, resolve_price


class DiscountMode(StrEnum):
    """How a package line's discount meets the resolved standard discount."""

    ADD = "ADD"  # resolved + package, capped at 100 % (ours)
    CASCADE = "CASCADE"  # 1 - (1 - resolved)(1 - package)
    REPLACE = "REPLACE"  # the package discount alone


@dataclass(frozen=True, kw_only=True, slots=True)
class PackageLine:
    """One product of a package; `unit_price` overrides the resolved price when set.

    `discount` is a fraction (0.10 = 10 %) combined with the resolved discount by `discount_mode`.
    """

    product_code: str
    quantity: Decimal
    product_group: str | None = None
    unit_price: Decimal | None = None
    discount: Decimal = Decimal(0)
    discount_mode: DiscountMode = DiscountMode.ADD


@dataclass(frozen=True, kw_only=True, slots=True)
class PromotionalPackage:
    """A package of lines; `currency` is that of the package lines' own unit prices."""

    id: str
    lines: tuple[PackageLine, ...]
    currency: str
    from_date: dt.date
    thru_date: dt.date | None = None
    active: bool = True
    customer: str | None = None
    ship_to: str | None = None
    channel: str | None = None
    price_list: PriceList | None = None
    enterprise_company: str | None = None
    enterprise_company_location: str | None = None
    target_group: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class PackageNotAvailable:
    """The package is inactive, out of dates, or one of its conditions does not match."""

    package_id: str
    on: dt.date


def package_available(package: PromotionalPackage, ctx: PricingContext) -> bool:
    """Active, valid on the context date, and every optional condition empty or matching."""
    return (
        valid_on(package, ctx.date)
        and matches(package.customer, ctx.customer)
        and matches(package.ship_to, ctx.ship_to)
        and matches(package.channel, ctx.channel)
        and price_list_matches(package.price_list, ctx.price_list, ctx.date)
        and matches(package.enterprise_company, ctx.enterprise_company)
        and matches(package.enterprise_company_location, ctx.enterprise_company_location)
        and target_group_matches(package.target_group, ctx.target_groups)
    )


def combine_discount(resolved: Decimal, package: Decimal, mode: DiscountMode) -> Decimal:
    """The standard discount of a package line (fractions in, fraction out)."""
    if mode is DiscountMode.ADD:
        return min(resolved + package, Decimal(1))
    if mode is DiscountMode.CASCADE:
        return 1 - (1 - resolved) * (1 - package)
    return package


def apply_package(
    package: PromotionalPackage,
    count: int,
    ctx: PricingContext,
    prices: Iterable[PriceEntry],
    discounts: Iterable[LineDiscountEntry],
    *,
    group_parents: Mapping[str, str] = NO_PARENTS,
    custom_discount: Decimal = Decimal(0),
) -> tuple[LinePricing | NoPrice, ...] | PackageNotAvailable:
    """One priced line per package line for `count` packages, each marked with the package id.

    `ctx` is the order's context (its product fields are ignored). A count of 0 yields no lines,
    whatever the package's availability, so a package can always be removed.
    """
    if count < 0:
        raise ValueError("package count must not be negative")
    if count == 0:
        return ()
    if not package_available(package, ctx):
        return PackageNotAvailable(package_id=package.id, on=ctx.date)
    prices, discounts = tuple(prices), tuple(discounts)
    return tuple(
        _price_package_line(package, line, count, ctx, prices, discounts, group_parents, custom_discount)
        for line in package.lines
    )


def _price_package_line(
    package: PromotionalPackage,
    line: PackageLine,
    count: int,
    ctx: PricingContext,
    prices: tuple[PriceEntry, ...],
    discounts: tuple[LineDiscountEntry, ...],
    group_parents: Mapping[str, str],
    custom_discount: Decimal,
) -> LinePricing | NoPrice:
    line_ctx = replace(
        ctx, product_code=line.product_code, product_group=line.product_group, quantity=count * line.quantity
    )
    if line.unit_price is None:
        price = resolve_price(prices, line_ctx)
        if isinstance(price, NoPrice):
            return replace(price, package_id=package.id)
        unit_price, currency, price_entry_id = price.unit_price, price.currency, price.entry_id
    else:
        unit_price, currency, price_entry_id = line.unit_price, package.currency, None
    choices = resolve_discounts(discounts, line_ctx, group_parents=group_parents)
    discount = combine_discount(standard_discount(choices), line.discount, line.discount_mode)
    return LinePricing(
        product_code=line.product_code,
        quantity=line_ctx.quantity,
        unit_price=unit_price,
        currency=currency,
        discount_percent=discount,
        custom_discount=custom_discount,
        amount=line_amount(line_ctx.quantity, unit_price, discount, custom_discount),
        provenance=Provenance(price_entry_id=price_entry_id, discounts=choices, package_id=package.id),
    )
