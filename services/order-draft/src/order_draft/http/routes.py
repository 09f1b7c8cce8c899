"""The read side's HTTP routes for AsgiFastStream's `asgi_routes`. FastStream matches routes by exact
path, so a draft is `/drafts?id=...` rather than `/drafts/{id}`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from faststream.asgi import AsgiResponse, get
from faststream.asgi.handlers import GetHandler
from faststream.asgi.response import JSONResponse

from order_draft.http.views import Answer, get_draft, get_orders, get_screen
from order_draft.service import Service

Query = Callable[[Any, Any, dict[str, str], dict[str, str]], Awaitable[Answer]]


def read_routes(service: Service) -> list[tuple[str, GetHandler]]:
    return [
        ("/drafts", _route(service, get_draft, "A draft (optionally as of ?version=N or ?at=ISO-time).")),
        ("/orders", _route(service, get_orders, "The caller's customer's orders on ?site=S.")),
        ("/screen", _route(service, get_screen, "The New Order screen of the caller on ?site=S.")),
    ]


def _route(service: Service, query: Query, description: str) -> GetHandler:
    @get(description=description)
    async def handle(scope: Any) -> AsgiResponse:
        if service.store is None:
            return JSONResponse({"code": "STARTING", "message": "The service is starting."}, 503)
        status, body = await query(service.store, service.copy, headers_of(scope), params_of(scope))
        return JSONResponse(body, status)

    return handle


def headers_of(scope: Any) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}


def params_of(scope: Any) -> dict[str, str]:
    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
