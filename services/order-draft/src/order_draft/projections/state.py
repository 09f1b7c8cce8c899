"""The draft as the read model stores it: the whole domain state as JSON, enough to apply the next event
without reading the stream again (Decimal as text, dates ISO, lines in their order)."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import Any

from order_draft.domain.events.payloads import date_or_none, iso_or_none, line_from_payload, line_to_payload
from order_draft.domain.lines import Line
from order_draft.domain.settings import Channel
from order_draft.domain.state import Draft, DraftStatus


class _LinePayloads:
    """Each domain line's payload, by identity: a page changes one line of a draft and its row carries
    them all (the same idea as the reply's wire lines, handlers.replies._LineCache). A line is immutable
    and held here, so its id is not reused while cached. The payloads are shared: never mutate one."""

    def __init__(self, capacity: int = 50_000) -> None:
        self.capacity = capacity
        self._payloads: dict[int, tuple[Line, dict[str, Any]]] = {}

    def get(self, line: Line) -> dict[str, Any]:
        hit = self._payloads.get(id(line))
        if hit is not None and hit[0] is line:
            return hit[1]
        payload = line_to_payload(line)
        if len(self._payloads) >= self.capacity:
            del self._payloads[next(iter(self._payloads))]
        self._payloads[id(line)] = (line, payload)
        return payload


_LINE_PAYLOADS = _LinePayloads()


def draft_to_json(draft: Draft) -> dict[str, Any]:
    return {
        "draft_id": draft.draft_id,
        "status": draft.status.value,
        "document_number": draft.document_number,
        "document_type": draft.document_type,
        "site": draft.site,
        "customer": draft.customer,
        "enterprise_company": draft.enterprise_company,
        "channel": {"code": draft.channel.code, "name": draft.channel.name},
        "store": draft.store,
        "order_date": draft.order_date.isoformat(),
        "opened_at": draft.opened_at.isoformat(),
        "version": draft.version,
        "lines": [_LINE_PAYLOADS.get(line) for line in draft.lines.values()],
        "packages": dict(draft.packages),
        "notes": draft.notes,
        "required_delivery_date": iso_or_none(draft.required_delivery_date),
        "placed_at": None if draft.placed_at is None else draft.placed_at.isoformat(),
    }


def draft_from_json(data: dict[str, Any]) -> Draft:
    lines = [line_from_payload(line) for line in data["lines"]]
    placed_at = data.get("placed_at")
    return Draft(
        draft_id=data["draft_id"],
        status=DraftStatus(data["status"]),
        document_number=data["document_number"],
        document_type=data["document_type"],
        site=data["site"],
        customer=data["customer"],
        enterprise_company=data["enterprise_company"],
        channel=Channel(code=data["channel"]["code"], name=data["channel"]["name"]),
        store=data.get("store"),
        order_date=dt.date.fromisoformat(data["order_date"]),
        opened_at=dt.datetime.fromisoformat(data["opened_at"]),
        version=int(data["version"]),
        lines=MappingProxyType({line.line_id: line for line in lines}),
        packages=MappingProxyType({k: int(v) for k, v in data["packages"].items()}),
        notes=data.get("notes"),
        required_delivery_date=date_or_none(data.get("required_delivery_date")),
        placed_at=None if placed_at is None else dt.datetime.fromisoformat(placed_at),
    )
