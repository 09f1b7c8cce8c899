"""Readiness checks that talk the real protocols (a metadata request, a query), never a sleep."""

from __future__ import annotations

import asyncio
import contextlib


def kafka_answers(bootstrap_servers: str, timeout: float = 3.0) -> bool:
    return asyncio.run(kafka_answers_async(bootstrap_servers, timeout))


async def kafka_answers_async(bootstrap_servers: str, timeout: float = 3.0) -> bool:
    import logging

    from aiokafka.admin import AIOKafkaAdminClient

    logging.getLogger("aiokafka").setLevel(
        logging.CRITICAL
    )  # "connection refused" is expected while starting
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=int(timeout * 1000))
    try:
        await asyncio.wait_for(admin.start(), timeout)
        cluster = await asyncio.wait_for(admin.describe_cluster(), timeout)
        return bool(cluster.get("brokers"))
    except Exception:  # any failure means "not yet"
        return False
    finally:
        with contextlib.suppress(Exception):
            await admin.close()
        logging.getLogger("aiokafka").setLevel(logging.NOTSET)


async def postgres_answers_async(dsn: str, timeout: float = 3.0) -> bool:
    import asyncpg

    try:
        conn = await asyncpg.connect(dsn, timeout=timeout)
    except Exception:
        return False
    try:
        return await conn.fetchval("SELECT 1") == 1
    finally:
        await conn.close()


def postgres_answers(dsn: str, timeout: float = 3.0) -> bool:
    return asyncio.run(postgres_answers_async(dsn, timeout))
