"""PlaceOrder, CancelOrder and ReleaseOrder: the draft's life after New.

PlaceOrder compares what the user confirmed with the draft as repriced for this very command: a
version that moved (catalog drift, another edit) or, for L30 and above, totals that differ are refused
with the current draft in the details, so nobody is charged a price they were not shown.
"""

from __future__ import annotations

from order_draft.domain.access import Granted
from order_draft.domain.commands import CancelOrder, PlaceOrder, ReleaseOrder
from order_draft.domain.events import Event, OrderCancelled, OrderPlaced, OrderReleased
from order_draft.domain.rejections import Code, Rejection, reject
from order_draft.domain.roles import sees_money
from order_draft.domain.state import Draft, DraftStatus
from order_draft.domain.view import draft_view

Decided = list[Event] | Rejection


def place_order(command: PlaceOrder, draft: Draft, granted: Granted) -> Decided:
    """Submitted, with today (site calendar) as the order date; it is no longer the active draft."""
    if not draft.lines:
        return reject(Code.DRAFT_EMPTY, "Add at least one product before placing the order.")
    money, totals = sees_money(granted.role), draft.totals
    if command.confirmed_version != draft.version:
        return reject(
            Code.DRAFT_CHANGED,
            "The order changed since you confirmed it (prices or lines). Review it and confirm again.",
            confirmed_version=command.confirmed_version,
            version=draft.version,
            totals=totals.to_payload() if money else None,
            draft=draft_view(draft, granted.role),
        )
    if money and command.confirmed_totals is None:
        return reject(Code.TOTALS_REQUIRED, "Confirm the order's totals you see.", version=draft.version)
    if money and command.confirmed_totals != totals:
        assert command.confirmed_totals is not None
        return reject(
            Code.TOTALS_CHANGED,
            "The totals differ from the ones you confirmed. Review the order and confirm again.",
            confirmed_totals=command.confirmed_totals.to_payload(),
            totals=totals.to_payload(),
            version=draft.version,
            draft=draft_view(draft, granted.role),
        )
    unpriced = [line.line_id for line in draft.unpriced_lines()]
    if unpriced:
        return reject(
            Code.LINES_WITHOUT_PRICE,
            "Some lines have no price. Remove them or ask your sales contact.",
            line_ids=unpriced,
        )
    placed = OrderPlaced(
        order_date=granted.today,
        placed_at=command.at,
        placed_by=command.actor.user_id,
        totals=totals,
        confirmed_version=command.confirmed_version,
    )
    return [placed]


def cancel_order(command: CancelOrder, draft: Draft, granted: Granted) -> Decided:
    """A submitted order can be cancelled until the supplier releases it."""
    if draft.status is DraftStatus.RELEASED:
        return reject(
            Code.ALREADY_RELEASED, "The supplier has released this order; contact them to change it."
        )
    if draft.status is not DraftStatus.SUBMITTED:
        return _wrong_status(draft, "cancelled", DraftStatus.SUBMITTED)
    reason = command.reason.strip() if command.reason and command.reason.strip() else None
    return [OrderCancelled(cancelled_at=command.at, cancelled_by=command.actor.user_id, reason=reason)]


def release_order(command: ReleaseOrder, draft: Draft, granted: Granted) -> Decided:
    if draft.status is DraftStatus.RELEASED:
        return reject(Code.ALREADY_RELEASED, "The order is already released.")
    if draft.status is not DraftStatus.SUBMITTED:
        return _wrong_status(draft, "released", DraftStatus.SUBMITTED)
    return [OrderReleased(released_at=command.at, released_by=command.actor.user_id)]


def _wrong_status(draft: Draft, verb: str, needed: DraftStatus) -> Rejection:
    return reject(
        Code.WRONG_STATUS,
        f"Only a {needed.value} order can be {verb}; this one is {draft.status.value}.",
        status=draft.status.value,
        needed=needed.value,
    )
