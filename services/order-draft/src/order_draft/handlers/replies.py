"""Replies on the wire: the domain's draft as the contracts' Draft (money only for L30+), rejections with
their stable code."""

from __future__ import annotations

import json
from typing import Any

from contracts.envelope import Rejected, reply_envelope
from contracts.order_draft.drafts import Draft as WireDraft
from contracts.order_draft.drafts import DraftLine, DraftPackage, LinePrice
from contracts.order_draft.replies import Accepted
from order_draft.domain.lines import Line
from order_draft.domain.rejections import Rejection
from order_draft.domain.roles import Role, sees_money
from order_draft.domain.state import Draft, DraftStatus


def shows_money(role: Role | None) -> bool:
    return role is not None and sees_money(role)


def wire_draft(draft: Draft, role: Role | None) -> WireDraft:
    return wire_draft_with(draft, shows_money(role))


def wire_draft_with(draft: Draft, money: bool) -> WireDraft:
    totals = draft.totals.net if money else ()
    return WireDraft(
        draft_id=draft.draft_id,
        version=draft.version,
        status=draft.status.value,
        site=draft.site,
        customer=draft.customer,
        supplier=draft.enterprise_company,
        channel=draft.channel.code,
        store=draft.store,
        document_type=draft.document_type,
        document_number=draft.document_number,
        document_date=draft.order_date,
        required_delivery_date=draft.required_delivery_date,
        order_date=None if draft.status is DraftStatus.NEW else draft.order_date,
        notes=draft.notes,
        lines=tuple(_LINES.get(line, money) for line in draft.lines.values()),
        packages=tuple(DraftPackage(package_id=p, count=n) for p, n in draft.packages.items() if n > 0),
        total_amount=totals[0][1] if len(totals) == 1 else None,
        currency=totals[0][0] if len(totals) == 1 else None,
    )


class _LineCache:
    """The wire line of each domain line, by identity: a command changes one line of a draft and its
    reply carries them all, so building (validating) every line again was most of a reply's cost. A
    domain line is immutable, and the cache holds it, so its id is not reused while cached."""

    def __init__(self, capacity: int = 20_000) -> None:
        self.capacity = capacity  # the lines of the drafts in use; a line replaced is dropped in turn
        self._lines: dict[tuple[int, bool], tuple[Line, DraftLine]] = {}

    def get(self, line: Line, money: bool) -> DraftLine:
        hit = self._lines.get((id(line), money))
        if hit is not None and hit[0] is line:
            return hit[1]
        wire = _line(line, money)
        if len(self._lines) >= self.capacity:
            del self._lines[next(iter(self._lines))]  # the oldest
        self._lines[(id(line), money)] = (line, wire)
        return wire


_LINES = _LineCache()


def _line(line: Line, money: bool) -> DraftLine:
    price = line.price
    common: dict[str, Any] = {
        "line_id": line.line_id,
        "product_code": line.product_code,
        "product_name": line.name,
        "unit": line.unit,
        "quantity": line.quantity,
        "package_id": line.package_id,
    }
    if price is None:
        return DraftLine(**common, price_state="no-price")
    if not money:
        return DraftLine(**common, price_state="hidden")
    return DraftLine(
        **common,
        price_state="priced",
        unit_price=price.unit_price,
        discount_percent=price.discount_percent,
        amount=price.amount,
        currency=price.currency,
        price=LinePrice(
            price_entry_id=price.price_entry_id,
            discount_entry_ids={str(d.level): d.entry_id for d in price.discounts},
            catalog_revision=price.revision,
        ),
    )


def accepted(command: Any, draft: Draft, role: Role | None) -> Accepted:
    return Accepted(
        **reply_envelope(command),
        draft_id=draft.draft_id,
        version=draft.version,
        draft=wire_draft(draft, role),
    )


def rejected(command: Any, rejection: Rejection) -> Rejected:
    details = {
        k: v if isinstance(v, str) else json.dumps(v, default=str) for k, v in rejection.details.items()
    }
    return Rejected(
        **reply_envelope(command), code=rejection.code.value, message=rejection.message, details=details
    )


def failed(command: Any, error: Exception) -> Rejected:
    """A command the service could not decide (a bug, logged with its trace): nothing was changed."""
    return Rejected(
        **reply_envelope(command),
        code="PROCESSING_FAILED",
        message="The service could not process this command; nothing was changed. Retrying will not help "
        "until the service is fixed: report the command id.",
        details={"error": type(error).__name__},
    )
