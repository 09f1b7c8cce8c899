"""An outbox row as a Kafka record on its view's topic: key = natural key, value = the view, or a tombstone.

The value is the view's envelope with the stored record JSON spliced in (it was written by the record's
own contract at apply time, so it is not parsed again here). The message id derives from the revision, so
a republished change carries the same id.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass

from contracts.catalog import KINDS

MESSAGE_IDS = uuid.UUID("6d1b6f0e-4b8e-4c55-9a56-3f1b4c8c2a10")  # namespace of catalog message ids


@dataclass(frozen=True, slots=True)
class Change:
    """A row of `catalog.changes`."""

    revision: int
    kind: str
    key: str
    record: str | None  # JSON text; None = deleted
    correlation_id: uuid.UUID
    causation_id: uuid.UUID | None
    actor: str | None  # JSON text
    occurred_at: dt.datetime


def message_id(revision: int) -> uuid.UUID:
    return uuid.uuid5(MESSAGE_IDS, f"catalog.revision.{revision}")


def _time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def value_of(change: Change) -> bytes | None:
    if change.record is None:
        return None
    view = KINDS[change.kind].view
    head = json.dumps(
        {
            "message_id": str(message_id(change.revision)),
            "type": view.__name__,
            "schema_version": view.model_fields["schema_version"].default,
            "correlation_id": str(change.correlation_id),
            "causation_id": None if change.causation_id is None else str(change.causation_id),
            "occurred_at": _time(change.occurred_at),
            "catalog_revision": change.revision,
        }
    )
    actor = change.actor if change.actor is not None else "null"
    return f'{head[:-1]}, "actor": {actor}, "record": {change.record}}}'.encode()


def headers_of(change: Change) -> list[tuple[str, bytes]]:
    return [
        ("catalog_revision", str(change.revision).encode()),
        ("type", KINDS[change.kind].view.__name__.encode()),
    ]
