"""Order-draft commands and replies: dispatch by type, keys, quantity rules."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from contract_samples import DRAFT_ID, SAMPLES, USER
from pydantic import TypeAdapter, ValidationError

from contracts.envelope import Rejected
from contracts.order_draft import (
    Accepted,
    AddLine,
    DraftCommand,
    OpenDraft,
    OrderDraftCommand,
    OrderDraftReply,
    SetLineQuantity,
)

COMMANDS = [m for m in SAMPLES if isinstance(m, DraftCommand)]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda m: type(m).__name__)
def test_every_command_is_read_back_as_its_type(command: DraftCommand) -> None:
    read = TypeAdapter(OrderDraftCommand).validate_json(command.model_dump_json())
    assert type(read) is type(command)
    assert read == command


def test_commands_are_keyed_by_site_and_customer() -> None:
    assert OpenDraft(actor=USER, site="PORTAL").partition_key() == "PORTAL|C-1"


def test_a_command_needs_an_actor_and_a_site() -> None:
    with pytest.raises(ValidationError):
        OpenDraft.model_validate({"site": "PORTAL"})
    with pytest.raises(ValidationError):
        OpenDraft.model_validate({"actor": {"user_id": "U-1"}})


def test_adding_needs_a_positive_quantity_while_setting_zero_removes() -> None:
    with pytest.raises(ValidationError):
        AddLine(actor=USER, site="S", draft_id=DRAFT_ID, product_code="P1", quantity=Decimal(0))
    zero = SetLineQuantity(actor=USER, site="S", draft_id=DRAFT_ID, line_id="1", quantity=Decimal(0))
    assert zero.quantity == 0


def test_a_retry_keeps_the_command_id() -> None:
    command = OpenDraft(actor=USER, site="PORTAL")
    again = OpenDraft.model_validate(json.loads(command.model_dump_json()))
    assert again.command_id == command.command_id


@pytest.mark.parametrize("reply_type", [Accepted, Rejected])
def test_replies_are_read_back_by_their_type(reply_type: type) -> None:
    reply = next(m for m in SAMPLES if type(m) is reply_type)
    assert type(TypeAdapter(OrderDraftReply).validate_json(reply.model_dump_json())) is reply_type
