"""Commands of the order-draft service, on `order-draft.commands.v1`, keyed by site|customer.

Every command carries the envelope, a `command_id` (idempotency key: a retry reuses it), the actor (the
portal user and the customer they act for; the role is looked up by the service, never taken from here),
the site, and optionally `expected_version` (refused when the draft has moved on).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from contracts.envelope import Command
from contracts.types import Code, Date, Id, Money, Quantity

ListSource = Literal["customer-products", "default-channel", "site-channel"]


class DraftCommand(Command):
    site: Code
    expected_version: int | None = Field(default=None, ge=0, description="refused unless the draft is at it")

    def partition_key(self) -> str:
        """site|customer: one active draft per pair, so its commands stay in order on one partition."""
        return f"{self.site}|{self.actor.customer_id or ''}"


class OpenDraft(DraftCommand):
    """Open New Order: returns the active draft of (customer, site channel), or creates one."""

    type: Literal["OpenDraft"] = "OpenDraft"


class OnDraft(DraftCommand):
    draft_id: Id


class AddLine(OnDraft):
    """Add a product by code (Order tab); a product already on the draft gets its quantity raised."""

    type: Literal["AddLine"] = "AddLine"
    product_code: Code
    quantity: Quantity = Field(gt=0)


class SetProductQuantity(OnDraft):
    """A quantity typed in a list tab: the exact quantity of that product's line (0 removes it)."""

    type: Literal["SetProductQuantity"] = "SetProductQuantity"
    product_code: Code
    quantity: Quantity = Field(ge=0)
    source: ListSource | None = Field(default=None, description="the list tab the product was picked from")


class SetLineQuantity(OnDraft):
    """Edit a line's quantity; 0 removes the line."""

    type: Literal["SetLineQuantity"] = "SetLineQuantity"
    line_id: Code
    quantity: Quantity = Field(ge=0)


class RemoveLine(OnDraft):
    type: Literal["RemoveLine"] = "RemoveLine"
    line_id: Code


class SetNotes(OnDraft):
    """Free text (delivery instructions); null clears it."""

    type: Literal["SetNotes"] = "SetNotes"
    notes: str | None = Field(default=None, max_length=4000)


class SetRequiredDeliveryDate(OnDraft):
    """The date lines are priced on (the context date); null prices on today."""

    type: Literal["SetRequiredDeliveryDate"] = "SetRequiredDeliveryDate"
    required_delivery_date: Date | None = None


class SetPackageQuantity(OnDraft):
    """N of a promotional package: one line per package line; 0 removes them."""

    type: Literal["SetPackageQuantity"] = "SetPackageQuantity"
    package_id: Code
    count: int = Field(ge=0)


class RefreshPrices(OnDraft):
    """Price every line again against the current catalog."""

    type: Literal["RefreshPrices"] = "RefreshPrices"


class PlaceOrder(OnDraft):
    """Submit the draft as the user confirmed it: `expected_version` is the version they saw (required),
    and for roles that see money (L30+) `confirmed_totals` the net totals they saw, per currency. If the
    draft changed since (a price moved), the order is refused with the new state (DRAFT_CHANGED or
    TOTALS_CHANGED): what was shown and what is charged never silently differ."""

    type: Literal["PlaceOrder"] = "PlaceOrder"
    expected_version: int = Field(ge=0, description="the draft version the user confirmed")
    confirmed_totals: dict[Code, Money] | None = Field(
        default=None, description="currency -> net amount the user saw; required for L30 and above"
    )


class CancelOrder(OnDraft):
    """Cancel a submitted order, until the supplier releases it."""

    type: Literal["CancelOrder"] = "CancelOrder"
    reason: str | None = Field(default=None, max_length=1000)


class ReleaseOrder(OnDraft):
    """The supplier releases a submitted order (it can no longer be cancelled)."""

    type: Literal["ReleaseOrder"] = "ReleaseOrder"


OrderDraftCommand = Annotated[
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
    | ReleaseOrder,
    Field(discriminator="type"),
]
