"""A draft written as the command handler writes it (domain events with command metadata), and reading
a command's --json output."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

from typer.testing import Result

from order_draft.domain import (
    AppliedDiscount,
    DraftOpened,
    Event,
    Line,
    LineAdded,
    LinePrice,
    LineQuantityChanged,
    LineRemoved,
    LineSource,
    NotesSet,
)
from order_draft.handlers.drafts import stream_of
from order_draft.store import EventStore, NewEvent

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def price(unit: str, quantity: str, entry: str, revision: int) -> LinePrice:
    discounts = (AppliedDiscount(level=1, entry_id="D-TOOLS", percent=Decimal("0.10")),)
    amount = (Decimal(unit) * Decimal(quantity) * Decimal("0.9")).quantize(Decimal("0.01"))
    return LinePrice(
        unit_price=Decimal(unit),
        currency="EUR",
        discount_percent=Decimal("0.10"),
        amount=amount,
        price_entry_id=entry,
        discounts=discounts,
        revision=revision,
    )


def opened(draft_id: str) -> DraftOpened:
    """A draft opened at NOW by U1 for customer C1 on site S1 (every test story starts so)."""
    return DraftOpened(
        draft_id=draft_id,
        document_number="SO-1",
        document_type="SO",
        site="S1",
        customer="C1",
        enterprise_company="EC",
        channel_code="CC",
        channel_name="Client Center",
        store="ST1",
        order_date=NOW.date(),
        opened_at=NOW,
        opened_by="U1",
    )


def story(draft_id: str) -> list[Event]:
    """Opened; two lines added; the first's quantity changed (repriced at revision 4); notes; the second
    line removed: six events, versions 1-6."""
    hammer = Line(
        line_id="L1",
        product_code="A100",
        unit="pcs",
        quantity=Decimal(2),
        source=LineSource.CUSTOMER_PRODUCTS,
        price=price("10.00", "2", "P-A100", 3),
        name="Hammer",
    )
    nails = Line(
        line_id="L2",
        product_code="CC1",
        unit="kg",
        quantity=Decimal(1),
        source=LineSource.SITE_CHANNEL,
        price=price("7.00", "1", "P-CC1", 3),
    )
    return [
        opened(draft_id),
        LineAdded(line=hammer),
        LineAdded(line=nails),
        LineQuantityChanged(line_id="L1", quantity=Decimal(5), price=price("9.50", "5", "P-A100-Q5", 4)),
        NotesSet(notes="ring twice"),
        LineRemoved(line_id="L2"),
    ]


def metadata(version: int) -> dict[str, Any]:
    command = str(uuid.uuid4())
    return {
        "command_id": command,
        "correlation_id": f"corr-{version}",
        "causation_id": command,
        "user_id": "U1",
        "customer_id": "C1",
    }


async def write_draft(store: EventStore, draft_id: str) -> list[Event]:
    """The story appended one command (one transaction) per event, as the service would."""
    events = story(draft_id)
    for version, event in enumerate(events, start=1):
        new = NewEvent(event.event_type, event.to_payload(), event.schema_version, metadata(version))
        await store.append(stream_of(draft_id), [new], expected_version=version - 1)
    return events


def output(result: Result) -> Any:
    """The --json output, after checking the command succeeded."""
    assert result.exit_code == 0, f"exit {result.exit_code}: {result.stderr}{result.exception!r}"
    return json.loads(result.stdout)
