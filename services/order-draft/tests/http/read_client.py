"""Asking the read side over ASGI, as the portal's gateway would: identity headers and a query string."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import orjson

# The service fixture lives beside the projection tests; this folder is collected before that one.
from service_under_test import Running

from order_draft.http.routes import read_routes


async def ask(
    running: Running, path: str, user: str | None = "U1", customer: str | None = "C1", **params: Any
) -> tuple[int, Any]:
    """(status, JSON body) of GET `path` through the route the app mounts."""
    [route] = [handler for at, handler in read_routes(running.service) if at == path]
    headers = [(b"x-user-id", user.encode())] if user else []
    headers += [(b"x-customer-id", customer.encode())] if customer else []
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": urlencode({k: str(v) for k, v in params.items()}).encode(),
        "headers": headers,
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await route(scope, receive, send)
    return sent[0]["status"], orjson.loads(sent[1]["body"])


def more_people() -> tuple[Any, ...]:
    """Bob (U3) with role L20 for C1; Carl (U2) of another customer C2 with role L30 for C2."""
    from handler_catalog import customer

    from contracts import catalog as c

    return (
        c.Person(code="P3", name="Bob", parent_party="C1"),
        c.User(code="U3", name="bob", person="P3"),
        c.ExternalAccess(user="U3", customer="C1", role="L20"),
        customer(code="C2", name="Other"),
        c.Person(code="P2", name="Carl", parent_party="C2"),
        c.User(code="U2", name="carl", person="P2"),
        c.ExternalAccess(user="U2", customer="C2", role="L30"),
    )
