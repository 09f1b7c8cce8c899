"""Checking a site's settings JSON (domain.md section 2) before the catalog accepts the site.

CC008: the settings are not well-formed: not JSON, not an object, an unknown key, a value of the wrong type,
or an unknown time zone. CC009: New Order is half configured (only one of IsNewOrderEnabled and
NewOrderDocumentType is set), or NewOrderDocumentType names no document type, or not a sales-order type.
Unknown keys are refused (not ignored) because a misspelt key would silently keep its default.
"""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from pydantic import ValidationError

from contracts.catalog import SiteSettings
from contracts.codes import SETTINGS_DOCUMENT_TYPE, SETTINGS_NOT_WELL_FORMED

KNOWN_KEYS = frozenset(field.alias or name for name, field in SiteSettings.model_fields.items())


@dataclass(frozen=True)
class SettingsProblem:
    code: str
    reason: str


def parse_settings(raw: object) -> SiteSettings | SettingsProblem:
    """JSON text (or an already decoded object; empty = all defaults) to checked settings, or CC008."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return SiteSettings()
    if isinstance(raw, str):
        try:
            raw = json.loads(raw, parse_float=Decimal)
        except ValueError as error:
            return SettingsProblem(SETTINGS_NOT_WELL_FORMED, f"settings are not well-formed JSON: {error}")
    if not isinstance(raw, dict):
        return SettingsProblem(SETTINGS_NOT_WELL_FORMED, "settings must be a JSON object")
    unknown = sorted(set(raw) - KNOWN_KEYS)
    if unknown:
        return SettingsProblem(SETTINGS_NOT_WELL_FORMED, f"unknown settings: {', '.join(unknown)}")
    if raw.get("NewOrderDocumentType") == "":
        raw = {**raw, "NewOrderDocumentType": None}  # an empty name names no document type: CC009 below
    try:
        settings = SiteSettings.model_validate(raw)
    except ValidationError as error:
        return SettingsProblem(SETTINGS_NOT_WELL_FORMED, f"settings: {_first(error)}")
    try:
        zoneinfo.ZoneInfo(settings.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return SettingsProblem(
            SETTINGS_NOT_WELL_FORMED, f"TimeZone {settings.time_zone!r} is no IANA time zone"
        )
    return settings


def check_document_type(settings: SiteSettings, document_types: Mapping[str, bool]) -> SettingsProblem | None:
    """CC009 unless New Order is either off or on with a sales-order document type.

    `document_types` maps every known document type code to whether it is a sales-order type.
    """
    enabled, document_type = settings.is_new_order_enabled, settings.new_order_document_type
    if enabled and document_type is None:
        return SettingsProblem(
            SETTINGS_DOCUMENT_TYPE, "IsNewOrderEnabled is set but NewOrderDocumentType is not"
        )
    if document_type is None:
        return None
    if not enabled:
        return SettingsProblem(
            SETTINGS_DOCUMENT_TYPE, "NewOrderDocumentType is set but IsNewOrderEnabled is not"
        )
    if document_type not in document_types:
        return SettingsProblem(
            SETTINGS_DOCUMENT_TYPE, f"NewOrderDocumentType {document_type!r} names no document type"
        )
    if not document_types[document_type]:
        return SettingsProblem(
            SETTINGS_DOCUMENT_TYPE, f"NewOrderDocumentType {document_type!r} is no sales-order type"
        )
    return None


def check_settings(raw: object, document_types: Mapping[str, bool]) -> SiteSettings | SettingsProblem:
    """Both checks: CC008 first, then CC009."""
    settings = parse_settings(raw)
    if isinstance(settings, SettingsProblem):
        return settings
    return check_document_type(settings, document_types) or settings


def _first(error: ValidationError) -> str:
    detail = error.errors()[0]
    where = ".".join(str(part) for part in detail["loc"]) or "value"
    return f"{where}: {detail['msg']}"
