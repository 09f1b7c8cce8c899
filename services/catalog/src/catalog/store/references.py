"""Reference checks: every code a staged row names exists (staged in the same batch, or stored); a record
is deleted only while nothing references it."""

from __future__ import annotations

import uuid

import asyncpg

from catalog.problems import Problem
from catalog.store.tables import REFERENCES, Reference, table

REPORT_AT_MOST = 1000


def _missing_sql(kind: str, ref: Reference) -> str:
    return f"""
        SELECT s.source, s.line, v.value
        FROM catalog.staged_rows s CROSS JOIN LATERAL {ref.values}
        WHERE s.batch = $1 AND s.kind = '{kind}' AND v.value IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM catalog.staged_rows t
                          WHERE t.batch = $1 AND t.kind = '{ref.target}' AND t.key = v.value)
          AND NOT EXISTS (SELECT 1 FROM {table(ref.target)} t WHERE t.key = v.value)
        ORDER BY s.source, s.line
        LIMIT {REPORT_AT_MOST}"""


async def missing_references(conn: asyncpg.Connection, batch: uuid.UUID) -> list[Problem]:
    """Every staged reference to a record that neither the batch nor the catalog holds."""
    kinds = {
        r["kind"]
        for r in await conn.fetch("SELECT DISTINCT kind FROM catalog.staged_rows WHERE batch = $1", batch)
    }
    problems = []
    for kind in sorted(kinds & REFERENCES.keys()):
        for ref in REFERENCES[kind]:
            for row in await conn.fetch(_missing_sql(kind, ref), batch):
                reason = f"{ref.field} names {ref.target} {row['value']!r}, which does not exist"
                problems.append(Problem(row["source"], row["line"], reason))
    return sorted(problems)[:REPORT_AT_MOST]


async def referrers(conn: asyncpg.Connection, kind: str, key: str) -> list[str]:
    """The kinds (with a count) whose stored records reference `kind` `key`."""
    found = []
    for referring, refs in REFERENCES.items():
        for ref in refs:
            if ref.target != kind:
                continue
            count = await conn.fetchval(
                f"SELECT count(*) FROM (SELECT to_jsonb(r) AS record FROM {table(referring)} r) s"
                f" CROSS JOIN LATERAL {ref.values} WHERE v.value = $1",
                key,
            )
            if count:
                found.append(f"{count} {referring} ({ref.field})")
    return found
