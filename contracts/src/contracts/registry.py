"""Which message travels on which topic, and who sends and receives it: the input of the generator."""

from __future__ import annotations

from dataclasses import dataclass

from contracts import topics
from contracts.catalog import commands as catalog_commands
from contracts.catalog.kinds import KINDS
from contracts.dead_letter import DeadLetter
from contracts.envelope import Message, Rejected
from contracts.order_draft import commands as draft_commands
from contracts.order_draft import queries as draft_queries
from contracts.order_draft.drafts import DraftView
from contracts.order_draft.replies import Accepted


@dataclass(frozen=True)
class Channel:
    address: str
    messages: tuple[type[Message], ...]
    description: str
    compacted: bool = False


@dataclass(frozen=True)
class Service:
    name: str
    description: str
    sends: tuple[Channel, ...]
    receives: tuple[Channel, ...]


ORDER_DRAFT_COMMAND_TYPES: tuple[type[Message], ...] = (
    draft_commands.OpenDraft,
    draft_commands.AddLine,
    draft_commands.SetProductQuantity,
    draft_commands.SetLineQuantity,
    draft_commands.RemoveLine,
    draft_commands.SetNotes,
    draft_commands.SetRequiredDeliveryDate,
    draft_commands.SetPackageQuantity,
    draft_commands.RefreshPrices,
    draft_commands.PlaceOrder,
    draft_commands.CancelOrder,
    draft_commands.ReleaseOrder,
)
ORDER_DRAFT_QUERY_TYPES: tuple[type[Message], ...] = (
    draft_queries.GetDraft,
    draft_queries.GetOrders,
    draft_queries.GetScreen,
)
CATALOG_COMMAND_TYPES: tuple[type[Message], ...] = (
    catalog_commands.UpsertRecord,
    catalog_commands.DeactivateRecord,
    catalog_commands.DeleteRecord,
)

CATALOG_VIEWS = tuple(
    Channel(kind.topic, (kind.view,), f"{kind.name} records, keyed by natural key", compacted=True)
    for kind in KINDS.values()
)
CATALOG_COMMANDS = Channel(topics.CATALOG_COMMANDS, CATALOG_COMMAND_TYPES, "admin commands")
CATALOG_REPLIES = Channel(
    topics.CATALOG_REPLIES, (catalog_commands.CatalogAccepted, Rejected), "one reply per admin command"
)
CATALOG_DLQ = Channel(topics.CATALOG_COMMANDS_DLQ, (DeadLetter,), "admin commands that could not be handled")
DRAFT_COMMANDS = Channel(
    topics.ORDER_DRAFT_COMMANDS, ORDER_DRAFT_COMMAND_TYPES, "commands, key site|customer"
)
DRAFT_REPLIES = Channel(topics.ORDER_DRAFT_REPLIES, (Accepted, Rejected), "one reply per command")
DRAFT_DLQ = Channel(topics.ORDER_DRAFT_COMMANDS_DLQ, (DeadLetter,), "commands that could not be handled")
DRAFT_QUERIES = Channel(
    topics.ORDER_DRAFT_QUERIES, ORDER_DRAFT_QUERY_TYPES, "read-side queries; the actor is the caller"
)
DRAFT_QUERY_REPLIES = Channel(
    topics.ORDER_DRAFT_QUERY_REPLIES,
    (draft_queries.QueryResult, draft_queries.QueryFailed),
    "one reply per query (or on its reply_to)",
)
DRAFTS = Channel(topics.ORDER_DRAFT_DRAFTS, (DraftView,), "the latest draft per draft id", compacted=True)

SERVICES: tuple[Service, ...] = (
    Service(
        "catalog",
        "Customers, products, channels, prices: loaded from files and admin commands, published as views.",
        sends=(*CATALOG_VIEWS, CATALOG_REPLIES, CATALOG_DLQ),
        receives=(CATALOG_COMMANDS,),
    ),
    Service(
        "order-draft",
        "Draft orders, event-sourced: commands and queries in, replies and drafts out; reads catalog views.",
        sends=(DRAFT_REPLIES, DRAFTS, DRAFT_DLQ, DRAFT_QUERY_REPLIES),
        receives=(DRAFT_COMMANDS, DRAFT_QUERIES, *CATALOG_VIEWS),
    ),
)


def all_messages() -> list[type[Message]]:
    """Every message type, once, in a stable order."""
    found: dict[str, type[Message]] = {}
    for service in SERVICES:
        for channel in (*service.sends, *service.receives):
            for message in channel.messages:
                found.setdefault(message.__name__, message)
    return list(found.values())
