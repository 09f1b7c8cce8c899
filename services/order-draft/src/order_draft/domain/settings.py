"""A site's settings: one JSON object per site, parsed into a value with the documented defaults.

Parsing is pure (a settings change applies to the next command and never rewrites history). Anything
that is not a JSON object, or a key with a value of the wrong shape, is CC008: the portal reports a
broken settings object rather than guessing what an administrator meant.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from order_draft.domain.rejections import Code, Rejection, reject

UTC = dt.UTC


@dataclass(frozen=True, kw_only=True, slots=True)
class Channel:
    """A distribution channel: a code (up to 10 characters) and a name."""

    code: str
    name: str
    active: bool = True


CLIENT_CENTER = Channel(code="CC", name="Client Center")


@dataclass(frozen=True, kw_only=True, slots=True)
class SiteSettings:
    """The parsed settings; `is_new_order_enabled` is `None` when the key is absent (see `access`)."""

    is_new_order_enabled: bool | None = None
    new_order_document_type: str | None = None
    site_channel: Channel = CLIENT_CENTER
    hide_customer_products: bool = False
    hide_distribution_channel: bool = False
    default_store: str | None = None
    availability_max: Decimal | None = None
    is_orders_enabled: bool = True
    order_document_types: tuple[str, ...] | None = None  # None = all
    hide_lines: bool = False
    time_zone: dt.tzinfo = UTC


class _Malformed(Exception):
    pass


def parse_site_settings(text: str | None) -> SiteSettings | Rejection:
    """The settings of a site from its JSON text; empty text means every default. CC008 when malformed."""
    if text is None or not text.strip():
        return SiteSettings()
    try:
        raw = json.loads(text, parse_float=Decimal)
        if not isinstance(raw, dict):
            raise _Malformed("the settings must be a JSON object")
        return _settings(raw)
    except (ValueError, _Malformed) as error:  # json.JSONDecodeError is a ValueError
        return reject(
            Code.CC008, f"The site's settings are not well-formed: {error}. Ask the site's administrator."
        )


def _settings(raw: dict[str, Any]) -> SiteSettings:
    enabled = raw.get("IsNewOrderEnabled")
    if enabled is not None and not isinstance(enabled, bool):
        raise _Malformed("IsNewOrderEnabled must be true or false")
    return SiteSettings(
        is_new_order_enabled=enabled,
        new_order_document_type=_text(raw, "NewOrderDocumentType"),
        site_channel=_channel(raw.get("SiteChannel")),
        hide_customer_products=_flag(raw, "HideCustomerProducts", False),
        hide_distribution_channel=_flag(raw, "HideDistributionChannel", False),
        default_store=_text(raw, "DefaultStore"),
        availability_max=_number(raw, "AvailabilityMax"),
        is_orders_enabled=_flag(raw, "IsOrdersEnabled", True),
        order_document_types=_texts(raw, "OrderDocumentTypes"),
        hide_lines=_flag(raw, "HideLines", False),
        time_zone=_zone(raw.get("TimeZone")),
    )


def _flag(raw: dict[str, Any], key: str, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise _Malformed(f"{key} must be true or false")
    return value


def _text(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # ids are often written as numbers
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise _Malformed(f"{key} must be a non-empty string")
    return value


def _texts(raw: dict[str, Any], key: str) -> tuple[str, ...] | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str | int) for item in value):
        raise _Malformed(f"{key} must be a list of document type ids")
    return tuple(str(item) for item in value)


def _number(raw: dict[str, Any], key: str) -> Decimal | None:
    """A JSON number, or a decimal written as a string (as the catalog publishes quantities)."""
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except ArithmeticError as error:
            raise _Malformed(f"{key} must be a number") from error
        if number.is_finite():
            return number
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _Malformed(f"{key} must be a number")
    return Decimal(value)


def _channel(value: Any) -> Channel:
    """`{"Code": "WEB", "Name": "Online store"}`, or just a code (as the catalog publishes it; the name
    then comes from `SiteFacts.channel_names`, else it is the code)."""
    if value is None:
        return CLIENT_CENTER
    if isinstance(value, str) and 0 < len(value) <= 10:
        return Channel(code=value, name=value)
    if isinstance(value, dict):
        code, name = value.get("Code"), value.get("Name", value.get("Code"))
        if isinstance(code, str) and 0 < len(code) <= 10 and isinstance(name, str):
            return Channel(code=code, name=name)
    raise _Malformed("SiteChannel must be a channel code (up to 10 characters) or {Code, Name}")


def _zone(value: Any) -> dt.tzinfo:
    if value is None:
        return UTC
    if not isinstance(value, str):
        raise _Malformed("TimeZone must be a time zone name such as Europe/Sofia")
    try:
        return ZoneInfo(value)  # the tz database is a constant table, not I/O in the domain's sense
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise _Malformed(f"TimeZone {value!r} is not a known time zone") from error
