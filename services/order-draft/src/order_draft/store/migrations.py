"""Applies numbered SQL files once each, at start-up, under an advisory lock.

Each part of the service that owns tables keeps its files in a `migrations/` folder beside its code
(the event store, the catalog copy, the projections); they are applied part by part, in file order.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

import asyncpg

_LOCK_KEY = 7301_0001  # any constant shared by every instance of this service
STORE = "order_draft.store"


def _migrations(package: str) -> list[tuple[str, str]]:
    folder = resources.files(package) / "migrations"
    found = [
        (f"{package}:{entry.name}", entry.read_text())
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    return sorted(found)


async def migrate(conn: asyncpg.Connection, packages: Sequence[str] = (STORE,)) -> list[str]:
    """Apply what is missing; returns the names applied now."""
    applied_now: list[str] = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK_KEY)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
        for package in packages:
            for name, sql in _migrations(package):
                if name in done:
                    continue
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", name)
                applied_now.append(name)
    return applied_now
