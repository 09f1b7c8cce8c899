"""The database the tests get is a real PostgreSQL 13+ with durability on."""

from __future__ import annotations

import asyncpg


async def test_pool_transaction_and_xid8(database_dsn: str) -> None:
    pool = await asyncpg.create_pool(database_dsn, min_size=1, max_size=2)
    try:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("CREATE TABLE t (id int)")
            await conn.execute("INSERT INTO t VALUES (1)")
            xid_type = await conn.fetchval("SELECT pg_typeof(pg_current_xact_id())::text")
            xid = await conn.fetchval("SELECT pg_current_xact_id()::text")
        assert xid_type == "xid8"
        assert int(xid) > 0
        assert await pool.fetchval("SELECT count(*) FROM t") == 1
        assert await pool.fetchval("SHOW fsync") == "on"
        assert await pool.fetchval("SHOW synchronous_commit") == "on"
        assert await pool.fetchval("SHOW server_version_num")  # >= 130000 for xid8
        assert int(await pool.fetchval("SHOW server_version_num")) >= 130000
    finally:
        await pool.close()
