"""`stats`: counts, subscription lag, and the open transaction that holds the global read back."""

from __future__ import annotations

import asyncpg
from ops_story import output, write_draft

from order_draft.store import checkpoints


async def test_stats_counts_events_streams_and_each_subscriptions_lag(store, cli, database_dsn):
    await write_draft(store, "D1")
    await write_draft(store, "D2")
    second = (await store.read_stream("draft-D1"))[1].checkpoint
    await checkpoints.save(store.pool, "projection:test", second)

    found = output(await cli("stats", "--dsn", database_dsn, "--no-kafka", "--json"))

    assert found["events"] == 12
    assert found["streams"] == 2
    assert found["events_per_type"]["LineAdded"] == 4
    [projection] = found["subscriptions"]
    assert (projection["name"], projection["lag"]) == ("projection:test", 10)
    assert found["relay"] == {"name": "relay:order-draft.events.v1", "lag": 12, "started": False}


async def test_stats_names_the_open_transaction_that_holds_back_the_global_read(store, cli, database_dsn):
    holder = await asyncpg.connect(database_dsn, server_settings={"application_name": "ops-test-holder"})
    try:
        transaction = holder.transaction()
        await transaction.start()
        await holder.fetchval("SELECT pg_current_xact_id()")  # takes an xid: readers stop below it
        await write_draft(store, "D1")  # committed, but behind the open transaction

        found = output(await cli("stats", "--dsn", database_dsn, "--no-kafka", "--json"))
        await transaction.rollback()
    finally:
        await holder.close()

    ours = [t for t in found["open_transactions"] if t["application"] == "ops-test-holder"]
    assert len(ours) == 1
    assert ours[0]["pid"] == holder.get_server_pid()
    assert ours[0]["state"] == "idle in transaction"
    assert "pg_current_xact_id" in ours[0]["query"]
    assert ours[0]["xid"] is not None
    assert found["holding_back"] is not None
    assert found["events_held_back"] == 6
