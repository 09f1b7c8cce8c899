"""The catalog as order-draft knows it, in memory: the last record per (kind, key) and its revision.

Commands are decided many thousand times a second; reading the catalog from memory keeps a decision free
of I/O. The durable copy is the catalog_records table (written by the follower in the same transaction
as its Kafka offsets); on start the memory is loaded from it, then kept current by the follower.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import asyncpg

from contracts.catalog.kinds import KINDS
from contracts.catalog.record import Record


class CatalogCopy:
    def __init__(self) -> None:
        self.records: dict[str, dict[str, Record]] = defaultdict(dict)
        self.revision = 0  # the highest catalog revision applied
        self.changes = 0  # counts every change applied (deletes and late arrivals included): cache stamps
        self._by_product: dict[str, dict[str, dict[str, Record]]] = defaultdict(lambda: defaultdict(dict))

    def get(self, kind: str, key: str) -> Record | None:
        return self.records[kind].get(key)

    def all(self, kind: str) -> Iterable[Record]:
        return self.records[kind].values()

    def for_product(self, kind: str, product_code: str) -> Iterable[Record]:
        """Records of `kind` (price entries, customer products, ...) whose product_code is the given one."""
        return self._by_product[kind][product_code].values()

    def apply(self, kind: str, key: str, record: Record | None, revision: int) -> None:
        """A change from the catalog; None deletes (a tombstone)."""
        old = self.records[kind].pop(key, None)
        if old is not None and (code := getattr(old, "product_code", None)) is not None:
            self._by_product[kind][code].pop(key, None)
        if record is not None:
            self.records[kind][key] = record
            if (code := getattr(record, "product_code", None)) is not None:
                self._by_product[kind][code][key] = record
        self.revision = max(self.revision, revision)
        self.changes += 1

    async def load(self, conn: asyncpg.Connection | asyncpg.Pool) -> int:
        """Fill from the durable copy; returns the number of records."""
        rows = await conn.fetch("SELECT kind, key, revision, record FROM catalog_records")
        for kind, key, revision, record in rows:
            known = KINDS.get(kind)
            if known is not None:  # a kind this version does not know is kept in the table, not used
                self.apply(kind, key, known.record.model_validate_json(record), revision)
        return len(rows)
