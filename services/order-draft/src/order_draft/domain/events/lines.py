"""Events of the draft's lines: added, quantity changed, removed, repriced, and package lines set."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from order_draft.domain.events.payloads import (
    Payload,
    line_from_payload,
    line_to_payload,
    price_from_payload,
    price_to_payload,
)
from order_draft.domain.frozen import constructor
from order_draft.domain.lines import Line, LinePrice


@dataclass(frozen=True, kw_only=True, slots=True)
class LineAdded:
    """A product's line, priced (or marked unpriced) as of the catalog revision in its price."""

    event_type: ClassVar[str] = "LineAdded"
    schema_version: ClassVar[int] = 1
    line: Line

    def to_payload(self) -> Payload:
        return {"line": line_to_payload(self.line)}

    @classmethod
    def from_payload(cls, p: Payload) -> LineAdded:
        return _line_added(line=line_from_payload(p["line"]))


@dataclass(frozen=True, kw_only=True, slots=True)
class LineQuantityChanged:
    """A new quantity, with the price it brings (quantity bounds may pick other entries)."""

    event_type: ClassVar[str] = "LineQuantityChanged"
    schema_version: ClassVar[int] = 1
    line_id: str
    quantity: Decimal
    price: LinePrice | None

    def to_payload(self) -> Payload:
        return {
            "line_id": self.line_id,
            "quantity": str(self.quantity),
            "price": price_to_payload(self.price),
        }

    @classmethod
    def from_payload(cls, p: Payload) -> LineQuantityChanged:
        price = price_from_payload(p.get("price"))
        return _quantity_changed(line_id=p["line_id"], quantity=Decimal(p["quantity"]), price=price)


@dataclass(frozen=True, kw_only=True, slots=True)
class LineRemoved:
    event_type: ClassVar[str] = "LineRemoved"
    schema_version: ClassVar[int] = 1
    line_id: str

    def to_payload(self) -> Payload:
        return {"line_id": self.line_id}

    @classmethod
    def from_payload(cls, p: Payload) -> LineRemoved:
        return cls(line_id=p["line_id"])


@dataclass(frozen=True, kw_only=True, slots=True)
class LineRepriced:
    """The catalog changed under a line (price drift), or its context date moved: old and new price.

    `new_price` None: no price applies any more. `revision` is the catalog revision repriced against.
    """

    event_type: ClassVar[str] = "LineRepriced"
    schema_version: ClassVar[int] = 1
    line_id: str
    old_price: LinePrice | None
    new_price: LinePrice | None
    revision: int

    def to_payload(self) -> Payload:
        return {
            "line_id": self.line_id,
            "old_price": price_to_payload(self.old_price),
            "new_price": price_to_payload(self.new_price),
            "revision": self.revision,
        }

    @classmethod
    def from_payload(cls, p: Payload) -> LineRepriced:
        return _repriced(
            line_id=p["line_id"],
            old_price=price_from_payload(p.get("old_price")),
            new_price=price_from_payload(p.get("new_price")),
            revision=int(p["revision"]),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class PackageQuantitySet:
    """N of a package: `lines` replace every line of that package (none when the count is 0).

    One event for add, change and remove, so a package's lines never exist half-updated.
    """

    event_type: ClassVar[str] = "PackageQuantitySet"
    schema_version: ClassVar[int] = 1
    package_id: str
    count: int
    lines: tuple[Line, ...]

    def to_payload(self) -> Payload:
        return {
            "package_id": self.package_id,
            "count": self.count,
            "lines": [line_to_payload(line) for line in self.lines],
        }

    @classmethod
    def from_payload(cls, p: Payload) -> PackageQuantitySet:
        return cls(
            package_id=p["package_id"],
            count=int(p["count"]),
            lines=tuple(line_from_payload(line) for line in p.get("lines", ())),
        )


# The most frequent events, built per event read (a rebuild reads millions): see domain.frozen.
_line_added = constructor(LineAdded)
_quantity_changed = constructor(LineQuantityChanged)
_repriced = constructor(LineRepriced)
