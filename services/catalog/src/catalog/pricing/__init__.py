"""The catalog's pricing engine: prices, line discounts, amounts and promotional packages.

Pure functions over frozen values: no I/O, no clock (the caller passes the context date).
Money and quantities are `Decimal`; every discount percent is a fraction (`Decimal("0.10")` = 10 %).
"""

from catalog.pricing.amounts import line_amount
from catalog.pricing.context import context_date, site_today
from catalog.pricing.discounts import (
    DiscountChoice,
    cascade,
    discount_applies,
    resolve_discount,
    resolve_discounts,
    standard_discount,
)
from catalog.pricing.lines import LinePricing, Provenance, price_line
from catalog.pricing.model import LineDiscountEntry, PriceEntry, PriceList, PriceType, PricingContext
from catalog.pricing.packages import (
    DiscountMode,
    PackageLine,
    PackageNotAvailable,
    PromotionalPackage,
    apply_package,
    combine_discount,
    package_available,
)
from catalog.pricing.prices import NoPrice, PriceChoice, price_applies, resolve_price

__all__ = [
    "DiscountChoice",
    "DiscountMode",
    "LineDiscountEntry",
    "LinePricing",
    "NoPrice",
    "PackageLine",
    "PackageNotAvailable",
    "PriceChoice",
    "PriceEntry",
    "PriceList",
    "PriceType",
    "PricingContext",
    "PromotionalPackage",
    "Provenance",
    "apply_package",
    "cascade",
    "combine_discount",
    "context_date",
    "discount_applies",
    "line_amount",
    "package_available",
    "price_applies",
    "price_line",
    "resolve_discount",
    "resolve_discounts",
    "resolve_price",
    "site_today",
    "standard_discount",
]
