"""The order draft's domain, as a decider: pure functions, no I/O, no clock.

    decision = decide(command, state, facts)      # list[Event] | Rejection
    state = fold(state, events)                    # evolve, event by event

`facts` (`CatalogFacts`) is what the command handler read from its local copies of the catalog (see
`facts_needed`); time and new ids come in with the command. See `decide` for the steps every command
goes through, `repricing` for price drift, and `view.draft_view` for what each role sees.

For the command handler: load the draft's events and `fold` them; fill `CatalogFacts` for the site, the
acting user, the customer they act for and their access row, plus `facts_needed(command, state)` (and
the products of those packages); call `decide`. Append the events (a `Rejection` may carry `events`:
repricing to append even though the command is refused), with the loaded stream version as the
store's expected version. Reply with `draft_view(state, role)`; never show money below L30.
"""

from order_draft.domain.access import FactsMismatch
from order_draft.domain.commands import (
    Actor,
    AddLine,
    CancelOrder,
    Command,
    DraftCommand,
    OpenDraft,
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
from order_draft.domain.decide import Decision, decide
from order_draft.domain.events import (
    EVENT_TYPES,
    DraftOpened,
    Event,
    LineAdded,
    LineQuantityChanged,
    LineRemoved,
    LineRepriced,
    NotesSet,
    OrderCancelled,
    OrderPlaced,
    OrderReleased,
    PackageQuantitySet,
    RequiredDeliveryDateSet,
    UnknownEvent,
    event_from_payload,
)
from order_draft.domain.evolve import evolve, fold
from order_draft.domain.facts import (
    Access,
    CatalogFacts,
    ChannelLink,
    CustomerFacts,
    CustomerProduct,
    DocumentType,
    ProductFacts,
    SiteFacts,
    UserFacts,
)
from order_draft.domain.lines import AppliedDiscount, Line, LinePrice, LineSource, Totals
from order_draft.domain.needs import FactsNeeded, facts_needed
from order_draft.domain.rejections import Code, Rejection
from order_draft.domain.repricing import reprice
from order_draft.domain.roles import Role, sees_money
from order_draft.domain.settings import Channel, SiteSettings, parse_site_settings
from order_draft.domain.state import Draft, DraftState, DraftStatus
from order_draft.domain.view import draft_view

__all__ = [
    "EVENT_TYPES",
    "Access",
    "Actor",
    "AddLine",
    "AppliedDiscount",
    "CancelOrder",
    "CatalogFacts",
    "Channel",
    "ChannelLink",
    "Code",
    "Command",
    "CustomerFacts",
    "CustomerProduct",
    "Decision",
    "DocumentType",
    "Draft",
    "DraftCommand",
    "DraftOpened",
    "DraftState",
    "DraftStatus",
    "Event",
    "FactsMismatch",
    "FactsNeeded",
    "Line",
    "LineAdded",
    "LinePrice",
    "LineQuantityChanged",
    "LineRemoved",
    "LineRepriced",
    "LineSource",
    "NotesSet",
    "OpenDraft",
    "OrderCancelled",
    "OrderPlaced",
    "OrderReleased",
    "PackageQuantitySet",
    "PlaceOrder",
    "ProductFacts",
    "RefreshPrices",
    "Rejection",
    "ReleaseOrder",
    "RemoveLine",
    "RequiredDeliveryDateSet",
    "Role",
    "SetLineQuantity",
    "SetNotes",
    "SetPackageQuantity",
    "SetProductQuantity",
    "SetRequiredDeliveryDate",
    "SiteFacts",
    "SiteSettings",
    "Totals",
    "UnknownEvent",
    "UserFacts",
    "decide",
    "draft_view",
    "event_from_payload",
    "evolve",
    "facts_needed",
    "fold",
    "parse_site_settings",
    "reprice",
    "sees_money",
]
