"""The draft's events, and the registry the event store uses to turn (type, payload) back into one.

Each event is a frozen dataclass with `event_type` and `schema_version` (class constants) and
`to_payload()` / `from_payload()` (JSON-safe: Decimal as str, dates ISO). A new schema version of an
event is read through the store's upcasters, so `from_payload` only ever sees the current version.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from order_draft.domain.events.draft import (
    DraftOpened,
    NotesSet,
    OrderCancelled,
    OrderPlaced,
    OrderReleased,
    RequiredDeliveryDateSet,
)
from order_draft.domain.events.lines import (
    LineAdded,
    LineQuantityChanged,
    LineRemoved,
    LineRepriced,
    PackageQuantitySet,
)

Event = (
    DraftOpened
    | LineAdded
    | LineQuantityChanged
    | LineRemoved
    | LineRepriced
    | PackageQuantitySet
    | NotesSet
    | RequiredDeliveryDateSet
    | OrderPlaced
    | OrderCancelled
    | OrderReleased
)

EVENT_TYPES: Mapping[str, type[Event]] = MappingProxyType(
    {
        cls.event_type: cls
        for cls in (
            DraftOpened,
            LineAdded,
            LineQuantityChanged,
            LineRemoved,
            LineRepriced,
            PackageQuantitySet,
            NotesSet,
            RequiredDeliveryDateSet,
            OrderPlaced,
            OrderCancelled,
            OrderReleased,
        )
    }
)


class UnknownEvent(ValueError):
    pass


def event_from_payload(event_type: str, schema_version: int, payload: Mapping[str, Any]) -> Event:
    """The event a stored (type, schema version, payload) stands for; the version must be current."""
    cls = EVENT_TYPES.get(event_type)
    if cls is None:
        raise UnknownEvent(f"unknown event type {event_type!r}")
    if schema_version != cls.schema_version:
        raise UnknownEvent(f"{event_type} v{schema_version} needs an upcaster to v{cls.schema_version}")
    return cls.from_payload(dict(payload))


__all__ = [
    "EVENT_TYPES",
    "DraftOpened",
    "Event",
    "LineAdded",
    "LineQuantityChanged",
    "LineRemoved",
    "LineRepriced",
    "NotesSet",
    "OrderCancelled",
    "OrderPlaced",
    "OrderReleased",
    "PackageQuantitySet",
    "RequiredDeliveryDateSet",
    "UnknownEvent",
    "event_from_payload",
]
