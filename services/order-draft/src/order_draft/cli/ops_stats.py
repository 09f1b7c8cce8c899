"""The store at a glance: events per type, streams, how far behind each subscription (and the outbox relay)
is, the dead-letter topic's size, and the open transaction that holds the global read back, if any."""

from __future__ import annotations

from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer

from order_draft.cli.ops_dlq import partitions

PER_TYPE = "SELECT event_type, count(*) FROM events GROUP BY event_type ORDER BY count(*) DESC, event_type"
STREAMS = "SELECT count(DISTINCT stream_id) FROM events"
# Lag = committed events after the checkpoint in the global order (those behind an open writer included).
LAGS = (
    "SELECT c.name, c.transaction_id, c.global_position, c.updated_at, (SELECT count(*) FROM events e "
    "  WHERE (e.transaction_id, e.global_position) > (c.transaction_id::text::xid8, c.global_position)) "
    "FROM subscription_checkpoints c ORDER BY c.name"
)
HELD_BACK = "SELECT count(*) FROM events WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())"
# Readers see only events below the oldest running transaction id (cluster-wide), so the one with the
# oldest backend_xid holds them back; an old backend_xmin (a long snapshot) is named too.
OPEN_TRANSACTIONS = (
    "SELECT pid, datname, usename, application_name, state, now() - xact_start AS age, "
    "backend_xid::text AS xid, backend_xmin::text AS xmin, left(query, 500) AS query "
    "FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
    "  AND (backend_xid IS NOT NULL OR backend_xmin IS NOT NULL) "
    "ORDER BY backend_xid IS NULL, age(backend_xid) DESC NULLS LAST, age(backend_xmin) DESC LIMIT $1"
)


async def database_stats(pool: asyncpg.Pool, relay_topic: str, top: int = 5) -> dict[str, Any]:
    async with pool.acquire() as conn:
        per_type = {row[0]: row[1] for row in await conn.fetch(PER_TYPE)}
        subscriptions = [
            {
                "name": row[0],
                "checkpoint": f"{row[1]}:{row[2]}",
                "updated_at": row[3].isoformat(),
                "lag": row[4],
            }
            for row in await conn.fetch(LAGS)
        ]
        relay_name = f"relay:{relay_topic}"
        relay = next((s for s in subscriptions if s["name"] == relay_name), None)
        transactions = [_transaction(row) for row in await conn.fetch(OPEN_TRANSACTIONS, top)]
        return {
            "events": sum(per_type.values()),
            "events_per_type": per_type,
            "streams": await conn.fetchval(STREAMS),
            "subscriptions": subscriptions,
            "relay": {
                "name": relay_name,
                "lag": relay["lag"] if relay else sum(per_type.values()),
                "started": relay is not None,
            },
            "events_held_back": await conn.fetchval(HELD_BACK),
            "holding_back": transactions[0] if transactions else None,
            "open_transactions": transactions,
        }


def _transaction(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "pid": row["pid"],
        "database": row["datname"],
        "user": row["usename"],
        "application": row["application_name"],
        "state": row["state"],
        "age_seconds": round(row["age"].total_seconds(), 1) if row["age"] is not None else None,
        "xid": row["xid"],
        "xmin": row["xmin"],
        "query": row["query"],
    }


async def dlq_size(bootstrap_servers: str, topic: str) -> int | None:
    """The dead-letter topic's high watermark, summed over its partitions (None: no such topic yet)."""
    parts = await partitions(bootstrap_servers, topic)
    if parts is None:
        return None
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None)
    await consumer.start()
    try:
        return int(sum((await consumer.end_offsets(parts)).values()))
    finally:
        await consumer.stop()
