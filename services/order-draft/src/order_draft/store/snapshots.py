"""Snapshots of a stream's state so a long-lived stream loads from its latest snapshot plus the tail."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from order_draft.store import codec
from order_draft.store.model import JSON


@dataclass(frozen=True, slots=True)
class Snapshot:
    stream_id: str
    stream_type: str
    stream_version: int
    schema_version: int
    state: JSON


_SAVE = (
    "INSERT INTO snapshots (stream_id, stream_type, stream_version, schema_version, state) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (stream_id) DO UPDATE SET "
    "stream_type = EXCLUDED.stream_type, stream_version = EXCLUDED.stream_version, "
    "schema_version = EXCLUDED.schema_version, state = EXCLUDED.state, recorded_at = now() "
    "WHERE snapshots.stream_version < EXCLUDED.stream_version"
)


def _row(snapshot: Snapshot) -> tuple[object, ...]:
    return (
        snapshot.stream_id,
        snapshot.stream_type,
        snapshot.stream_version,
        snapshot.schema_version,
        codec.dumps(snapshot.state),
    )


async def save(conn: asyncpg.Connection | asyncpg.Pool, snapshot: Snapshot) -> None:
    """Keep the newest snapshot per stream; an older one never replaces a newer one."""
    await conn.execute(_SAVE, *_row(snapshot))


async def save_many(conn: asyncpg.Connection | asyncpg.Pool, many: list[Snapshot]) -> None:
    """Several snapshots in one transaction (in stream order: two writers never wait on each other in a
    cycle)."""
    await conn.executemany(_SAVE, [_row(s) for s in sorted(many, key=lambda s: s.stream_id)])


async def load(conn: asyncpg.Connection | asyncpg.Pool, stream_id: str) -> Snapshot | None:
    row = await conn.fetchrow(
        "SELECT stream_type, stream_version, schema_version, state FROM snapshots WHERE stream_id = $1",
        stream_id,
    )
    if row is None:
        return None
    return Snapshot(stream_id, row[0], row[1], row[2], codec.loads(row[3]))
