"""Events: JSON payloads that round-trip, the type registry, and evolve being total."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from draft_fixtures import NOW, TODAY
from draft_scenario import OPENED, eur, line

from order_draft.domain import (
    EVENT_TYPES,
    Event,
    LineAdded,
    LineQuantityChanged,
    LineRemoved,
    LineRepriced,
    LineSource,
    NotesSet,
    OrderCancelled,
    OrderPlaced,
    OrderReleased,
    PackageQuantitySet,
    RequiredDeliveryDateSet,
    Totals,
    UnknownEvent,
    event_from_payload,
    evolve,
    fold,
)

PRICE = eur(
    "10.00",
    "27.00",
    "P-A100",
    [(1, "D-TOOLS", "0.10"), (2, "D-X", "0.025")],
    discount_percent=Decimal("0.1225"),
)
SAMPLES: list[Event] = [
    OPENED,
    LineAdded(line=line("L1", "A100", "3", PRICE)),
    LineAdded(line=line("L2", "FREE", "1.5", None)),
    LineQuantityChanged(line_id="L1", quantity=Decimal("4"), price=PRICE),
    LineRemoved(line_id="L1"),
    LineRepriced(line_id="L1", old_price=None, new_price=PRICE, revision=9),
    PackageQuantitySet(
        package_id="PK",
        count=2,
        lines=(
            line(
                "package:PK:1",
                "CC1",
                "2",
                eur("6.00", "12.00", None),
                source=LineSource.PACKAGE,
                package_id="PK",
            ),
        ),
    ),
    NotesSet(notes="Ring twice"),
    NotesSet(notes=None),
    RequiredDeliveryDateSet(required_delivery_date=dt.date(2026, 4, 2)),
    RequiredDeliveryDateSet(required_delivery_date=None),
    OrderPlaced(
        order_date=TODAY,
        placed_at=NOW,
        placed_by="U1",
        totals=Totals((("EUR", Decimal("27.00")),)),
        confirmed_version=4,
    ),
    OrderCancelled(cancelled_at=NOW, cancelled_by="U1"),
    OrderCancelled(cancelled_at=NOW, cancelled_by="U1", reason="ordered twice"),
    OrderReleased(released_at=NOW, released_by="S9"),
]


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__name__)
def test_every_event_round_trips_through_a_json_payload(event: Event) -> None:
    text = json.dumps(event.to_payload())  # JSON-safe: no Decimal, date or datetime objects left
    assert event_from_payload(event.event_type, event.schema_version, json.loads(text)) == event
    assert type(event).from_payload(json.loads(text)) == event


def test_money_travels_as_exact_strings() -> None:
    payload = LineAdded(line=line("L1", "A100", "3", PRICE)).to_payload()
    assert payload["line"]["price"]["amount"] == "27.00"
    assert payload["line"]["price"]["discount_percent"] == "0.1225"


def test_the_registry_names_every_event_type_once() -> None:
    assert set(EVENT_TYPES) == {type(e).__name__ for e in SAMPLES}
    assert all(cls.schema_version == 1 for cls in EVENT_TYPES.values())


def test_an_unknown_type_or_an_old_schema_version_is_refused() -> None:
    with pytest.raises(UnknownEvent):
        event_from_payload("LineExploded", 1, {})
    with pytest.raises(UnknownEvent):
        event_from_payload("LineRemoved", 0, {"line_id": "L1"})


def test_readers_ignore_fields_they_do_not_know() -> None:
    assert LineRemoved.from_payload({"line_id": "L1", "added_later": True}) == LineRemoved(line_id="L1")


@pytest.mark.parametrize("event", SAMPLES[1:], ids=lambda e: type(e).__name__)
def test_evolve_is_total_and_every_event_moves_the_version(event: Event) -> None:
    draft = evolve(fold(None, [OPENED]), event)
    assert draft is not None
    assert draft.version == 2


def test_events_before_the_draft_was_opened_leave_no_draft() -> None:
    assert fold(None, [NotesSet(notes="x"), LineRemoved(line_id="L1")]) is None


def test_an_event_for_a_line_the_draft_does_not_have_changes_no_line() -> None:
    draft = fold(None, [OPENED, LineRepriced(line_id="L9", old_price=None, new_price=PRICE, revision=2)])
    assert draft is not None
    assert (dict(draft.lines), draft.version) == ({}, 2)


def test_a_second_opening_in_a_stream_changes_nothing_but_the_version() -> None:
    draft = fold(None, [OPENED, NotesSet(notes="x")])
    again = evolve(draft, OPENED)
    assert again is not None
    assert draft is not None
    assert (again.notes, again.version) == ("x", 3)
