"""The read model's queries (one statement each) and the draft as of a version or a time (from the log)."""

from __future__ import annotations

import datetime as dt

import asyncpg
import orjson

from order_draft.domain import EVENT_TYPES, fold
from order_draft.domain.state import Draft
from order_draft.handlers.drafts import stream_of
from order_draft.projections.state import draft_from_json
from order_draft.store import EventStore


async def draft(pool: asyncpg.Pool, draft_id: str) -> Draft | None:
    state = await pool.fetchval("SELECT state FROM draft_rows WHERE draft_id = $1", draft_id)
    return None if state is None else draft_from_json(orjson.loads(state))


async def active_draft(pool: asyncpg.Pool, site: str, customer: str) -> Draft | None:
    """The active draft of (site, customer), once the projection holds it."""
    state = await pool.fetchval(
        "SELECT r.state FROM active_drafts a JOIN draft_rows r USING (draft_id) "
        "WHERE a.site = $1 AND a.customer = $2",
        site,
        customer,
    )
    return None if state is None else draft_from_json(orjson.loads(state))


async def orders(
    pool: asyncpg.Pool, site: str, customer: str, since: dt.date | None, document_types: list[str] | None
) -> list[Draft]:
    """The customer's orders on the site, newest first: from `since` on, of these types (None: all)."""
    rows = await pool.fetch(
        "SELECT state FROM draft_rows WHERE customer = $1 AND site = $2 "
        "AND ($3::date IS NULL OR document_date >= $3) "
        "AND ($4::text[] IS NULL OR document_type = ANY($4::text[])) "
        "ORDER BY document_date DESC, document_number DESC",
        customer,
        site,
        since,
        document_types,
    )
    return [draft_from_json(orjson.loads(r[0])) for r in rows]


async def draft_as_of(
    store: EventStore, draft_id: str, *, version: int | None = None, at: dt.datetime | None = None
) -> Draft | None:
    """The draft rebuilt from its events up to `version`, or recorded up to `at`."""
    events = await store.read_stream(stream_of(draft_id))
    kept = [
        e
        for e in events
        if (version is None or e.stream_version <= version) and (at is None or e.recorded_at <= at)
    ]
    return fold(None, [EVENT_TYPES[e.type].from_payload(e.payload) for e in kept])
