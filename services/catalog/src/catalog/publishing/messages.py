"""An outbox row as a Kafka record on its view's topic: key = natural key, value = the view, or a tombstone.

The value is the view's envelope with the stored record JSON spliced in (it was written by the record's
own contract at apply time, so it is not parsed again here). The envelope's values are UUIDs, integers,
a timestamp and stored JSON, none of which needs escaping, so it is formatted directly: json.dumps and
uuid5 were a third of the relay's time. The message id derives from the revision, so a republished
change carries the same id.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from contracts.catalog import KINDS

# A catalog message id is this prefix and the revision as 12 hex digits: a valid (version 4 layout) UUID,
# unique per change, and the same when a change is published again.
MESSAGE_ID_PREFIX = "6d1b6f0e-4b8e-4c55-9a56-"


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


def message_id(revision: int) -> str:
    return f"{MESSAGE_ID_PREFIX}{revision:012x}"


def _time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def value_of(change: Change) -> bytes | None:
    if change.record is None:
        return None
    view = KINDS[change.kind].view
    causation = "null" if change.causation_id is None else f'"{change.causation_id}"'
    return (
        f'{{"message_id": "{message_id(change.revision)}", "type": "{view.__name__}", '
        f'"schema_version": {view.model_fields["schema_version"].default}, '
        f'"correlation_id": "{change.correlation_id}", "causation_id": {causation}, '
        f'"actor": {change.actor or "null"}, "occurred_at": "{_time(change.occurred_at)}", '
        f'"catalog_revision": {change.revision}, "record": {change.record}}}'
    ).encode()


def headers_of(change: Change) -> list[tuple[str, bytes]]:
    return [
        ("catalog_revision", str(change.revision).encode()),
        ("type", KINDS[change.kind].view.__name__.encode()),
    ]
