"""Reading stored records back as their contract models."""

from __future__ import annotations

import json
from decimal import Decimal

import asyncpg

from catalog.store.tables import table
from contracts.catalog import KINDS, Record


def _record(kind: str, text: str) -> Record:
    # numeric columns come back as JSON numbers: read them as Decimal, never float
    return KINDS[kind].record.model_validate(json.loads(text, parse_float=Decimal))


async def load_records(conn: asyncpg.Connection, kind: str) -> dict[str, Record]:
    """Every stored record of a kind, by key."""
    rows = await conn.fetch(f"SELECT key, (to_jsonb(t) - 'key')::text AS record FROM {table(kind)} t")
    return {row["key"]: _record(kind, row["record"]) for row in rows}


async def load_record(conn: asyncpg.Connection, kind: str, key: str) -> Record | None:
    text = await conn.fetchval(f"SELECT (to_jsonb(t) - 'key')::text FROM {table(kind)} t WHERE key = $1", key)
    return None if text is None else _record(kind, text)


async def document_types(conn: asyncpg.Connection) -> dict[str, bool]:
    """Stored document types: code -> is a sales-order type."""
    return {
        r["code"]: r["sales_order"]
        for r in await conn.fetch("SELECT code, sales_order FROM catalog.document_types")
    }
