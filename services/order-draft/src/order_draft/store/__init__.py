"""The event store on PostgreSQL (asyncpg): see event_store.EventStore."""

from order_draft.store.event_store import EventStore
from order_draft.store.model import (
    ANY,
    NO_STREAM,
    START,
    Append,
    AppendResult,
    Checkpoint,
    EventStoreError,
    MalformedEvent,
    NewEvent,
    RecordedEvent,
    WrongExpectedVersion,
)
from order_draft.store.snapshots import Snapshot
from order_draft.store.subscription import Subscription
from order_draft.store.upcasting import Upcasters

__all__ = [
    "ANY",
    "NO_STREAM",
    "START",
    "Append",
    "AppendResult",
    "Checkpoint",
    "EventStore",
    "EventStoreError",
    "MalformedEvent",
    "NewEvent",
    "RecordedEvent",
    "Snapshot",
    "Subscription",
    "Upcasters",
    "WrongExpectedVersion",
]
