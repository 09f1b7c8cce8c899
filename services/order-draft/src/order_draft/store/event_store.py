"""The event store: append, read, subscribe, snapshot, on one asyncpg pool."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import Any

import asyncpg

from order_draft.store import append as appending
from order_draft.store import read, snapshots
from order_draft.store.connections import Connections
from order_draft.store.migrations import STORE, migrate
from order_draft.store.model import (
    ANY,
    JSON,
    START,
    Append,
    AppendResult,
    Checkpoint,
    NewEvent,
    RecordedEvent,
    WrongExpectedVersion,
)
from order_draft.store.notify import Notifier
from order_draft.store.upcasting import Upcasters

RACES = 5  # attempts of an append that lost a race (a retry sees the winner: two are the rule)
UNIQUE_VIOLATION = "23505"
# Every connection: a transaction left open by a bug must not hold back the global read for long.
SERVER_SETTINGS = {"idle_in_transaction_session_timeout": "60000", "jit": "off"}

# The append connections run a handful of statements, always the same shapes: plan them once. Left to
# choose, PostgreSQL re-plans the FAST statement on every call (its custom plans look cheaper), and the
# planning costs more server time than the append.
WRITER_SETTINGS = {"plan_cache_mode": "force_generic_plan"}


async def _keep_session(conn: asyncpg.Connection) -> None:
    return None


class EventStore:
    def __init__(
        self, pool: asyncpg.Pool, dsn: str, upcasters: Upcasters | None = None, writers: int = 10
    ) -> None:
        self.pool = pool
        self.dsn = dsn
        self._writers = Connections(dsn, writers, {**SERVER_SETTINGS, **WRITER_SETTINGS})
        self.upcasters = upcasters or Upcasters()
        self._notifier = Notifier(dsn)

    @classmethod
    async def connect(
        cls,
        dsn: str,
        *,
        upcasters: Upcasters | None = None,
        migrations: Sequence[str] = (STORE,),
        **pool: Any,
    ) -> EventStore:
        """Open a pool, apply the schema migrations (the store's, and those of `migrations` parts), and
        return the store."""
        pool.setdefault("min_size", 2)
        pool.setdefault("max_size", 10)
        # asyncpg resets a connection on every release (UNLISTEN, RESET ALL, ...: one more round trip per
        # append). Our pool keeps no session state (listeners and session locks use their own
        # connections), so releasing skips that.
        pool.setdefault("reset", _keep_session)
        created = await asyncpg.create_pool(dsn, server_settings=SERVER_SETTINGS, **pool)
        assert created is not None
        async with created.acquire() as conn:
            await migrate(conn, migrations)
        return cls(created, dsn, upcasters, writers=pool["max_size"])

    async def close(self) -> None:
        await self._notifier.close()
        await self._writers.close()
        await self.pool.close()

    async def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        *,
        expected_version: int = ANY,
        command_id: str | None = None,
        result: JSON | None = None,
    ) -> AppendResult:
        """Append to one stream atomically. Raises WrongExpectedVersion; a repeated command id returns the
        first append's result with duplicate=True and writes nothing."""
        [outcome] = await self.append_many(
            [Append(stream_id, list(events), expected_version, command_id, result)]
        )
        if isinstance(outcome, WrongExpectedVersion):
            raise outcome
        return outcome

    async def append_many(
        self, appends: Sequence[Append], conn: asyncpg.Connection | None = None
    ) -> list[AppendResult | WrongExpectedVersion]:
        """Several streams in one transaction and one round trip (group commit); conflicts are returned
        per batch. Pass `conn` to join a transaction of your own (then commit before relying on it)."""
        for attempt in range(RACES):
            try:
                if conn is not None:
                    outcomes = await appending.append_batches(conn, appends)
                else:
                    writer = await self._writers.take()
                    try:
                        # After a lost race, the locked function: writers of one stream then queue.
                        outcomes = await appending.append_batches(writer, appends, fast=attempt == 0)
                    finally:
                        self._writers.give_back(writer)
                break
            except asyncpg.PostgresError as error:
                # Lost a race: the same command id committed meanwhile for another stream (COMMAND_RACE), or
                # a writer took the version first (a unique violation, from the statement without a lock).
                # The retry sees the winner: a conflict, or the stored result.
                race = getattr(error, "sqlstate", None) in (appending.COMMAND_RACE, UNIQUE_VIOLATION)
                if not race or attempt == RACES - 1 or conn:
                    raise
        if conn is None:
            for outcome in outcomes:
                if type(outcome) is AppendResult and not outcome.duplicate:
                    self._notifier.poke()
                    break
        return outcomes

    def appended(self) -> None:
        """Tell subscribers that a transaction of the caller's own (append_many with conn=) committed."""
        self._notifier.poke()

    async def stream_version(self, stream_id: str) -> int:
        version = await self.pool.fetchval(
            "SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = $1", stream_id
        )
        return int(version)

    async def read_stream(
        self,
        stream_id: str,
        *,
        from_version: int | None = None,
        backward: bool = False,
        limit: int | None = None,
    ) -> list[RecordedEvent]:
        return await read.read_stream(
            self.pool, stream_id, self.upcasters, from_version=from_version, backward=backward, limit=limit
        )

    async def read_all(self, after: Checkpoint = START, limit: int = 1000) -> list[RecordedEvent]:
        """The next page in global order; never past a transaction that is still open."""
        return await read.read_all(self.pool, after, limit, self.upcasters)

    def read_all_pages(
        self, after: Checkpoint = START, limit: int = 1000
    ) -> AsyncGenerator[list[RecordedEvent], None]:
        """Every page from `after` up to the horizon, each read while the one before is being decoded (the
        way to scan the log: replays, catch-ups, exports). Ends at the first empty page."""
        return read.read_all_pages(self.pool, after, limit, self.upcasters)

    async def save_snapshot(self, snapshot: snapshots.Snapshot) -> None:
        await snapshots.save(self.pool, snapshot)

    async def save_snapshots(self, many: list[snapshots.Snapshot]) -> None:
        await snapshots.save_many(self.pool, many)

    async def load_snapshot(self, stream_id: str) -> snapshots.Snapshot | None:
        return await snapshots.load(self.pool, stream_id)
