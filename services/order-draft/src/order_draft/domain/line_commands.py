"""AddLine, SetProductQuantity, SetLineQuantity and RemoveLine.

A product has at most one line of its own (package lines are separate and locked). A new line takes the
id of the command that adds it. Every quantity change re-prices the line, since price entries and
discounts may have quantity bounds.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from catalog.pricing import context_date
from order_draft.domain.access import Granted
from order_draft.domain.catalog_lists import Orderable, resolve_code
from order_draft.domain.commands import AddLine, RemoveLine, SetLineQuantity, SetProductQuantity
from order_draft.domain.events import Event, LineAdded, LineQuantityChanged, LineRemoved
from order_draft.domain.facts import CatalogFacts
from order_draft.domain.lines import Line
from order_draft.domain.pricing import draft_context, price_product
from order_draft.domain.quantities import QuantityRule, plain, quantity_rule
from order_draft.domain.rejections import Code, Rejection, reject
from order_draft.domain.state import Draft

Decided = list[Event] | Rejection


def add_line(command: AddLine, draft: Draft, facts: CatalogFacts, granted: Granted) -> Decided:
    """A code typed by hand; a product already on the draft gets its quantity raised by `quantity`."""
    if command.quantity <= 0:
        return _not_positive(command.quantity)
    found = resolve_code(command.code, facts, granted.settings, _on(draft, granted))
    if isinstance(found, Rejection):
        return found
    line = draft.product_line(found.product.code)
    already = line.quantity if line is not None else Decimal(0)
    problem = _rule(found, facts, draft, granted).problem(command.quantity, already)
    if problem is not None:
        return problem
    return _put(command.command_id, found, already + command.quantity, draft, facts, granted)


def set_product_quantity(
    command: SetProductQuantity, draft: Draft, facts: CatalogFacts, granted: Granted
) -> Decided:
    """The exact quantity entered in a list tab: adds, changes, or (0) removes the product's line."""
    line = draft.product_line(command.product_code)
    if command.quantity < 0:
        return _not_positive(command.quantity)
    if command.quantity == 0:
        return [LineRemoved(line_id=line.line_id)] if line is not None else []
    found = resolve_code(command.product_code, facts, granted.settings, _on(draft, granted))
    if isinstance(found, Rejection):
        return found
    problem = _rule(found, facts, draft, granted).problem(command.quantity)
    if problem is not None:
        return problem
    return _put(command.command_id, found, command.quantity, draft, facts, granted)


def set_line_quantity(
    command: SetLineQuantity, draft: Draft, facts: CatalogFacts, granted: Granted
) -> Decided:
    """A line's new quantity; 0 removes it. The rules are checked against today's catalog facts."""
    line = _own_line(draft, command.line_id)
    if isinstance(line, Rejection):
        return line
    if command.quantity < 0:
        return _not_positive(command.quantity)
    if command.quantity == 0:
        return [LineRemoved(line_id=line.line_id)]
    if command.quantity == line.quantity:
        return []
    product = facts.product(line.product_code)
    rule = quantity_rule(product, facts, granted.settings, _on(draft, granted))
    problem = rule.problem(command.quantity)
    if problem is not None:
        return problem
    base = draft_context(draft, facts, granted.today)
    price = price_product(product, line.product_code, command.quantity, base, facts, current=line.price)
    return [LineQuantityChanged(line_id=line.line_id, quantity=command.quantity, price=price)]


def remove_line(command: RemoveLine, draft: Draft, facts: CatalogFacts, granted: Granted) -> Decided:
    line = _own_line(draft, command.line_id)
    return line if isinstance(line, Rejection) else [LineRemoved(line_id=line.line_id)]


def _put(
    line_id: str, found: Orderable, quantity: Decimal, draft: Draft, facts: CatalogFacts, granted: Granted
) -> Decided:
    """The product's line at `quantity`: a new line, a changed one, or nothing when it already is."""
    product, line = found.product, draft.product_line(found.product.code)
    if line is not None and line.quantity == quantity:
        return []
    current = line.price if line is not None else None
    base = draft_context(draft, facts, granted.today)
    price = price_product(product, product.code, quantity, base, facts, current=current)
    if line is not None:
        return [LineQuantityChanged(line_id=line.line_id, quantity=quantity, price=price)]
    new = Line(
        line_id=line_id,
        product_code=product.code,
        name=product.name,
        unit=product.unit,
        quantity=quantity,
        source=found.source,
        price=price,
    )
    return [LineAdded(line=new)]


def _own_line(draft: Draft, line_id: str) -> Line | Rejection:
    line = draft.lines.get(line_id)
    if line is None:
        return reject(
            Code.LINE_UNKNOWN, f"The draft has no line {line_id}. Reload the draft.", line_id=line_id
        )
    if line.package_id is not None:
        return reject(
            Code.PACKAGE_LINE_LOCKED,
            f"Line {line_id} belongs to package {line.package_id}; change the package's count instead.",
            line_id=line_id,
            package_id=line.package_id,
        )
    return line


def _rule(found: Orderable, facts: CatalogFacts, draft: Draft, granted: Granted) -> QuantityRule:
    return quantity_rule(found.product, facts, granted.settings, _on(draft, granted))


def _on(draft: Draft, granted: Granted) -> dt.date:
    """The context date: lists and rules are read as of the day the order is priced for."""
    return context_date(draft.required_delivery_date, granted.today)


def _not_positive(quantity: Decimal) -> Rejection:
    return reject(Code.QUANTITY_NOT_POSITIVE, "Enter a quantity above 0.", quantity=plain(quantity))
