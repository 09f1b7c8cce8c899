"""An import from the command line: its own connection, migrations first."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from catalog.importing.load import ImportResult, import_folder
from catalog.store.migrations import migrate


async def run_import(dsn: str, folder: Path) -> ImportResult:
    conn = await asyncpg.connect(dsn)
    try:
        await migrate(conn)
        return await import_folder(conn, folder)
    finally:
        await conn.close()
