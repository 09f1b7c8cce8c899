"""The three queries: each takes the service's parts and the request's parameters and returns
(status, JSON body). The routes (routes.py) only parse the request and write the response."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

from order_draft.catalog_copy import CatalogCopy
from order_draft.handlers.replies import wire_draft
from order_draft.http import queries
from order_draft.http.caller import Caller, Problem, caller_of, site_of, site_today
from order_draft.http.screen import screen
from order_draft.store import EventStore

Answer = tuple[int, Any]


def problem(found: Problem) -> Answer:
    return found.status, found.body()


async def get_draft(
    store: EventStore, copy: CatalogCopy, headers: dict[str, str], params: dict[str, str]
) -> Answer:
    """`GET /drafts?id=D[&version=N | &at=ISO-time]`: the draft as the caller's role may see it."""
    caller = caller_of(copy, headers)
    if isinstance(caller, Problem):
        return problem(caller)
    draft_id = params.get("id", "")
    try:
        version = int(params["version"]) if "version" in params else None
        at = _utc(dt.datetime.fromisoformat(params["at"])) if "at" in params else None
    except ValueError:
        return problem(Problem(400, "BAD_QUERY", "version must be a number, at an ISO 8601 time."))
    latest = await queries.draft(store.pool, draft_id)
    if latest is None or latest.customer != caller.customer:
        return problem(Problem(404, "DRAFT_NOT_FOUND", f"No draft {draft_id!r} of your customer."))
    if version is None and at is None:
        return 200, wire_draft(latest, caller.role).model_dump(mode="json")
    then = await queries.draft_as_of(store, draft_id, version=version, at=at)
    if then is None:
        return problem(Problem(404, "DRAFT_NOT_YET", "The draft did not exist then."))
    return 200, wire_draft(then, caller.role).model_dump(mode="json")


async def get_orders(
    store: EventStore, copy: CatalogCopy, headers: dict[str, str], params: dict[str, str]
) -> Answer:
    """`GET /orders?site=S`: the customer's New and placed orders, as the site's settings and the caller's
    Days Back Access allow."""
    caller = caller_of(copy, headers)
    if isinstance(caller, Problem):
        return problem(caller)
    site = site_of(copy, params.get("site"))
    if isinstance(site, Problem):
        return problem(site)
    settings = site.settings
    if not settings.is_orders_enabled:
        return problem(Problem(403, "ORDERS_DISABLED", "The orders list is switched off on this site."))
    since = None if caller.days_back is None else site_today(site) - timedelta(days=caller.days_back)
    types = None if settings.order_document_types is None else list(settings.order_document_types)
    found = await queries.orders(store.pool, site.code, caller.customer, since, types)
    listed = [_order(draft_view, settings.hide_lines) for draft_view in _views(found, caller)]
    return 200, {"site": site.code, "lines_hidden": settings.hide_lines, "orders": listed}


async def get_screen(
    store: EventStore, copy: CatalogCopy, headers: dict[str, str], params: dict[str, str]
) -> Answer:
    """`GET /screen?site=S`: the New Order screen of the caller (see screen.py)."""
    caller = caller_of(copy, headers)
    if isinstance(caller, Problem):
        return problem(caller)
    site = site_of(copy, params.get("site"))
    if isinstance(site, Problem):
        return problem(site)
    draft = await queries.active_draft(store.pool, site.code, caller.customer)
    return 200, screen(copy, site, caller, draft, site_today(site))


def _views(found: list[Any], caller: Caller) -> list[dict[str, Any]]:
    return [wire_draft(draft, caller.role).model_dump(mode="json") for draft in found]


def _order(view: dict[str, Any], hide_lines: bool) -> dict[str, Any]:
    return {**view, "lines": []} if hide_lines else view


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
