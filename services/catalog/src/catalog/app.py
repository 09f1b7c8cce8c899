"""The composition root: wires the broker, the database pool and the HTTP routes in one place."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import asyncpg
from faststream.asgi import AsgiFastStream, AsgiResponse, get
from faststream.asgi.response import JSONResponse
from faststream.kafka import KafkaBroker

from catalog.config import Settings

log = logging.getLogger("catalog")


class Runtime:
    """What the handlers share: the settings, the database pool (set on start-up)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool: asyncpg.Pool | None = None


def create_app(settings: Settings) -> AsgiFastStream:
    broker = KafkaBroker(settings.kafka_bootstrap_servers, enable_idempotence=True, logger=log)
    runtime = Runtime(settings)

    @get(include_in_schema=False)
    async def health(scope: Any) -> AsgiResponse:
        return JSONResponse({"status": "up"})

    @get(include_in_schema=False)
    async def ready(scope: Any) -> AsgiResponse:
        checks = {"kafka": await broker.ping(2.0), "postgres": await _database_answers(runtime)}
        return JSONResponse({"ready": all(checks.values()), **checks}, 200 if all(checks.values()) else 503)

    async def open_pool() -> None:
        runtime.pool = await asyncpg.create_pool(settings.postgres_dsn, min_size=1, max_size=10)
        log.info("connected", extra={"postgres": _redact(settings.postgres_dsn)})

    async def close_pool() -> None:
        if runtime.pool is not None:
            await runtime.pool.close()

    return AsgiFastStream(
        broker,
        asgi_routes=[("/health", health), ("/ready", ready)],
        on_startup=[open_pool],
        after_shutdown=[close_pool],
        asyncapi_path="/docs",
        logger=log,
    )


async def _database_answers(runtime: Runtime) -> bool:
    if runtime.pool is None:
        return False
    try:
        return bool(await asyncio.wait_for(runtime.pool.fetchval("SELECT 1"), 2.0) == 1)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False


def _redact(dsn: str) -> str:
    head, sep, tail = dsn.rpartition("@")
    return f"{head.split('//')[0]}//***@{tail}" if sep else dsn
