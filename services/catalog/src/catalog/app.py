"""The composition root: wires the broker, the admin commands, the catalog service and the HTTP routes."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import asyncpg
from faststream.asgi import AsgiFastStream, AsgiResponse, get
from faststream.asgi.response import JSONResponse
from faststream.kafka import KafkaBroker

from catalog.admin.router import admin_router
from catalog.config import Settings
from catalog.service import CatalogService

log = logging.getLogger("catalog")


def create_app(settings: Settings) -> AsgiFastStream:
    broker = KafkaBroker(settings.kafka_bootstrap_servers, enable_idempotence=True, logger=log)
    service = CatalogService(settings)
    broker.include_router(admin_router(service.database, on_change=service.nudge))

    @get(include_in_schema=False)
    async def health(scope: Any) -> AsgiResponse:
        return JSONResponse({"status": "up"})

    @get(include_in_schema=False)
    async def ready(scope: Any) -> AsgiResponse:
        checks = {
            "kafka": await broker.ping(2.0),
            "postgres": await _database_answers(service.pool),
            "relay": service.relay_running,
        }
        body: dict[str, Any] = {"ready": all(checks.values()), **checks}
        if service.pool is not None and checks["postgres"]:
            # how far the views are published: a consumer is current when it has published_revision
            body["revision"] = await service.pool.fetchval(
                "SELECT coalesce(max(revision), 0) FROM catalog.changes"
            )
            body["published_revision"] = await service.relay.position() if service.relay else 0
        return JSONResponse(body, 200 if body["ready"] else 503)

    return AsgiFastStream(
        broker,
        asgi_routes=[("/health", health), ("/ready", ready)],
        on_startup=[service.start],
        after_shutdown=[service.stop],
        asyncapi_path="/docs",
        logger=log,
    )


async def _database_answers(pool: asyncpg.Pool | None) -> bool:
    if pool is None:
        return False
    try:
        return bool(await asyncio.wait_for(pool.fetchval("SELECT 1"), 2.0) == 1)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
