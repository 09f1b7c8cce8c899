"""OpenDraft, SetNotes, SetRequiredDeliveryDate and RefreshPrices.

Each decider gets the draft as repriced for this command (see `decide`) and returns its own events;
setting what is already set returns none, so the version only moves when something changed.
"""

from __future__ import annotations

from order_draft.domain.access import Granted
from order_draft.domain.commands import OpenDraft, RefreshPrices, SetNotes, SetRequiredDeliveryDate
from order_draft.domain.events import DraftOpened, Event, NotesSet, RequiredDeliveryDateSet
from order_draft.domain.rejections import Code, Rejection, reject
from order_draft.domain.state import Draft

Decided = list[Event] | Rejection


def open_new_draft(command: OpenDraft, granted: Granted) -> Decided:
    """No active draft for (site, customer): it exists from now, on the site channel and default store."""
    assert granted.document_type is not None  # customer_access(new_order=True) established it
    channel = granted.settings.site_channel
    return [
        DraftOpened(
            draft_id=command.new_draft_id,
            document_number=command.document_number,
            document_type=granted.document_type,
            site=command.site,
            customer=command.actor.customer_id,
            enterprise_company=granted.enterprise_company,
            channel_code=channel.code,
            channel_name=channel.name,
            store=granted.settings.default_store,
            order_date=granted.today,
            opened_at=command.at,
            opened_by=command.actor.user_id,
        )
    ]


def open_draft(command: OpenDraft, draft: Draft, granted: Granted) -> Decided:
    """The active draft is restored as it is (after repricing); opening again adds nothing."""
    return []


def set_notes(command: SetNotes, draft: Draft, granted: Granted) -> Decided:
    """Free text, optional; blank clears. Notes never block placing."""
    notes = command.notes.strip() if command.notes and command.notes.strip() else None
    return [] if notes == draft.notes else [NotesSet(notes=notes)]


def set_required_delivery_date(command: SetRequiredDeliveryDate, draft: Draft, granted: Granted) -> Decided:
    """A date from today on (the site's calendar); it becomes the context date the lines are priced on."""
    date = command.required_delivery_date
    if date is not None and date < granted.today:
        return reject(
            Code.DELIVERY_DATE_IN_PAST,
            f"Choose a delivery date from {granted.today.isoformat()} on.",
            earliest=granted.today.isoformat(),
        )
    if date == draft.required_delivery_date:
        return []
    return [RequiredDeliveryDateSet(required_delivery_date=date)]


def refresh_prices(command: RefreshPrices, draft: Draft, granted: Granted) -> Decided:
    """Nothing of its own: the repricing every command does first is the whole point."""
    return []
