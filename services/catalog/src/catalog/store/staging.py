"""Staging: validated rows copied into `catalog.staged_rows` under a batch id, outside any transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import asyncpg


@dataclass(frozen=True)
class StagedRow:
    kind: str
    key: str
    source: str
    line: int
    record_json: str  # the record as its contract writes it


async def stage(conn: asyncpg.Connection, batch: uuid.UUID, rows: Iterable[StagedRow]) -> None:
    await conn.copy_records_to_table(
        "staged_rows",
        schema_name="catalog",
        columns=("batch", "kind", "key", "source", "line", "record"),
        records=((batch, r.kind, r.key, r.source, r.line, r.record_json) for r in rows),
    )


async def unstage(conn: asyncpg.Connection, batch: uuid.UUID) -> None:
    await conn.execute("DELETE FROM catalog.staged_rows WHERE batch = $1", batch)
