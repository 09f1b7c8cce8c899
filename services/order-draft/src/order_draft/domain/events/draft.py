"""Events of the draft as a whole: opened, notes, delivery date, placed, cancelled, released."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from order_draft.domain.events.payloads import Payload, date_or_none, iso_or_none
from order_draft.domain.lines import Totals


@dataclass(frozen=True, kw_only=True, slots=True)
class DraftOpened:
    """New Order opened with no active draft: the draft exists (status New) from this moment."""

    event_type: ClassVar[str] = "DraftOpened"
    schema_version: ClassVar[int] = 1
    draft_id: str
    document_number: str
    document_type: str
    site: str
    customer: str
    enterprise_company: str
    channel_code: str
    channel_name: str
    store: str | None
    order_date: dt.date  # the document date: today on the site's calendar
    opened_at: dt.datetime
    opened_by: str

    def to_payload(self) -> Payload:
        return {
            "draft_id": self.draft_id,
            "document_number": self.document_number,
            "document_type": self.document_type,
            "site": self.site,
            "customer": self.customer,
            "enterprise_company": self.enterprise_company,
            "channel_code": self.channel_code,
            "channel_name": self.channel_name,
            "store": self.store,
            "order_date": self.order_date.isoformat(),
            "opened_at": self.opened_at.isoformat(),
            "opened_by": self.opened_by,
        }

    @classmethod
    def from_payload(cls, p: Payload) -> DraftOpened:
        return cls(
            draft_id=p["draft_id"],
            document_number=p["document_number"],
            document_type=p["document_type"],
            site=p["site"],
            customer=p["customer"],
            enterprise_company=p["enterprise_company"],
            channel_code=p["channel_code"],
            channel_name=p["channel_name"],
            store=p.get("store"),
            order_date=dt.date.fromisoformat(p["order_date"]),
            opened_at=dt.datetime.fromisoformat(p["opened_at"]),
            opened_by=p["opened_by"],
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class NotesSet:
    event_type: ClassVar[str] = "NotesSet"
    schema_version: ClassVar[int] = 1
    notes: str | None

    def to_payload(self) -> Payload:
        return {"notes": self.notes}

    @classmethod
    def from_payload(cls, p: Payload) -> NotesSet:
        return cls(notes=p.get("notes"))


@dataclass(frozen=True, kw_only=True, slots=True)
class RequiredDeliveryDateSet:
    event_type: ClassVar[str] = "RequiredDeliveryDateSet"
    schema_version: ClassVar[int] = 1
    required_delivery_date: dt.date | None

    def to_payload(self) -> Payload:
        return {"required_delivery_date": iso_or_none(self.required_delivery_date)}

    @classmethod
    def from_payload(cls, p: Payload) -> RequiredDeliveryDateSet:
        return cls(required_delivery_date=date_or_none(p.get("required_delivery_date")))


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderPlaced:
    """Submitted: the order date is the placing day; `totals` and `confirmed_version` are what was seen."""

    event_type: ClassVar[str] = "OrderPlaced"
    schema_version: ClassVar[int] = 1
    order_date: dt.date
    placed_at: dt.datetime
    placed_by: str
    totals: Totals
    confirmed_version: int

    def to_payload(self) -> Payload:
        return {
            "order_date": self.order_date.isoformat(),
            "placed_at": self.placed_at.isoformat(),
            "placed_by": self.placed_by,
            "totals": self.totals.to_payload(),
            "confirmed_version": self.confirmed_version,
        }

    @classmethod
    def from_payload(cls, p: Payload) -> OrderPlaced:
        return cls(
            order_date=dt.date.fromisoformat(p["order_date"]),
            placed_at=dt.datetime.fromisoformat(p["placed_at"]),
            placed_by=p["placed_by"],
            totals=Totals.from_payload(p.get("totals", {})),
            confirmed_version=int(p["confirmed_version"]),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderCancelled:
    event_type: ClassVar[str] = "OrderCancelled"
    schema_version: ClassVar[int] = 1
    cancelled_at: dt.datetime
    cancelled_by: str
    reason: str | None = None

    def to_payload(self) -> Payload:
        return {
            "cancelled_at": self.cancelled_at.isoformat(),
            "cancelled_by": self.cancelled_by,
            "reason": self.reason,
        }

    @classmethod
    def from_payload(cls, p: Payload) -> OrderCancelled:
        return cls(
            cancelled_at=dt.datetime.fromisoformat(p["cancelled_at"]),
            cancelled_by=p["cancelled_by"],
            reason=p.get("reason"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderReleased:
    event_type: ClassVar[str] = "OrderReleased"
    schema_version: ClassVar[int] = 1
    released_at: dt.datetime
    released_by: str

    def to_payload(self) -> Payload:
        return {"released_at": self.released_at.isoformat(), "released_by": self.released_by}

    @classmethod
    def from_payload(cls, p: Payload) -> OrderReleased:
        return cls(released_at=dt.datetime.fromisoformat(p["released_at"]), released_by=p["released_by"])
