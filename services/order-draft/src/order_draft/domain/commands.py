"""Commands: what a user (or, for ReleaseOrder, the supplier) asks of a draft.

Every command carries its id, the actor (user id and the customer they act for: the role is looked up in
the catalog facts, never read from the message), the site, and `at`: the moment the command was
accepted (timezone-aware; the domain never reads a clock). `expected_version` is optional optimistic
concurrency against the draft as stored. `draft_id` names the draft; `None` means the active draft of
(site, customer), which the handler resolves. New ids come in with the command: OpenDraft carries the
id and document number a new draft gets, and a new line takes the id of the command that adds it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from order_draft.domain.lines import Totals


@dataclass(frozen=True, kw_only=True, slots=True)
class Actor:
    user_id: str
    customer_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class DraftCommand:
    command_id: str
    actor: Actor
    site: str
    at: dt.datetime
    draft_id: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class OpenDraft(DraftCommand):
    """Open New Order: the active draft of (site, customer), or a new one with these ids."""

    new_draft_id: str
    document_number: str


@dataclass(frozen=True, kw_only=True, slots=True)
class AddLine(DraftCommand):
    """A code typed by hand and a quantity; a product already on the draft gets its quantity raised."""

    code: str
    quantity: Decimal


@dataclass(frozen=True, kw_only=True, slots=True)
class SetProductQuantity(DraftCommand):
    """The exact quantity entered for a product in a list tab; 0 removes its line."""

    product_code: str
    quantity: Decimal


@dataclass(frozen=True, kw_only=True, slots=True)
class SetLineQuantity(DraftCommand):
    line_id: str
    quantity: Decimal  # 0 removes the line


@dataclass(frozen=True, kw_only=True, slots=True)
class RemoveLine(DraftCommand):
    line_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class SetNotes(DraftCommand):
    notes: str | None  # empty or None clears them


@dataclass(frozen=True, kw_only=True, slots=True)
class SetRequiredDeliveryDate(DraftCommand):
    required_delivery_date: dt.date | None  # None clears it; it becomes the pricing context date


@dataclass(frozen=True, kw_only=True, slots=True)
class SetPackageQuantity(DraftCommand):
    package_id: str
    count: int  # 0 removes the package's lines


@dataclass(frozen=True, kw_only=True, slots=True)
class RefreshPrices(DraftCommand):
    """Reprice every line against the catalog now (what any other command also does first)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class PlaceOrder(DraftCommand):
    """Place the draft as the user confirmed it: its version and, for L30 and above, its totals."""

    confirmed_version: int
    confirmed_totals: Totals | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CancelOrder(DraftCommand):
    """Cancel a submitted order (until the supplier releases it)."""

    reason: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ReleaseOrder(DraftCommand):
    """The supplier releases a submitted order; the actor is the supplier's staff."""


Command = (
    OpenDraft
    | AddLine
    | SetProductQuantity
    | SetLineQuantity
    | RemoveLine
    | SetNotes
    | SetRequiredDeliveryDate
    | SetPackageQuantity
    | RefreshPrices
    | PlaceOrder
    | CancelOrder
    | ReleaseOrder
)
