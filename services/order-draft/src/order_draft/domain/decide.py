"""decide: a command and the draft as stored, with the catalog facts, give events or a rejection.

The steps, the same for every command:
1. access: the CC setup checks, the role (L20+), the New Order switch; for ReleaseOrder, supplier staff;
2. the draft: OpenDraft without an active draft opens one; any other command needs the draft, of the
   actor's customer and site, at `expected_version` when given (the version as stored), in a status the
   command works on;
3. repricing: catalog drift becomes `LineRepriced` events first, so the command decides on today's prices;
4. the command's own decider (one function per command, dispatched below with an exhaustiveness check);
5. repricing again when the command moved the context date (a new required delivery date).
A rejection after step 3 carries the repricing in `Rejection.events`: the handler appends those too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import assert_never

from order_draft.domain.access import Granted, customer_access, owner_problem, supplier_access
from order_draft.domain.commands import (
    AddLine,
    CancelOrder,
    Command,
    OpenDraft,
    PlaceOrder,
    RefreshPrices,
    ReleaseOrder,
    RemoveLine,
    SetLineQuantity,
    SetNotes,
    SetPackageQuantity,
    SetProductQuantity,
    SetRequiredDeliveryDate,
)
from order_draft.domain.draft_commands import (
    open_draft,
    open_new_draft,
    refresh_prices,
    set_notes,
    set_required_delivery_date,
)
from order_draft.domain.events import Event
from order_draft.domain.evolve import fold
from order_draft.domain.facts import CatalogFacts
from order_draft.domain.line_commands import add_line, remove_line, set_line_quantity, set_product_quantity
from order_draft.domain.order_commands import cancel_order, place_order, release_order
from order_draft.domain.package_commands import set_package_quantity
from order_draft.domain.rejections import Code, Rejection, reject
from order_draft.domain.repricing import reprice
from order_draft.domain.state import Draft, DraftState

Decision = list[Event] | Rejection


def decide(
    command: Command, state: DraftState, facts: CatalogFacts, *, priced_with_these_facts: bool = False
) -> Decision:
    """`state` is the draft the command names (None: no such stream, or no active draft to open).

    `priced_with_these_facts`: the caller knows every line of `state` was priced against these very
    facts on this very day (it decided the command that produced `state`, and neither the catalog nor
    the date moved since), so the repricing of step 3 would find nothing; skipping it saves pricing
    every line again (about 40 µs a line). When in doubt, leave it False: repricing is always correct.
    """
    granted = _access(command, facts)
    if isinstance(granted, Rejection):
        return granted
    if isinstance(command, OpenDraft) and state is None:
        return open_new_draft(command, granted)
    if state is None:
        return reject(Code.DRAFT_UNKNOWN, "There is no such order. Open New Order again.")
    problem = _draft_problem(command, state, granted)
    if problem is not None:
        return problem
    repriced = [] if priced_with_these_facts else reprice(state, facts, granted.today)
    draft = fold(state, repriced)
    assert draft is not None
    decided = _decide(command, draft, facts, granted)
    if isinstance(decided, Rejection):
        return replace(decided, events=tuple(repriced))
    if not isinstance(command, SetRequiredDeliveryDate):
        return [*repriced, *decided]  # the command priced what it added or changed, on the same date
    after = reprice(fold(draft, decided), facts, granted.today)  # the context date moved: all lines
    return [*repriced, *decided, *after]


def _access(command: Command, facts: CatalogFacts) -> Granted | Rejection:
    if isinstance(command, ReleaseOrder):
        return supplier_access(command, facts)
    # cancelling belongs to the orders list, which stays usable when New Order is switched off
    return customer_access(command, facts, new_order=not isinstance(command, CancelOrder))


def _draft_problem(command: Command, draft: Draft, granted: Granted) -> Rejection | None:
    if isinstance(command, ReleaseOrder):
        if (draft.site, draft.enterprise_company) != (command.site, granted.enterprise_company):
            return reject(Code.NOT_SUPPLIER_STAFF, "This order belongs to another supplier or site.")
    else:
        problem = owner_problem(command, draft)
        if problem is not None:
            return problem
    if command.expected_version is not None and command.expected_version != draft.version:
        return reject(
            Code.WRONG_EXPECTED_VERSION,
            "The order changed in the meantime. Reload it and try again.",
            expected_version=command.expected_version,
            version=draft.version,
        )
    if not isinstance(command, CancelOrder | ReleaseOrder) and not draft.is_active:
        return reject(
            Code.WRONG_STATUS,
            f"This order is {draft.status.value}; only a New order can be changed or placed.",
            status=draft.status.value,
        )
    return None


def _decide(command: Command, draft: Draft, facts: CatalogFacts, granted: Granted) -> Decision:
    match command:
        case OpenDraft():
            return open_draft(command, draft, granted)
        case AddLine():
            return add_line(command, draft, facts, granted)
        case SetProductQuantity():
            return set_product_quantity(command, draft, facts, granted)
        case SetLineQuantity():
            return set_line_quantity(command, draft, facts, granted)
        case RemoveLine():
            return remove_line(command, draft, facts, granted)
        case SetNotes():
            return set_notes(command, draft, granted)
        case SetRequiredDeliveryDate():
            return set_required_delivery_date(command, draft, granted)
        case SetPackageQuantity():
            return set_package_quantity(command, draft, facts, granted)
        case RefreshPrices():
            return refresh_prices(command, draft, granted)
        case PlaceOrder():
            return place_order(command, draft, granted)
        case CancelOrder():
            return cancel_order(command, draft, granted)
        case ReleaseOrder():
            return release_order(command, draft, granted)
        case _:
            assert_never(command)
