"""Promotional package lines: N of a package gives one line per package line, marked with the package.

Line ids are derived from the package and the package line's position, so setting another count keeps
them. A package line's product group is the package's, else the product's (so group discounts apply).
"""

from __future__ import annotations

from dataclasses import replace

from catalog.pricing import PackageNotAvailable, PricingContext, PromotionalPackage, apply_package
from order_draft.domain.facts import CatalogFacts
from order_draft.domain.lines import Line, LineSource
from order_draft.domain.pricing import line_price
from order_draft.domain.rejections import Code, Rejection, reject


def package_line_id(package_id: str, position: int) -> str:
    return f"package:{package_id}:{position}"


def package_lines(
    package: PromotionalPackage, count: int, base: PricingContext, facts: CatalogFacts
) -> tuple[Line, ...] | Rejection:
    """The lines `count` of the package add, priced; a rejection when it is unavailable or names a
    product the catalog does not know."""
    products = [facts.product(line.product_code) for line in package.lines]
    unknown = [
        line.product_code for line, product in zip(package.lines, products, strict=True) if not product
    ]
    if unknown:
        return reject(
            Code.PRODUCT_UNKNOWN,
            f"Package {package.id} holds products the catalog does not know: {', '.join(unknown)}.",
            package_id=package.id,
            codes=unknown,
        )
    known = [product for product in products if product is not None]
    package = replace(
        package,
        lines=tuple(
            replace(line, product_group=line.product_group or product.product_group)
            for line, product in zip(package.lines, known, strict=True)
        ),
    )
    prices = tuple(price for product in known for price in product.prices)
    priced = apply_package(
        package, count, base, prices, facts.line_discounts, group_parents=facts.group_parents
    )
    if isinstance(priced, PackageNotAvailable):
        return reject(
            Code.PACKAGE_UNAVAILABLE,
            f"Package {package.id} is not available for {priced.on.isoformat()}.",
            package_id=package.id,
            on=priced.on.isoformat(),
        )
    return tuple(
        Line(
            line_id=package_line_id(package.id, position),
            product_code=line.product_code,
            name=product.name,
            unit=product.unit,
            quantity=count * line.quantity,
            source=LineSource.PACKAGE,
            package_id=package.id,
            price=line_price(pricing, facts.revision),
        )
        for position, (line, product, pricing) in enumerate(zip(package.lines, known, priced, strict=True))
    )
