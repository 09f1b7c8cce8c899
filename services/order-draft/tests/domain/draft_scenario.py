"""given(events).when(command).then(events): the decider's tests read as the rules they check."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from draft_fixtures import FACTS, NOW, TODAY

from order_draft.domain import (
    Actor,
    AppliedDiscount,
    CatalogFacts,
    Code,
    Decision,
    Draft,
    DraftCommand,
    DraftOpened,
    DraftState,
    Event,
    Line,
    LinePrice,
    LineSource,
    Rejection,
    decide,
    fold,
)

C = TypeVar("C", bound=DraftCommand)
_ids = itertools.count(1)

OPENED = DraftOpened(
    draft_id="D1",
    document_number="SO-0001",
    document_type="SO",
    site="S1",
    customer="C1",
    enterprise_company="EC",
    channel_code="CC",
    channel_name="Client Center",
    store="ST1",
    order_date=TODAY,
    opened_at=NOW,
    opened_by="U1",
)


def command(kind: type[C], **fields: Any) -> C:
    """A command of U1 for C1 on site S1 at NOW, with a fresh command id unless given."""
    defaults: dict[str, Any] = {
        "command_id": f"c{next(_ids)}",
        "actor": Actor(user_id="U1", customer_id="C1"),
        "site": "S1",
        "at": NOW,
    }
    return kind(**(defaults | fields))


def eur(
    unit: str, amount: str, entry: str | None, discounts: Sequence[tuple[int, str, str]] = (), **kw: Any
) -> LinePrice:
    """A line price in EUR; `discount_percent` is the cascade of `discounts` unless given."""
    applied = tuple(AppliedDiscount(level=lv, entry_id=e, percent=Decimal(p)) for lv, e, p in discounts)
    remaining = Decimal(1)
    for d in applied:
        remaining *= 1 - d.percent
    return LinePrice(
        unit_price=Decimal(unit),
        currency="EUR",
        discount_percent=kw.get("discount_percent", 1 - remaining),
        amount=Decimal(amount),
        price_entry_id=entry,
        discounts=applied,
        revision=kw.get("revision", 1),
    )


def line(line_id: str, code: str, quantity: str, price: LinePrice | None, **fields: Any) -> Line:
    from draft_fixtures import PRODUCTS

    product = PRODUCTS[code]
    return Line(
        line_id=line_id,
        product_code=code,
        name=product.name,
        unit=product.unit,
        quantity=Decimal(quantity),
        source=fields.pop("source", LineSource.CUSTOMER_PRODUCTS),
        price=price,
        **fields,
    )


@dataclass
class Then:
    state: DraftState
    decision: Decision

    def then(self, *events: Event) -> Draft | None:
        """Exactly these events; returns the state after them."""
        assert not isinstance(self.decision, Rejection), f"rejected: {self.decision}"
        assert list(self.decision) == list(events)
        return fold(self.state, self.decision)

    def events(self) -> list[Event]:
        assert not isinstance(self.decision, Rejection), f"rejected: {self.decision}"
        return list(self.decision)

    @property
    def code(self) -> Code | None:
        """The rejection's code; None when the command was accepted."""
        return self.decision.code if isinstance(self.decision, Rejection) else None

    def rejected(self, code: Code) -> Rejection:
        assert isinstance(self.decision, Rejection), f"accepted: {self.decision}"
        assert self.decision.code is code, self.decision
        assert self.decision.message
        return self.decision


@dataclass
class Given:
    state: DraftState

    def when(self, cmd: DraftCommand, facts: CatalogFacts = FACTS) -> Then:
        return Then(self.state, decide(cmd, self.state, facts))  # type: ignore[arg-type]


def given(*events: Event) -> Given:
    return Given(fold(None, events))


def opened(*events: Event) -> Given:
    """The draft D1 of C1 on S1, opened today, then `events`."""
    return given(OPENED, *events)
