"""An import: read and validate every file, stage the rows, check references, apply in one short transaction.

All or nothing: a single bad row (reported with file, line and reason) applies nothing. The apply
transaction only upserts staged rows and writes their outbox rows; reading, validating and staging happen
before it, so it holds the catalog's write lock briefly even for a large import.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from catalog.importing.files import read_folder
from catalog.importing.rows import to_records
from catalog.problems import Problem
from catalog.store.apply import Origin, upsert_staged, writing
from catalog.store.records import document_types
from catalog.store.references import missing_references
from catalog.store.staging import StagedRow, stage, unstage


@dataclass(frozen=True)
class ImportResult:
    rows: int = 0
    changed: int = 0  # rows that differed from the catalog (only they get a revision)
    revision: int | None = None  # the catalog revision after the import, when it changed anything
    problems: list[Problem] = field(default_factory=list)

    @property
    def applied(self) -> bool:
        return not self.problems


async def import_folder(conn: asyncpg.Connection, folder: Path, origin: Origin | None = None) -> ImportResult:
    raw, problems = read_folder(folder)
    records, invalid = to_records(raw, await document_types(conn))
    if problems or invalid:
        return ImportResult(problems=sorted(problems + invalid))
    rows = [
        StagedRow(r.kind, record.key(), r.source, r.line, record.model_dump_json()) for r, record in records
    ]
    return await apply_rows(conn, rows, origin or Origin())


async def apply_rows(conn: asyncpg.Connection, rows: list[StagedRow], origin: Origin) -> ImportResult:
    """Stage the rows, check their references, and apply them all or none."""
    batch = uuid.uuid4()
    await stage(conn, batch, rows)
    try:
        checked_at = await _last_revision(conn)
        missing = await missing_references(conn, batch)
        if missing:
            return ImportResult(problems=missing)
        async with writing(conn):
            # a change committed since the check (a delete, say) may have removed a referenced record
            if await _last_revision(conn) != checked_at and (
                missing := await missing_references(conn, batch)
            ):
                return ImportResult(problems=missing)
            applied = await upsert_staged(conn, batch, origin)
        return ImportResult(rows=len(rows), changed=applied.changed, revision=applied.revision)
    finally:
        await unstage(conn, batch)


async def _last_revision(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT coalesce(max(revision), 0) FROM catalog.changes"))
