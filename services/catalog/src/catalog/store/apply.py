"""Applying changes: staged rows upserted, records deleted, each change written to the outbox
(`catalog.changes`) in the same transaction.

Writers are serialised by one advisory lock per transaction (`writing`). The catalog is written rarely (an
import, an admin command), so the lock costs nothing that matters, and it makes revisions (a bigserial)
commit in their own order: the relay can then publish strictly by revision and never skip a revision that
commits late, without reading transaction ids.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncpg

from catalog.store.tables import columns, table
from contracts.envelope import Actor

WRITE_LOCK = 7302_0002


@dataclass(frozen=True)
class Origin:
    """What caused a change, carried to its view's envelope."""

    correlation_id: uuid.UUID = field(default_factory=uuid.uuid4)
    causation_id: uuid.UUID | None = None
    actor: Actor | None = None

    def actor_json(self) -> str | None:
        return None if self.actor is None else self.actor.model_dump_json()


@contextlib.asynccontextmanager
async def writing(conn: asyncpg.Connection) -> AsyncIterator[None]:
    """A transaction that holds the catalog's write lock until it ends."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
        yield


def _upsert_sql(kind: str) -> str:
    names = ", ".join(f'"{c}"' for c in columns(kind))
    excluded = ", ".join(f'EXCLUDED."{c}"' for c in columns(kind))
    current = ", ".join(f't."{c}"' for c in columns(kind))
    return f"""
        WITH staged AS (
            SELECT r.*, s.record AS staged_record
            FROM catalog.staged_rows s
            CROSS JOIN LATERAL jsonb_populate_record(
                NULL::{table(kind)}, s.record || jsonb_build_object('key', s.key)) r
            WHERE s.batch = $1 AND s.kind = '{kind}'
        ), changed AS (
            INSERT INTO {table(kind)} AS t (key, {names})
            SELECT key, {names} FROM staged
            ON CONFLICT (key) DO UPDATE SET ({names}) = ROW({excluded})
            WHERE ({current}) IS DISTINCT FROM ({excluded})
            RETURNING t.key
        ), published AS (
            INSERT INTO catalog.changes (kind, key, record, correlation_id, causation_id, actor)
            SELECT '{kind}', s.key, s.staged_record, $2, $3, $4::jsonb
            FROM staged s JOIN changed c ON c.key = s.key
            ORDER BY s.key
            RETURNING revision
        )
        SELECT count(*) AS changed, max(revision) AS revision FROM published"""


@dataclass(frozen=True)
class Applied:
    changed: int  # records that differed from the stored ones (unchanged ones publish nothing)
    revision: int | None  # the last revision written, None when nothing changed


async def upsert_staged(conn: asyncpg.Connection, batch: uuid.UUID, origin: Origin) -> Applied:
    """Upsert every staged row of `batch`; only rows that change something get a revision.

    Runs inside `writing`."""
    kinds = [
        r["kind"]
        for r in await conn.fetch("SELECT DISTINCT kind FROM catalog.staged_rows WHERE batch = $1", batch)
    ]
    changed, revision = 0, None
    for kind in sorted(kinds):
        row = await conn.fetchrow(
            _upsert_sql(kind), batch, origin.correlation_id, origin.causation_id, origin.actor_json()
        )
        changed += row["changed"]
        if row["revision"] is not None:
            revision = max(revision or 0, row["revision"])
    return Applied(changed, revision)


async def delete_record(conn: asyncpg.Connection, kind: str, key: str, origin: Origin) -> int | None:
    """Delete one record and write its tombstone; the revision, or None when there was nothing to delete."""
    deleted = await conn.fetchval(f"DELETE FROM {table(kind)} WHERE key = $1 RETURNING key", key)
    if deleted is None:
        return None
    revision: int = await conn.fetchval(
        "INSERT INTO catalog.changes (kind, key, record, correlation_id, causation_id, actor)"
        " VALUES ($1, $2, NULL, $3, $4, $5::jsonb) RETURNING revision",
        kind,
        key,
        origin.correlation_id,
        origin.causation_id,
        origin.actor_json(),
    )
    return revision
