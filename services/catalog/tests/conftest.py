"""Fixtures of the catalog's tests: a migrated catalog database on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from catalog.store.migrations import migrate


@pytest.fixture
async def catalog_db(database_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection to a fresh, migrated catalog database."""
    conn = await asyncpg.connect(database_dsn)
    await migrate(conn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def catalog_pool(database_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a fresh, migrated catalog database."""
    pool = await asyncpg.create_pool(database_dsn, min_size=1, max_size=4)
    async with pool.acquire() as conn:
        await migrate(conn)
    try:
        yield pool
    finally:
        await pool.close()
