"""What goes into the event store and what comes out of it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, NamedTuple

import orjson

JSON = dict[str, Any]

# Expected versions besides an exact number (0 = the stream exists with no events is impossible,
# so 0 also means "no stream" when given as a number).
_UNIX_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
NO_STREAM: Final = -1
ANY: Final = -2


class NewEvent(NamedTuple):
    """An event to append. Without an event_id the database assigns a random UUID (cheaper than uuid4()
    in Python when appending thousands per second)."""

    type: str
    payload: JSON
    schema_version: int = 1
    metadata: JSON | None = None
    event_id: uuid.UUID | None = None


class RecordedEvent(NamedTuple):
    """A stored event. A tuple, because reads build hundreds of thousands per second; the metadata and the
    time are decoded when asked for (`metadata`, `recorded_at`), since most readers never look at them."""

    global_position: int
    transaction_id: int
    stream_id: str
    stream_version: int
    event_id: uuid.UUID
    type: str
    schema_version: int
    payload: JSON
    raw_metadata: str
    recorded_us: int  # microseconds since 1970-01-01 UTC; `recorded_at` is the datetime

    @property
    def recorded_at(self) -> datetime:
        """When the event was stored (UTC). Built when asked for: a datetime per row was a quarter of a
        global read's fetch, and most readers never look at it."""
        return _UNIX_EPOCH + timedelta(microseconds=self.recorded_us)

    @property
    def metadata(self) -> JSON:
        parsed: JSON = orjson.loads(self.raw_metadata)
        return parsed

    @property
    def checkpoint(self) -> Checkpoint:
        return Checkpoint(self.transaction_id, self.global_position)


@dataclass(frozen=True, slots=True, order=True)
class Checkpoint:
    """A place in the global order: (writing transaction id, global position)."""

    transaction_id: int = 0
    global_position: int = 0


START: Final = Checkpoint()


@dataclass(frozen=True, slots=True)
class Append:
    """One batch of events for one stream, optionally tied to a command id and its result."""

    stream_id: str
    events: list[NewEvent]
    expected_version: int = ANY
    command_id: str | None = None
    result: JSON | None = None


@dataclass(frozen=True, slots=True)
class AppendResult:
    stream_id: str
    stream_version: int
    result: Any = None  # the stored result of a duplicate; None for a fresh append (the caller has it)
    duplicate: bool = False  # True when the command id had been processed before: nothing was written


class EventStoreError(Exception):
    pass


class WrongExpectedVersion(EventStoreError):
    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        super().__init__(f"stream {stream_id!r}: expected version {expected}, actual {actual}")
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class MalformedEvent(EventStoreError):
    """A stored event that cannot be turned into its current shape; names the event."""

    def __init__(self, stream_id: str, stream_version: int, global_position: int, event_id: object, why: str):
        super().__init__(
            f"event {event_id} (stream {stream_id!r} version {stream_version}, position {global_position}) "
            f"is malformed: {why}"
        )
        self.stream_id = stream_id
        self.stream_version = stream_version
        self.global_position = global_position
