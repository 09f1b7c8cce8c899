"""SetPackageQuantity: N of a promotional package; 0 removes its lines (always possible)."""

from __future__ import annotations

from order_draft.domain.access import Granted
from order_draft.domain.commands import SetPackageQuantity
from order_draft.domain.events import Event, PackageQuantitySet
from order_draft.domain.facts import CatalogFacts
from order_draft.domain.lines import Line
from order_draft.domain.packages import package_lines
from order_draft.domain.pricing import draft_context
from order_draft.domain.rejections import Code, Rejection, reject
from order_draft.domain.state import Draft

Decided = list[Event] | Rejection


def set_package_quantity(
    command: SetPackageQuantity, draft: Draft, facts: CatalogFacts, granted: Granted
) -> Decided:
    """The package's lines for `count` packages replace its current ones, in one event."""
    package_id, count = command.package_id, command.count
    if count < 0:
        return reject(Code.QUANTITY_NOT_POSITIVE, "Enter a package count of 0 or more.", count=count)
    if count == 0:
        on_draft = package_id in draft.packages or draft.package_lines(package_id)
        return [PackageQuantitySet(package_id=package_id, count=0, lines=())] if on_draft else []
    package = facts.package(package_id)
    if package is None:
        message = f"There is no promotional package {package_id}."
        return reject(Code.PACKAGE_UNKNOWN, message, package_id=package_id)
    lines = package_lines(package, count, draft_context(draft, facts, granted.today), facts)
    if isinstance(lines, Rejection):
        return lines
    if draft.packages.get(package_id) == count and _same(draft.package_lines(package_id), lines):
        return []
    return [PackageQuantitySet(package_id=package_id, count=count, lines=lines)]


def _same(current: tuple[Line, ...], new: tuple[Line, ...]) -> bool:
    """Equal but for the catalog revision their prices were read at."""
    return len(current) == len(new) and all(
        (a.line_id, a.product_code, a.quantity) == (b.line_id, b.product_code, b.quantity)
        and (a.price is None if b.price is None else b.price.same_price(a.price))
        for a, b in zip(current, new, strict=True)
    )
