"""Commands as they arrive (contracts, on Kafka) to the domain's commands.

The envelope stays at the edge: the domain gets ids as strings, the time the command was accepted, and
for OpenDraft the id and document number a new draft would get (ids come in; the domain draws none).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from contracts.order_draft import commands as wire
from order_draft import domain
from order_draft.domain.lines import Totals


def to_domain(command: Any, at: dt.datetime, *, new_draft_id: str = "", document_number: str = "") -> Any:
    """The domain command for `command`; `draft_id` None for OpenDraft (the handler resolves it)."""
    base: dict[str, Any] = {
        "command_id": str(command.command_id),
        "actor": domain.Actor(
            user_id=command.actor.user_id or "", customer_id=command.actor.customer_id or ""
        ),
        "site": command.site,
        "at": at,
        "expected_version": command.expected_version,
    }
    match command:
        case wire.OpenDraft():
            return domain.OpenDraft(**base, new_draft_id=new_draft_id, document_number=document_number)
        case wire.AddLine():
            return domain.AddLine(**_on(base, command), code=command.product_code, quantity=command.quantity)
        case wire.SetProductQuantity():
            return domain.SetProductQuantity(
                **_on(base, command), product_code=command.product_code, quantity=command.quantity
            )
        case wire.SetLineQuantity():
            return domain.SetLineQuantity(
                **_on(base, command), line_id=command.line_id, quantity=command.quantity
            )
        case wire.RemoveLine():
            return domain.RemoveLine(**_on(base, command), line_id=command.line_id)
        case wire.SetNotes():
            return domain.SetNotes(**_on(base, command), notes=command.notes)
        case wire.SetRequiredDeliveryDate():
            return domain.SetRequiredDeliveryDate(
                **_on(base, command), required_delivery_date=command.required_delivery_date
            )
        case wire.SetPackageQuantity():
            return domain.SetPackageQuantity(
                **_on(base, command), package_id=command.package_id, count=command.count
            )
        case wire.RefreshPrices():
            return domain.RefreshPrices(**_on(base, command))
        case wire.PlaceOrder():
            totals = None
            if command.confirmed_totals is not None:
                totals = Totals(tuple((c, Decimal(a)) for c, a in command.confirmed_totals.items()))
            return domain.PlaceOrder(
                **_on(base, command, expected=None),
                confirmed_version=command.expected_version,
                confirmed_totals=totals,
            )
        case wire.CancelOrder():
            return domain.CancelOrder(**_on(base, command), reason=command.reason)
        case wire.ReleaseOrder():
            return domain.ReleaseOrder(**_on(base, command))
    raise TypeError(f"no domain command for {type(command).__name__}")


def _on(base: dict[str, Any], command: Any, **override: Any) -> dict[str, Any]:
    """A command on a named draft. PlaceOrder's confirmed version is checked by the domain's own rule
    (DRAFT_CHANGED with the new state), not as a plain expected-version conflict."""
    named = {**base, "draft_id": str(command.draft_id)}
    if "expected" in override:
        named["expected_version"] = override["expected"]
    return named
