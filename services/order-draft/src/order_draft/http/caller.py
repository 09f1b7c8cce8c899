"""Who is asking: the gateway's identity headers, checked against the external-access row of the
catalog copy. Problems are values with a stable code and an HTTP status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from contracts import catalog as records
from order_draft.catalog_copy import CatalogCopy
from order_draft.domain.roles import NEW_ORDER_ROLE, Role
from order_draft.handlers.facts_records import lookup


@dataclass(frozen=True, slots=True)
class Problem:
    status: int
    code: str
    message: str

    def body(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class Caller:
    user: str
    customer: str
    role: Role
    days_back: int | None  # Days Back Access; None = unlimited


def caller_of(copy: CatalogCopy, headers: dict[str, str]) -> Caller | Problem:
    user, customer = headers.get("x-user-id"), headers.get("x-customer-id")
    if not user or not customer:
        return Problem(401, "UNAUTHENTICATED", "X-User-Id and X-Customer-Id are set by the portal's gateway.")
    row = lookup(copy, "external_access", f"{user}|{customer}", records.ExternalAccess)
    try:
        role = Role.parse(row.role) if row is not None else None
    except KeyError:  # a role this version does not know grants nothing
        role = None
    if row is None or role is None:
        return Problem(403, "CC010", "You have no role for this customer. Ask the customer's portal owner.")
    if role < NEW_ORDER_ROLE:
        return Problem(403, "ROLE_TOO_LOW", f"Orders need role L20 or above; yours is {role.name}.")
    return Caller(user, customer, role, row.days_back_access)


def site_of(copy: CatalogCopy, code: str | None) -> records.Site | Problem:
    site = lookup(copy, "site", code, records.Site) if code else None
    if site is None:
        return Problem(404, "SITE_NOT_FOUND", f"No site {code!r}.")
    return site


def site_today(site: records.Site, now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(site.settings.time_zone)).date()
