"""One draft's past: its events (history), its state at a version or time (show), and what changed
between two states (diff). Read-only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from order_draft.cli.ops_common import BadInput
from order_draft.domain import EVENT_TYPES, Role, draft_view, fold
from order_draft.domain.state import Draft
from order_draft.projections.loading import SCHEMA_VERSION
from order_draft.projections.state import draft_from_json
from order_draft.store import EventStore, RecordedEvent


async def events_of(store: EventStore, stream: str) -> list[RecordedEvent]:
    events = await store.read_stream(stream)
    if not events:
        raise BadInput(f"no events in stream {stream!r}: check the draft id (history shows a draft's events)")
    return events


def history_rows(
    events: list[RecordedEvent],
    types: list[str],
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> list[dict[str, Any]]:
    """Every event (in version order) that passes the filters, with who caused it and in which command."""
    rows = []
    for event in events:
        if (types and event.type not in types) or (since and event.recorded_at < since):
            continue
        if until and event.recorded_at > until:
            continue
        meta = event.metadata
        rows.append(
            {
                "version": event.stream_version,
                "recorded_at": event.recorded_at.isoformat(),
                "type": event.type,
                "user_id": meta.get("user_id"),
                "customer_id": meta.get("customer_id"),
                "command_id": meta.get("command_id"),
                "correlation_id": meta.get("correlation_id"),
                "causation_id": meta.get("causation_id"),
                "checkpoint": f"{event.transaction_id}:{event.global_position}",
                "payload": event.payload,
            }
        )
    return rows


def state_at(events: list[RecordedEvent], as_of: int | dt.datetime | None) -> Draft | None:
    """The draft folded from its events up to a version (inclusive) or a time (recorded at or before)."""
    if isinstance(as_of, int):
        if as_of > events[-1].stream_version:
            raise BadInput(f"version {as_of} is past the stream's latest ({events[-1].stream_version})")
        chosen = [e for e in events if e.stream_version <= as_of]
    elif isinstance(as_of, dt.datetime):
        chosen = [e for e in events if e.recorded_at <= as_of]
    else:
        chosen = events
    draft = fold(None, [EVENT_TYPES[e.type].from_payload(e.payload) for e in chosen])
    return draft


async def draft_at(store: EventStore, stream: str, as_of: int | dt.datetime | None) -> Draft | None:
    """`state_at` without folding the whole stream when it need not: from the stream's latest snapshot
    (when of this state schema, and not past the version asked for) plus the events after it. A time is
    answered by the full fold (recorded times need not grow with versions across writers)."""
    snapshot = await store.load_snapshot(stream)
    usable = snapshot is not None and snapshot.schema_version == SCHEMA_VERSION
    if snapshot is None or not usable or isinstance(as_of, dt.datetime):
        return state_at(await events_of(store, stream), as_of)
    if isinstance(as_of, int) and as_of < snapshot.stream_version:
        return state_at(await events_of(store, stream), as_of)
    tail = await store.read_stream(stream, from_version=snapshot.stream_version + 1)
    if isinstance(as_of, int):
        latest = tail[-1].stream_version if tail else snapshot.stream_version
        if as_of > latest:
            raise BadInput(f"version {as_of} is past the stream's latest ({latest})")
        tail = [e for e in tail if e.stream_version <= as_of]
    start = draft_from_json(snapshot.state)
    return fold(start, [EVENT_TYPES[e.type].from_payload(e.payload) for e in tail])


def draft_json(draft: Draft | None) -> dict[str, Any] | None:
    """Everything an operator needs: the owner's view (money and price provenance) plus times."""
    if draft is None:
        return None
    view = draft_view(draft, Role.L90)
    view["opened_at"] = draft.opened_at.isoformat()
    view["placed_at"] = draft.placed_at.isoformat() if draft.placed_at else None
    return view


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """Lines added, removed and changed (field: [before, after]) and every other field that changed."""
    before, after = before or {}, after or {}
    lines_before = {line["line_id"]: line for line in before.get("lines", [])}
    lines_after = {line["line_id"]: line for line in after.get("lines", [])}
    changed_lines = {}
    for line_id in lines_after:
        fields = _changed(lines_before.get(line_id, lines_after[line_id]), lines_after[line_id])
        if fields:
            changed_lines[line_id] = fields
    return {
        "from_version": before.get("version", 0),
        "to_version": after.get("version", 0),
        "lines_added": [lines_after[i] for i in lines_after if i not in lines_before],
        "lines_removed": [lines_before[i] for i in lines_before if i not in lines_after],
        "lines_changed": changed_lines,
        "fields": _changed(
            {k: v for k, v in before.items() if k not in ("lines", "version")},
            {k: v for k, v in after.items() if k not in ("lines", "version")},
        ),
    }


def _changed(a: dict[str, Any], b: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [a.get(key), b.get(key)] for key in sorted(a.keys() | b.keys()) if a.get(key) != b.get(key)}
