"""Price drift: reprice every line of an active draft against the catalog facts of this command.

Every command runs `reprice` before it decides, and again after (a new required delivery date moves the
context date), so a catalog change shows up as `LineRepriced` events and the draft's version moves:
nobody is charged a price they were not shown. A line whose price stayed the same (only the catalog
revision moved) is left alone. A package line whose package is gone, unavailable, or redefined loses
its price: PlaceOrder then asks the user to set the package again.
"""

from __future__ import annotations

import datetime as dt

from order_draft.domain.events import LineRepriced
from order_draft.domain.facts import CatalogFacts
from order_draft.domain.lines import Line, LinePrice
from order_draft.domain.packages import package_lines
from order_draft.domain.pricing import draft_context, price_product
from order_draft.domain.state import Draft, DraftState


def reprice(state: DraftState, facts: CatalogFacts, today: dt.date) -> list[LineRepriced]:
    """The repricing the catalog facts call for; none for a draft that is no longer New."""
    if state is None or not state.is_active:
        return []
    new_prices = _package_prices(state, facts, today)
    base = draft_context(state, facts, today)
    events = []
    for line in state.lines.values():
        if line.package_id is None:
            product = facts.product(line.product_code)
            new = price_product(product, line.product_code, line.quantity, base, facts, current=line.price)
        else:
            new = new_prices.get(line.line_id)
        if _changed(line.price, new):
            events.append(
                LineRepriced(
                    line_id=line.line_id, old_price=line.price, new_price=new, revision=facts.revision
                )
            )
    return events


def _changed(old: LinePrice | None, new: LinePrice | None) -> bool:
    if new is None:
        return old is not None
    return not new.same_price(old)


def _package_prices(draft: Draft, facts: CatalogFacts, today: dt.date) -> dict[str, LinePrice | None]:
    """The new price of every package line that is still what its package says it is."""
    prices: dict[str, LinePrice | None] = {}
    base = draft_context(draft, facts, today)
    for package_id, count in draft.packages.items():
        package = facts.package(package_id)
        lines = package_lines(package, count, base, facts) if package is not None else ()
        if isinstance(lines, tuple):
            fresh = {line.line_id: line for line in lines}
            for line in draft.package_lines(package_id):
                prices[line.line_id] = _same_line_price(line, fresh.get(line.line_id))
    return prices


def _same_line_price(line: Line, fresh: Line | None) -> LinePrice | None:
    if fresh is None or (fresh.product_code, fresh.quantity) != (line.product_code, line.quantity):
        return None
    return fresh.price
