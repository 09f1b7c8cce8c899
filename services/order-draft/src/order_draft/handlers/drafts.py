"""Drafts for the command handler: the state of a stream (folded from its events, kept in memory) and
the active draft of a (site, customer).

The cache is safe because each draft's commands arrive on one partition, which one instance owns; a
stale entry (another writer, a rebalance) shows up as a version conflict on append, and the handler then
drops it and decides again on the stored events.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

import asyncpg

from order_draft.domain import EVENT_TYPES, fold
from order_draft.domain.state import Draft
from order_draft.store import EventStore, RecordedEvent


def stream_of(draft_id: str) -> str:
    return f"draft-{draft_id}"


def to_domain(events: Iterable[RecordedEvent]) -> list[object]:
    return [EVENT_TYPES[e.type].from_payload(e.payload) for e in events]


class Drafts:
    def __init__(self, store: EventStore, capacity: int = 20_000) -> None:
        self.store = store
        self.capacity = capacity
        self._cache: OrderedDict[str, Draft] = OrderedDict()

    async def load(self, draft_id: str) -> Draft | None:
        cached = self._cache.get(draft_id)
        if cached is not None:
            self._cache.move_to_end(draft_id)
            return cached
        events = await self.store.read_stream(stream_of(draft_id))
        draft = fold(None, to_domain(events))  # type: ignore[arg-type]
        if draft is not None:
            self.remember(draft)
        return draft

    def remember(self, draft: Draft) -> None:
        self._cache[draft.draft_id] = draft
        self._cache.move_to_end(draft.draft_id)
        while len(self._cache) > self.capacity:
            self._cache.popitem(last=False)

    def forget(self, draft_id: str) -> None:
        self._cache.pop(draft_id, None)

    def clear(self) -> None:
        self._cache.clear()


async def active_draft(conn: asyncpg.Connection | asyncpg.Pool, site: str, customer: str) -> str | None:
    found = await conn.fetchval(
        "SELECT draft_id FROM active_drafts WHERE site = $1 AND customer = $2", site, customer
    )
    return str(found) if found is not None else None


async def document_numbers(conn: asyncpg.Connection | asyncpg.Pool, count: int) -> list[str]:
    rows = await conn.fetch("SELECT nextval('document_numbers') FROM generate_series(1, $1)", count)
    return [f"SO-{row[0]}" for row in rows]
