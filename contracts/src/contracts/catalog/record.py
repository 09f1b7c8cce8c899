"""The base of every catalog entity: the shape it is imported, stored, commanded and published in."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Self

from pydantic import StringConstraints, model_validator

from contracts.envelope import Contract
from contracts.types import Date

# Distribution channel codes are short in the back office (domain.md section 3).
ChannelCode = Annotated[
    str, StringConstraints(min_length=1, max_length=10, pattern=r"^[^|\s]([^|]*[^|\s])?$")
]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class Record(Contract):
    """One catalog entity. `kind` (a Literal in each subclass) tells records apart in an admin command;
    `KEY_FIELDS` make the natural key, which keys the entity's row, its Kafka messages and its tombstone."""

    kind: str
    KEY_FIELDS: ClassVar[tuple[str, ...]] = ("code",)

    def key(self) -> str:
        """The natural key: the key fields' values joined by "|" (codes never contain "|")."""
        return "|".join(_part(getattr(self, name)) for name in self.KEY_FIELDS)


def _part(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


class Dated(Record):
    """An active flag and an inclusive validity period; no thru date = open-ended."""

    active: bool = True
    from_date: Date
    thru_date: Date | None = None

    @model_validator(mode="after")
    def _period_is_ordered(self) -> Self:
        if self.thru_date is not None and self.thru_date < self.from_date:
            raise ValueError("thru_date is before from_date")
        return self
