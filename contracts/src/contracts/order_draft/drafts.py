"""A draft order as the order-draft service shows it: in an Accepted reply and on `order-draft.drafts.v1`.

Money fields are null for a reader whose role sees no money (L20), and for a line without a price.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from contracts.envelope import Contract, Message
from contracts.types import Code, Date, Id, Items, Money, Percent, Quantity

DraftStatus = Literal["New", "Submitted", "Cancelled", "Released"]
PriceState = Literal["priced", "no-price", "hidden"]
AvailabilityState = Literal["yes", "short", "call"]


class LineAvailability(Contract):
    """ "yes": enough in store (green); "short": only `available` (red); "call": above AvailabilityMax."""

    state: AvailabilityState
    available: Quantity | None = None


class LinePrice(Contract):
    """Where a line's price came from: the entries that won and the catalog revision they were read at."""

    price_entry_id: Code | None = Field(
        default=None, description="null when a package line set the unit price"
    )
    discount_entry_ids: dict[str, Code] = Field(default_factory=dict, description="level -> entry id")
    catalog_revision: int = Field(ge=0)


class DraftLine(Contract):
    line_id: Code
    product_code: Code
    product_name: str | None = None
    unit: Code | None = None
    quantity: Quantity
    price_state: PriceState = "priced"
    unit_price: Money | None = None
    discount_percent: Percent | None = None
    amount: Money | None = None
    currency: str | None = None
    price: LinePrice | None = None
    package_id: Code | None = Field(
        default=None, description="set on lines a package added; not editable alone"
    )
    availability: LineAvailability | None = None


class DraftPackage(Contract):
    package_id: Code
    count: int = Field(ge=1)


class Draft(Contract):
    """One draft order. `channel` is the site channel every order of the site is assigned to."""

    draft_id: Id
    version: int = Field(ge=0, description="raised by every accepted change; expected_version checks it")
    status: DraftStatus
    site: Code
    customer: Code
    supplier: Code | None = Field(default=None, description="the site's enterprise company")
    channel: Code
    store: Code | None = None
    document_type: Code | None = None
    document_number: str | None = None
    document_date: Date
    required_delivery_date: Date | None = None
    order_date: Date | None = Field(default=None, description="set when the order is placed")
    notes: str | None = None
    lines: Items[DraftLine] = ()
    packages: Items[DraftPackage] = ()
    total_amount: Money | None = None
    currency: str | None = None


class DraftView(Message):
    """The latest state of a draft, on the compacted topic `order-draft.drafts.v1` keyed by draft id."""

    type: Literal["DraftView"] = "DraftView"
    draft: Draft
