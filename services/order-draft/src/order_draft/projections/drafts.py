"""The drafts read model: each draft's latest state in `draft_rows`, kept by an exactly-once subscription.

Lines live inside the row's `state` JSON rather than in a `draft_lines` table: every query reads a draft
whole (the screen, a draft, the orders list), every event rewrites the draft whole, and a draft holds at
most a few hundred lines; so one row per draft is one write per event and one read per query, where a
lines table would cost a delete-and-insert of every line per event and a join per read. The columns
beside `state` are the ones the queries filter and sort on.

A page of events is applied with one read of the rows it touches and one upsert: the stored state is
enough to apply the next event (no stream re-read). An event at or below a row's `version` is skipped, so
applying a page twice changes nothing (a rebuild hands over with this).

The running projection also keeps the drafts it wrote in memory (`LatestDrafts`) and reads only the
touched rows' versions: a row still at the version remembered is that very state (a draft's state at a
version is a pure fold of its events), so its JSON need not be parsed again. Parsing the rows back was
a third of the read process's CPU under load. A remembered state is trusted only when the row says so:
a rolled-back page, a rebuild's hand-over or another writer leaves the row at another version, and the
row is then parsed as before. The drafts relay looks its drafts up in the same memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import asyncpg
import orjson

from order_draft.domain import EVENT_TYPES, evolve
from order_draft.domain.state import Draft, DraftStatus
from order_draft.projections.state import draft_from_json, draft_to_json
from order_draft.store import EventStore, RecordedEvent, Subscription

DRAFT_ROWS = "draft_rows"
SUBSCRIPTION = "projection:drafts"
STREAM_PREFIX = "draft-"
# Per event type, its reader: a plain dict of bound methods (a rebuild looks one up per event).
_FROM_PAYLOAD = {event_type: cls.from_payload for event_type, cls in EVENT_TYPES.items()}
COLUMNS = (
    "draft_id, site, customer, status, document_number, document_type, document_date, order_date, "
    "version, notes, required_delivery_date, totals, updated_at, state"
)


@dataclass(slots=True)
class Projected:
    """One draft in the read model: the last stream version applied and the state after it."""

    version: int
    draft: Draft | None
    updated_at: dt.datetime | None = None


def draft_id_of(stream_id: str) -> str | None:
    return stream_id[len(STREAM_PREFIX) :] if stream_id.startswith(STREAM_PREFIX) else None


def apply_events(projected: dict[str, Projected], events: Iterable[RecordedEvent]) -> set[str]:
    """Fold the drafts' events into `projected` (missing drafts start empty); returns the ids changed."""
    changed: set[str] = set()
    from_payload, start = _FROM_PAYLOAD, len(STREAM_PREFIX)
    for event in events:
        stream_id = event.stream_id
        if not stream_id.startswith(STREAM_PREFIX):
            continue
        draft_id = stream_id[start:]
        row = projected.get(draft_id)
        if row is None:
            row = projected[draft_id] = Projected(0, None)
        version = event.stream_version
        if version <= row.version:
            continue  # applied before
        row.draft = evolve(row.draft, from_payload[event.type](event.payload))
        row.version, row.updated_at = version, event.recorded_at
        changed.add(draft_id)
    return changed


def row_values(draft_id: str, row: Projected) -> tuple[object, ...]:
    draft = row.draft
    assert draft is not None
    return (
        draft_id,
        draft.site,
        draft.customer,
        draft.status.value,
        draft.document_number,
        draft.document_type,
        draft.order_date,
        None if draft.status is DraftStatus.NEW else draft.order_date,
        row.version,
        draft.notes,
        draft.required_delivery_date,
        orjson.dumps(draft.totals.to_payload()).decode(),
        row.updated_at,
        orjson.dumps(draft_to_json(draft)).decode(),
    )


class LatestDrafts:
    """The last state the projection wrote per draft, by version; bounded (the oldest go first)."""

    def __init__(self, capacity: int = 20_000) -> None:
        self.capacity = capacity
        self._rows: dict[str, Projected] = {}

    def get(self, draft_id: str, version: int) -> Projected | None:
        """The state remembered for `draft_id` if it is at exactly `version` (a copy: callers fold on it)."""
        row = self._rows.get(draft_id)
        if row is None or row.version != version:
            return None
        return Projected(row.version, row.draft, row.updated_at)

    def remember(self, rows: dict[str, Projected]) -> None:
        for draft_id, row in rows.items():
            self._rows.pop(draft_id, None)  # to the end: the most recently written go last
            self._rows[draft_id] = Projected(row.version, row.draft, row.updated_at)
        while len(self._rows) > self.capacity:
            del self._rows[next(iter(self._rows))]


async def load_rows(conn: asyncpg.Connection, table: str, draft_ids: list[str]) -> dict[str, Projected]:
    rows = await conn.fetch(
        f"SELECT draft_id, version, updated_at, state FROM {table} WHERE draft_id = ANY($1::text[])",
        draft_ids,
    )
    return {r[0]: Projected(r[1], draft_from_json(orjson.loads(r[3])), r[2]) for r in rows}


async def save_rows(conn: asyncpg.Connection, table: str, rows: dict[str, Projected]) -> None:
    values = [row_values(draft_id, row) for draft_id, row in rows.items() if row.draft is not None]
    if not values:
        return
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS.split(", ")[1:])
    await conn.executemany(
        f"INSERT INTO {table} ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
        f"$12::jsonb, $13, $14::jsonb) ON CONFLICT (draft_id) DO UPDATE SET {updates}",
        values,
    )


async def load_remembered(
    conn: asyncpg.Connection, table: str, draft_ids: list[str], latest: LatestDrafts
) -> dict[str, Projected]:
    """The rows of `draft_ids`: from memory where the row is at the version remembered, else parsed."""
    versions = await conn.fetch(
        f"SELECT draft_id, version FROM {table} WHERE draft_id = ANY($1::text[])", draft_ids
    )
    projected: dict[str, Projected] = {}
    missing = []
    for draft_id, version in versions:
        row = latest.get(draft_id, version)
        if row is None:
            missing.append(draft_id)
        else:
            projected[draft_id] = row
    if missing:
        projected.update(await load_rows(conn, table, missing))
    return projected


async def project(
    events: list[RecordedEvent],
    conn: asyncpg.Connection,
    table: str = DRAFT_ROWS,
    latest: LatestDrafts | None = None,
) -> None:
    """Apply a page of events to `table` on `conn` (inside the subscription's transaction)."""
    ids = sorted({d for e in events if (d := draft_id_of(e.stream_id)) is not None})
    if not ids:
        return
    if latest is None:
        projected = await load_rows(conn, table, ids)
    else:
        projected = await load_remembered(conn, table, ids, latest)
    changed = apply_events(projected, events)
    written = {d: projected[d] for d in changed}
    await save_rows(conn, table, written)
    if latest is not None:
        latest.remember(written)  # trusted later only where the row shows the same version


def drafts_subscription(
    store: EventStore, settle: float = 0.0, latest: LatestDrafts | None = None
) -> Subscription:
    """The running projection: follows the log into `draft_rows`, exactly once; with `latest`, it keeps
    the drafts it writes in memory (and shares them with the drafts relay)."""

    async def in_transaction(events: list[RecordedEvent], conn: asyncpg.Connection) -> None:
        await project(events, conn, DRAFT_ROWS, latest)

    return Subscription(store, SUBSCRIPTION, in_transaction=in_transaction, poll_interval=0.5, settle=settle)
