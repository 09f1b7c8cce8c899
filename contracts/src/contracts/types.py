"""Field types shared by every message: strict, yet readable from their JSON text in both validation modes.

Messages validate in strict mode (an int field refuses "5", a bool refuses "yes", a Decimal refuses a
float). A consumer may validate the raw JSON (`model_validate_json`) or the decoded dict (`model_validate`,
which is what FastStream does); strict Python mode would refuse an ISO date string or a list for a tuple,
so the types whose JSON form is a string or an array accept that form explicitly, and nothing looser.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, StringConstraints, WithJsonSchema

T = TypeVar("T")

DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
_DECIMAL = re.compile(DECIMAL_PATTERN)


def _decimal(value: Any) -> Any:
    # bool is an int subclass and float is lossy: neither is money
    if isinstance(value, bool | float):
        raise ValueError('a decimal must be written as a string, e.g. "12.50"')
    if isinstance(value, str):
        if not _DECIMAL.match(value):
            raise ValueError(f"not a plain decimal number: {value!r}")
        return Decimal(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError("a decimal must be finite")
    return value


def _decimal_type(description: str) -> Any:
    return Annotated[
        Decimal,
        BeforeValidator(_decimal),
        PlainSerializer(str, return_type=str, when_used="json"),
        WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN, "description": description}),
    ]


Money = _decimal_type("money, a decimal written as a string")
Quantity = _decimal_type("a quantity, a decimal written as a string")
Percent = _decimal_type('a fraction written as a string: "0.10" is 10 %')


def _from_iso(parse: Any) -> Any:
    def parsed(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return parse(value)
            except ValueError as error:
                raise ValueError(f"not an ISO 8601 value: {value!r}") from error
        return value

    return parsed


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("a time must carry its time zone (times are UTC)")
    return value.astimezone(dt.UTC)


def _uuid(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return uuid.UUID(value)
        except ValueError as error:
            raise ValueError(f"not a UUID: {value!r}") from error
    return value


Date = Annotated[dt.date, BeforeValidator(_from_iso(dt.date.fromisoformat))]
UtcDateTime = Annotated[
    dt.datetime, BeforeValidator(_from_iso(dt.datetime.fromisoformat)), AfterValidator(_utc)
]
Id = Annotated[uuid.UUID, BeforeValidator(_uuid)]

# A natural key or a reference to one. "|" joins the parts of a composite key, so no code may hold it.
Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^|\s]([^|]*[^|\s])?$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
TopicName = Annotated[str, StringConstraints(min_length=1, max_length=249, pattern=r"^[A-Za-z0-9._-]+$")]


def _as_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


# An immutable list: a JSON array in the message, a tuple in Python (messages are frozen).
Items = Annotated[tuple[T, ...], BeforeValidator(_as_tuple)]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
