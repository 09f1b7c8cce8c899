"""The composition root: the running parts (service.Service) behind an ASGI app with health and docs.

/ready is 200 while the drafts projection merely lags (its lag in events is in the body and in the gauge
order_draft_projection_lag_events): the read side then answers from a slightly older model, which is
what it is for. It is 503 when a part died (the projection's task included), or Kafka, PostgreSQL or the
catalog copy are not there yet."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import asyncpg
from faststream.asgi import AsgiFastStream, AsgiResponse, get
from faststream.asgi.response import JSONResponse
from faststream.kafka import KafkaBroker
from prometheus_client import make_asgi_app

from order_draft import metrics
from order_draft.config import Settings
from order_draft.http.routes import read_routes
from order_draft.service import Service

log = logging.getLogger("order_draft")


def create_app(settings: Settings) -> AsgiFastStream:
    broker = KafkaBroker(settings.kafka_bootstrap_servers, enable_idempotence=True, logger=log)
    service = Service(settings)

    @get(include_in_schema=False)
    async def health(scope: Any) -> AsgiResponse:
        return JSONResponse({"status": "up"})

    @get(include_in_schema=False)
    async def ready(scope: Any) -> AsgiResponse:
        body, status = await readiness(service, kafka=await broker.ping(2.0))
        return JSONResponse(body, status)

    prometheus = make_asgi_app()

    async def scrape(scope: Any, receive: Any, send: Any) -> None:
        """/metrics, with the projection lag measured at the scrape."""
        await _projection_lag(service)
        await prometheus(scope, receive, send)

    return AsgiFastStream(
        broker,
        asgi_routes=[
            ("/health", health),
            ("/ready", ready),
            ("/metrics", scrape),
            *read_routes(service),
        ],
        on_startup=[service.start],
        after_shutdown=[service.stop],
        asyncapi_path="/docs",
        logger=log,
    )


async def readiness(service: Service, *, kafka: bool) -> tuple[dict[str, Any], int]:
    """/ready's body and status: 503 when a check fails; the projection's lag is reported, not checked."""
    checks = {
        "kafka": kafka,
        "postgres": await _database_answers(service),
        "catalog_copy": service.follower is not None and service.follower.caught_up.is_set(),
        "consuming": service.ready,
        "projecting": service.projecting,
    }
    body = {
        "ready": all(checks.values()),
        **checks,
        "catalog_revision": service.copy.revision,
        "projection_lag_events": await _projection_lag(service),
    }
    metrics.CATALOG_REVISION.set(service.copy.revision)
    return body, 200 if body["ready"] else 503


async def _database_answers(service: Service) -> bool:
    if service.store is None:
        return False
    try:
        return bool(await asyncio.wait_for(service.store.pool.fetchval("SELECT 1"), 2.0) == 1)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False


async def _projection_lag(service: Service) -> int | None:
    """The drafts projection's lag in events (also set on the gauge); None when it cannot be counted."""
    if service.store is None:
        return None
    try:
        lag = await asyncio.wait_for(service.projection_lag(), 2.0)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
        return None
    metrics.PROJECTION_LAG.set(lag)
    return lag
