"""evolve: the draft after one event. Total over events; never rejects (events are facts).

An event that does not fit the state (a line event before the draft was opened, a line id it does
not know) leaves the state as it was, but the version still moves: the version is the stream's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
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
from order_draft.domain.frozen import replacer
from order_draft.domain.lines import Line, LinePrice
from order_draft.domain.settings import Channel
from order_draft.domain.state import Draft, DraftState, DraftStatus

_draft = replacer(Draft)
_line = replacer(Line)


def evolve(state: DraftState, event: Event) -> DraftState:
    if state is None:
        return _opened(event) if isinstance(event, DraftOpened) else None
    return _apply(state, event, state.version + 1)


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


def _apply(draft: Draft, event: Event, version: int) -> Draft:
    """The draft after `event`, at `version`: one new Draft per event (a rebuild folds millions)."""
    match event:
        case DraftOpened():
            return _draft(draft, version=version)  # a stream is opened once; a second opening changes nothing
        case LineAdded(line=line):
            lines = _copy(draft.lines)
            lines[line.line_id] = line
            return _draft(draft, version=version, lines=MappingProxyType(lines))
        case LineQuantityChanged(line_id=line_id, quantity=quantity, price=price):
            return _change_line(draft, version, line_id, quantity, price)
        case LineRemoved(line_id=line_id):
            lines = _copy(draft.lines)
            lines.pop(line_id, None)
            return _draft(draft, version=version, lines=MappingProxyType(lines))
        case LineRepriced(line_id=line_id, new_price=price):
            return _change_line(draft, version, line_id, None, price)
        case PackageQuantitySet():
            return _set_package(draft, version, event)
        case NotesSet(notes=notes):
            return _draft(draft, version=version, notes=notes)
        case RequiredDeliveryDateSet(required_delivery_date=date):
            return _draft(draft, version=version, required_delivery_date=date)
        case OrderPlaced(order_date=order_date, placed_at=placed_at):
            status = DraftStatus.SUBMITTED
            return _draft(draft, version=version, status=status, order_date=order_date, placed_at=placed_at)
        case OrderCancelled():
            return _draft(draft, version=version, status=DraftStatus.CANCELLED)
        case OrderReleased():
            return _draft(draft, version=version, status=DraftStatus.RELEASED)
        case _:
            assert_never(event)


def _copy(lines: Mapping[str, Line]) -> dict[str, Line]:
    # The draft's own lines are a proxy of a dict: its copy() is the dict's (C speed, order kept).
    return lines.copy() if type(lines) is MappingProxyType else dict(lines)


def _change_line(
    draft: Draft, version: int, line_id: str, quantity: Decimal | None, price: LinePrice | None
) -> Draft:
    """The line with a new price (and quantity, unless None), in its place; an unknown line: no change."""
    line = draft.lines.get(line_id)
    if line is None:
        return _draft(draft, version=version)
    lines = _copy(draft.lines)
    lines[line_id] = (
        _line(line, price=price) if quantity is None else _line(line, quantity=quantity, price=price)
    )
    return _draft(draft, version=version, lines=MappingProxyType(lines))


def _set_package(draft: Draft, version: int, event: PackageQuantitySet) -> Draft:
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
    return _draft(
        draft,
        version=version,
        lines=MappingProxyType({**lines, **new}),
        packages=MappingProxyType(packages),
    )
