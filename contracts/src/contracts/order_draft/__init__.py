"""Messages of the order-draft service: commands, replies and the draft view."""

from contracts.envelope import Rejected
from contracts.order_draft.commands import (
    AddLine,
    CancelOrder,
    DraftCommand,
    OpenDraft,
    OrderDraftCommand,
    PlaceOrder,
    RefreshPrices,
    ReleaseOrder,
    RemoveLine,
    SetLineQuantity,
    SetNotes,
    SetPackageQuantity,
    SetProductQuantity,
    SetRequiredDeliveryDate,
)
from contracts.order_draft.drafts import (
    Draft,
    DraftLine,
    DraftPackage,
    DraftView,
    LineAvailability,
    LinePrice,
)
from contracts.order_draft.replies import Accepted, OrderDraftReply

__all__ = [
    "Accepted",
    "AddLine",
    "CancelOrder",
    "Draft",
    "DraftCommand",
    "DraftLine",
    "DraftPackage",
    "DraftView",
    "LineAvailability",
    "LinePrice",
    "OpenDraft",
    "OrderDraftCommand",
    "OrderDraftReply",
    "PlaceOrder",
    "RefreshPrices",
    "Rejected",
    "ReleaseOrder",
    "RemoveLine",
    "SetLineQuantity",
    "SetNotes",
    "SetPackageQuantity",
    "SetProductQuantity",
    "SetRequiredDeliveryDate",
]
