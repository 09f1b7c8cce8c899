"""The draft as a user sees it: JSON-safe, and without money for a role below L30."""

from __future__ import annotations

from typing import Any

from order_draft.domain.lines import Line
from order_draft.domain.quantities import plain
from order_draft.domain.roles import Role, sees_money
from order_draft.domain.state import Draft


def draft_view(draft: Draft, role: Role) -> dict[str, Any]:
    """Every field of the draft; unit price, discount, amount, provenance and totals only for L30+.

    Whether a line has a price is no money, so every role sees `priced` (it explains a refused order).
    """
    money = sees_money(role)
    view: dict[str, Any] = {
        "draft_id": draft.draft_id,
        "status": draft.status.value,
        "version": draft.version,
        "document_number": draft.document_number,
        "document_type": draft.document_type,
        "site": draft.site,
        "customer": draft.customer,
        "enterprise_company": draft.enterprise_company,
        "channel": {"code": draft.channel.code, "name": draft.channel.name},
        "store": draft.store,
        "order_date": draft.order_date.isoformat(),
        "required_delivery_date": _iso(draft.required_delivery_date),
        "notes": draft.notes,
        "packages": dict(draft.packages),
        "lines": [_line(line, money) for line in draft.lines.values()],
    }
    if money:
        view["totals"] = draft.totals.to_payload()
    return view


def _line(line: Line, money: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "line_id": line.line_id,
        "product_code": line.product_code,
        "name": line.name,
        "unit": line.unit,
        "quantity": plain(line.quantity),
        "source": line.source.value,
        "package_id": line.package_id,
        "priced": line.price is not None,
    }
    if money and line.price is not None:
        price = line.price
        view |= {
            "unit_price": plain(price.unit_price),
            "currency": price.currency,
            "discount_percent": plain(price.discount_percent),
            "amount": plain(price.amount),
            "price_entry_id": price.price_entry_id,
            "discount_entries": {str(d.level): d.entry_id for d in price.discounts},
            "catalog_revision": price.revision,
        }
    return view


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())
