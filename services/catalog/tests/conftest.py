"""Fixtures of the catalog's tests: a migrated catalog database on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

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


def write_folder(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text.lstrip("\n"))
    return folder
