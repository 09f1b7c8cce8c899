"""The draft: the state every decision starts from, rebuilt from its events by `evolve`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from order_draft.domain.lines import Line, LineSource, Totals
from order_draft.domain.settings import Channel


class DraftStatus(StrEnum):
    """New = the active draft; Submitted = placed, cancellable; Cancelled and Released are final here."""

    NEW = "New"
    SUBMITTED = "Submitted"
    CANCELLED = "Cancelled"
    RELEASED = "Released"


@dataclass(frozen=True, kw_only=True, slots=True)
class Draft:
    """A sales order from the moment New Order opens. `version` counts its events (the stream version).

    `order_date` is the document date: the site's today when the draft opened, then the placing day.
    `lines` keeps insertion order (the Order tab's order); `packages` maps a package id to its count.
    """

    draft_id: str
    status: DraftStatus
    document_number: str
    document_type: str
    site: str
    customer: str
    enterprise_company: str
    channel: Channel
    store: str | None
    order_date: dt.date
    opened_at: dt.datetime
    version: int
    lines: Mapping[str, Line] = field(default_factory=lambda: MappingProxyType({}))
    packages: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    notes: str | None = None
    required_delivery_date: dt.date | None = None
    placed_at: dt.datetime | None = None

    @property
    def is_active(self) -> bool:
        """The one draft of (site, customer) that New Order opens."""
        return self.status is DraftStatus.NEW

    @property
    def totals(self) -> Totals:
        return Totals.of(self.lines.values())

    def product_line(self, product_code: str) -> Line | None:
        """The product's own line (package lines are not it: they are changed through their package)."""
        return next(
            (
                line
                for line in self.lines.values()
                if line.product_code == product_code and line.source is not LineSource.PACKAGE
            ),
            None,
        )

    def package_lines(self, package_id: str) -> tuple[Line, ...]:
        return tuple(line for line in self.lines.values() if line.package_id == package_id)

    def unpriced_lines(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines.values() if line.price is None)


DraftState = Draft | None
"""`None` before the stream's first event."""
