"""JSON-safe payload pieces shared by the events: Decimal as str, dates and times ISO 8601.

Readers are tolerant: unknown keys are ignored and optional keys may be missing, so adding a field to
an event never breaks an older reader.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from order_draft.domain.frozen import constructor
from order_draft.domain.lines import AppliedDiscount, Line, LinePrice, LineSource

Payload = dict[str, Any]
# Every line event carries a price or a line: these are built per event read (a rebuild reads millions).
_price = constructor(LinePrice)
_discount = constructor(AppliedDiscount)
_line = constructor(Line)


def text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def date_or_none(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def iso_or_none(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def price_to_payload(price: LinePrice | None) -> Payload | None:
    if price is None:
        return None
    return {
        "unit_price": str(price.unit_price),
        "currency": price.currency,
        "discount_percent": str(price.discount_percent),
        "amount": str(price.amount),
        "price_entry_id": price.price_entry_id,
        "discounts": [
            {"level": d.level, "entry_id": d.entry_id, "percent": str(d.percent)} for d in price.discounts
        ],
        "revision": price.revision,
    }


def price_from_payload(payload: Payload | None) -> LinePrice | None:
    if payload is None:
        return None
    return _price(
        unit_price=Decimal(payload["unit_price"]),
        currency=payload["currency"],
        discount_percent=Decimal(payload["discount_percent"]),
        amount=Decimal(payload["amount"]),
        price_entry_id=payload.get("price_entry_id"),
        discounts=tuple(
            [
                _discount(level=int(d["level"]), entry_id=d["entry_id"], percent=Decimal(d["percent"]))
                for d in payload.get("discounts", ())
            ]
        ),
        revision=int(payload["revision"]),
    )


def line_to_payload(line: Line) -> Payload:
    return {
        "line_id": line.line_id,
        "product_code": line.product_code,
        "name": line.name,
        "unit": line.unit,
        "quantity": str(line.quantity),
        "source": line.source.value,
        "package_id": line.package_id,
        "price": price_to_payload(line.price),
    }


def line_from_payload(payload: Payload) -> Line:
    return _line(
        line_id=payload["line_id"],
        product_code=payload["product_code"],
        name=payload.get("name"),
        unit=payload["unit"],
        quantity=Decimal(payload["quantity"]),
        source=LineSource(payload["source"]),
        package_id=payload.get("package_id"),
        price=price_from_payload(payload.get("price")),
    )
