"""Applies the numbered SQL files in migrations/ once each, at start-up, under an advisory lock."""

from __future__ import annotations

from importlib import resources

import asyncpg

_LOCK_KEY = 7302_0001  # any constant shared by every instance of the catalog


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("catalog.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.name, entry.read_text()))
    return sorted(found)


async def migrate(conn: asyncpg.Connection) -> list[str]:
    """Apply what is missing; returns the names applied now."""
    applied: list[str] = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK_KEY)
        await conn.execute(
            "CREATE SCHEMA IF NOT EXISTS catalog;"
            "CREATE TABLE IF NOT EXISTS catalog.schema_migrations ("
            " version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in await conn.fetch("SELECT version FROM catalog.schema_migrations")}
        for number, name, sql in _migrations():
            if number not in done:
                await conn.execute(sql)
                await conn.execute(
                    "INSERT INTO catalog.schema_migrations (version, name) VALUES ($1, $2)", number, name
                )
                applied.append(name)
    return applied
