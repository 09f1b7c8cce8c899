"""Drafts for the command handler: the state of a stream (folded from its events, kept in memory) and
the active draft of a (site, customer).

Snapshots keep a long-lived draft quick to load: once a committed draft is SNAPSHOT_EVERY versions past
its last snapshot, its state is saved (in the background, after the commit: a snapshot that is lost only
means a longer fold next time), and a draft not in memory is loaded from its latest snapshot plus the
events after it. A change to `evolve` or to the state's JSON must bump projections.loading.SCHEMA_VERSION
(older snapshots are then ignored).

The cache is safe because each draft's commands arrive on one partition, which one instance owns; a
stale entry (another writer, a rebalance) shows up as a version conflict on append, and the handler then
drops it and decides again on the stored events.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Iterable

import asyncpg

from order_draft.domain import EVENT_TYPES, fold
from order_draft.domain.state import Draft
from order_draft.projections.loading import SCHEMA_VERSION, snapshot_of
from order_draft.projections.state import draft_from_json
from order_draft.store import EventStore, RecordedEvent

SNAPSHOT_EVERY = 100  # versions between two snapshots of a draft
SNAPSHOT_CHUNK = 100  # snapshots per write
log = logging.getLogger(__name__)


def stream_of(draft_id: str) -> str:
    return f"draft-{draft_id}"


def to_domain(events: Iterable[RecordedEvent]) -> list[object]:
    return [EVENT_TYPES[e.type].from_payload(e.payload) for e in events]


class Drafts:
    def __init__(
        self, store: EventStore, capacity: int = 20_000, snapshot_every: int = SNAPSHOT_EVERY
    ) -> None:
        self.store = store
        self.capacity = capacity
        self.snapshot_every = snapshot_every
        self._cache: OrderedDict[str, Draft] = OrderedDict()
        self._snapshotted: dict[str, int] = {}  # draft id -> version of its latest snapshot we know of
        self._due: dict[str, Draft] = {}  # snapshots to write, newest state per draft
        self._saver: asyncio.Task[None] | None = None

    async def load(self, draft_id: str) -> Draft | None:
        cached = self._cache.get(draft_id)
        if cached is not None:
            self._cache.move_to_end(draft_id)
            return cached
        stream = stream_of(draft_id)
        snapshot = await self.store.load_snapshot(stream)
        start = None
        if snapshot is not None and snapshot.schema_version == SCHEMA_VERSION:
            start = draft_from_json(snapshot.state)
            self._snapshotted[draft_id] = start.version
        events = await self.store.read_stream(stream, from_version=start.version + 1 if start else 1)
        draft = fold(start, to_domain(events))  # type: ignore[arg-type]
        if draft is not None:
            self._cache[draft.draft_id] = draft
            self._trim()
        return draft

    def remember(self, draft: Draft) -> None:
        """Keep a committed draft (and snapshot it when it is SNAPSHOT_EVERY versions past the last)."""
        self._cache[draft.draft_id] = draft
        self._cache.move_to_end(draft.draft_id)
        self._trim()
        if draft.version - self._snapshotted.get(draft.draft_id, 0) >= self.snapshot_every:
            self._snapshotted[draft.draft_id] = draft.version
            self._due[draft.draft_id] = draft
            if self._saver is None or self._saver.done():
                self._saver = asyncio.get_running_loop().create_task(self._save_due())

    async def _save_due(self) -> None:
        """One writer, one connection at a time: drafts of a closed loop cross their 100th version together,
        and a task each would take the pool from the commits."""
        while self._due:
            chunk = [self._due.pop(draft_id) for draft_id in list(self._due)[:SNAPSHOT_CHUNK]]
            snapshots = []
            for draft in chunk:  # serialising holds the loop: a few at a time, the commands go between
                snapshots.append(snapshot_of(stream_of(draft.draft_id), draft))
                if len(snapshots) % 10 == 0:
                    await asyncio.sleep(0)
            try:
                await self.store.save_snapshots(snapshots)
            except Exception as error:  # best effort: the next load folds a longer tail
                log.warning("snapshots not saved", extra={"count": len(chunk), "error": repr(error)})

    async def snapshots_saved(self) -> None:
        """Wait for the snapshots being written (for tests and an orderly stop)."""
        while self._saver is not None and not self._saver.done():
            await asyncio.gather(self._saver, return_exceptions=True)

    def _trim(self) -> None:
        while len(self._cache) > self.capacity:
            evicted, _ = self._cache.popitem(last=False)
            self._snapshotted.pop(evicted, None)

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
