"""JSON in and out of the store: orjson when present (much faster on reads), the standard library else."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

import orjson


def _default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)  # money stays exact: Decimal travels as a string
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | frozenset | set):
        return str(value) if isinstance(value, uuid.UUID) else sorted(value)
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    return orjson.dumps(value, default=_default).decode()


loads = orjson.loads
