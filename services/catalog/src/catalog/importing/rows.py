"""Turning raw rows into records: field validation, site settings (CC008, CC009), duplicate keys."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from catalog.importing.files import RawRow
from catalog.problems import Problem
from catalog.site_settings import SettingsProblem, check_settings
from contracts.catalog import KINDS, DocumentType, Record


def reasons(error: ValidationError) -> str:
    parts = []
    for detail in error.errors():
        where = ".".join(str(part) for part in detail["loc"])
        parts.append(f"{where}: {detail['msg']}" if where else detail["msg"])
    return "; ".join(parts)


def to_record(row: RawRow, document_types: Mapping[str, bool]) -> Record | Problem:
    data = row.data
    if row.kind == "site":
        settings = check_settings(data.get("settings"), document_types)
        if isinstance(settings, SettingsProblem):
            return Problem(row.source, row.line, settings.reason, settings.code)
        data = {**data, "settings": settings}
    try:
        return KINDS[row.kind].record.model_validate(data, strict=not row.from_csv)
    except ValidationError as error:
        return Problem(row.source, row.line, reasons(error))


def to_records(
    rows: list[RawRow], stored_document_types: Mapping[str, bool]
) -> tuple[list[tuple[RawRow, Record]], list[Problem]]:
    """Every row as its record, or the problems; sites are checked against the document types stored
    and imported alongside them. A key may appear once per kind."""
    records: list[tuple[RawRow, Record]] = []
    problems: list[Problem] = []
    # document types first: the sites' settings name them
    ordered = sorted(rows, key=lambda row: row.kind == "site")
    document_types = dict(stored_document_types)
    first_seen: dict[tuple[str, str], RawRow] = {}
    for row in ordered:
        record = to_record(row, document_types)
        if isinstance(record, Problem):
            problems.append(record)
            continue
        if isinstance(record, DocumentType):
            document_types[record.code] = record.sales_order
        key = (row.kind, record.key())
        if key in first_seen:
            first = first_seen[key]
            problems.append(
                Problem(
                    row.source, row.line, f"duplicate key {key[1]!r}, first at {first.source}:{first.line}"
                )
            )
            continue
        first_seen[key] = row
        records.append((row, record))
    return records, sorted(problems)
