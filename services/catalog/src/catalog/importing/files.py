"""Reading an import folder: one file per entity kind, CSV or JSON, every row with its file and line.

A file is named after its kind's topic (`products.csv`, `price-entries.json`; `price_entries` works too).
CSV: a header of field names; an empty cell leaves the field at its default; a list of codes is written
`A;B`; a nested value (package lines) is written as JSON. JSON: an array of objects, numbers read as
Decimal (never float). Other files (a README...) are ignored.
"""

from __future__ import annotations

import csv
import json
import typing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from catalog.problems import Problem
from contracts.catalog import KINDS

FILE_KINDS: dict[str, str] = {kind.topic.split(".")[1]: name for name, kind in KINDS.items()}
RAW_FIELDS = {("site", "settings")}  # kept as text: the settings check reports bad JSON as CC008


@dataclass(frozen=True)
class RawRow:
    kind: str
    source: str
    line: int
    data: dict[str, object]
    from_csv: bool  # cells are text: validate leniently ("true", "5"); JSON values are typed


def read_folder(folder: Path) -> tuple[list[RawRow], list[Problem]]:
    rows: list[RawRow] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return [], [Problem(str(folder), 0, "no such folder")]
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".csv", ".json"):
            continue
        kind = FILE_KINDS.get(path.stem.replace("_", "-"))
        if kind is None:
            problems.append(
                Problem(path.name, 0, f"unknown file; expected one of {', '.join(sorted(FILE_KINDS))}")
            )
            continue
        reader = _read_csv if path.suffix == ".csv" else _read_json
        read, trouble = reader(path, kind)
        rows += read
        problems += trouble
    return rows, problems


def _is_list(kind: str, name: str) -> bool:
    field = KINDS[kind].record.model_fields.get(name)
    return field is not None and typing.get_origin(field.annotation) is tuple


def _cell(kind: str, name: str, text: str) -> object:
    if (kind, name) in RAW_FIELDS:
        return text
    if text[:1] in "[{":
        return json.loads(text, parse_float=Decimal)
    if _is_list(kind, name):
        return [part.strip() for part in text.split(";") if part.strip()]
    return text


def _read_csv(path: Path, kind: str) -> tuple[list[RawRow], list[Problem]]:
    fields = KINDS[kind].record.model_fields
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        header = [name.strip() for name in reader.fieldnames or []]
        unknown = [name for name in header if name not in fields]
        if unknown:
            return [], [Problem(path.name, 1, f"unknown columns: {', '.join(unknown)}")]
        reader.fieldnames = header
        rows, problems = [], []
        for cells in reader:
            try:
                data = {
                    name: _cell(kind, name, text) for name, text in cells.items() if text and name is not None
                }
            except ValueError as error:
                problems.append(Problem(path.name, reader.line_num, f"a cell is not valid JSON: {error}"))
                continue
            rows.append(RawRow(kind, path.name, reader.line_num, data, from_csv=True))
    return rows, problems


def _read_json(path: Path, kind: str) -> tuple[list[RawRow], list[Problem]]:
    text = path.read_text(encoding="utf-8-sig")
    decoder = json.JSONDecoder(parse_float=Decimal)
    rows: list[RawRow] = []
    position, line, counted = _skip(text, 0), 1, 0
    if text[position : position + 1] != "[":
        return [], [Problem(path.name, 1, "a JSON import file is an array of objects")]
    position = _skip(text, position + 1)
    while position < len(text) and text[position] != "]":
        line, counted = line + text.count("\n", counted, position), position
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            return rows, [Problem(path.name, error.lineno, f"not valid JSON: {error.msg}")]
        if not isinstance(value, dict):
            return rows, [Problem(path.name, line, "a JSON import file is an array of objects")]
        rows.append(RawRow(kind, path.name, line, value, from_csv=False))
        position = _skip(text, end)
        if text[position : position + 1] == ",":
            position = _skip(text, position + 1)
    return rows, []


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position
