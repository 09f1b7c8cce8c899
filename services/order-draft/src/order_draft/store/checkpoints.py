"""Subscription checkpoints, written in the caller's transaction (exactly-once with a projection's rows)."""

from __future__ import annotations

import asyncpg

from order_draft.store.model import START, Checkpoint


async def load(conn: asyncpg.Connection | asyncpg.Pool, name: str) -> Checkpoint:
    row = await conn.fetchrow(
        "SELECT transaction_id, global_position FROM subscription_checkpoints WHERE name = $1", name
    )
    return START if row is None else Checkpoint(row[0], row[1])


async def save(conn: asyncpg.Connection | asyncpg.Pool, name: str, checkpoint: Checkpoint) -> None:
    await conn.execute(
        "INSERT INTO subscription_checkpoints (name, transaction_id, global_position) VALUES ($1, $2, $3) "
        "ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, "
        "global_position = EXCLUDED.global_position, updated_at = now()",
        name,
        checkpoint.transaction_id,
        checkpoint.global_position,
    )
