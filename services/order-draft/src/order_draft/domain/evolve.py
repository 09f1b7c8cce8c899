"""evolve: the draft after one event. Total over events; never rejects (events are facts).

An event that does not fit the state (a line event before the draft was opened, a line id it does
not know) leaves the state as it was, but the version still moves: the version is the stream's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from types import MappingProxyType
from typing import assert_never

from order_draft.domain.events import (
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
)
from order_draft.domain.lines import Line
from order_draft.domain.settings import Channel
from order_draft.domain.state import Draft, DraftState, DraftStatus


def evolve(state: DraftState, event: Event) -> DraftState:
    if state is None:
        return _opened(event) if isinstance(event, DraftOpened) else None
    return replace(_apply(state, event), version=state.version + 1)


def fold(state: DraftState, events: Iterable[Event]) -> DraftState:
    """The state after every event, in order."""
    for event in events:
        state = evolve(state, event)
    return state


def _opened(event: DraftOpened) -> Draft:
    return Draft(
        draft_id=event.draft_id,
        status=DraftStatus.NEW,
        document_number=event.document_number,
        document_type=event.document_type,
        site=event.site,
        customer=event.customer,
        enterprise_company=event.enterprise_company,
        channel=Channel(code=event.channel_code, name=event.channel_name),
        store=event.store,
        order_date=event.order_date,
        opened_at=event.opened_at,
        version=1,
    )


def _apply(draft: Draft, event: Event) -> Draft:
    match event:
        case DraftOpened():
            return draft  # a stream is opened once; a second opening changes nothing
        case LineAdded(line=line):
            return _with_lines(draft, {**draft.lines, line.line_id: line})
        case LineQuantityChanged(line_id=line_id, quantity=quantity, price=price):
            return _change_line(draft, line_id, lambda line: replace(line, quantity=quantity, price=price))
        case LineRemoved(line_id=line_id):
            return _with_lines(draft, {key: line for key, line in draft.lines.items() if key != line_id})
        case LineRepriced(line_id=line_id, new_price=price):
            return _change_line(draft, line_id, lambda line: replace(line, price=price))
        case PackageQuantitySet():
            return _set_package(draft, event)
        case NotesSet(notes=notes):
            return replace(draft, notes=notes)
        case RequiredDeliveryDateSet(required_delivery_date=date):
            return replace(draft, required_delivery_date=date)
        case OrderPlaced(order_date=order_date, placed_at=placed_at):
            return replace(draft, status=DraftStatus.SUBMITTED, order_date=order_date, placed_at=placed_at)
        case OrderCancelled():
            return replace(draft, status=DraftStatus.CANCELLED)
        case OrderReleased():
            return replace(draft, status=DraftStatus.RELEASED)
        case _:
            assert_never(event)


def _with_lines(draft: Draft, lines: dict[str, Line]) -> Draft:
    return replace(draft, lines=MappingProxyType(lines))


def _change_line(draft: Draft, line_id: str, change: Callable[[Line], Line]) -> Draft:
    if line_id not in draft.lines:
        return draft
    return _with_lines(
        draft, {key: change(line) if key == line_id else line for key, line in draft.lines.items()}
    )


def _set_package(draft: Draft, event: PackageQuantitySet) -> Draft:
    """The package's lines are replaced in place (kept at their position; new ones go last)."""
    new = {line.line_id: line for line in event.lines}
    lines: dict[str, Line] = {}
    for key, line in draft.lines.items():
        if line.package_id != event.package_id:
            lines[key] = line
        elif key in new:
            lines[key] = new.pop(key)
    packages = {key: count for key, count in draft.packages.items() if key != event.package_id}
    if event.count > 0:
        packages[event.package_id] = event.count
    return replace(_with_lines(draft, {**lines, **new}), packages=MappingProxyType(packages))
