"""The envelope and the field types: Decimal as strings, UTC times, strict types, tolerant readers."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from contract_samples import SAMPLES
from pydantic import ValidationError

from contracts.catalog import PriceEntry
from contracts.envelope import Actor, Message, Rejected, reply_envelope
from contracts.order_draft import AddLine
from contracts.registry import all_messages

PRICE = {"id": "E1", "product_code": "P1", "price_type": "LIST", "currency": "EUR", "from_date": "2025-01-01"}


def test_money_is_written_as_a_string_and_read_back_exactly() -> None:
    entry = PriceEntry.model_validate({**PRICE, "price": "0.10"})
    assert json.loads(entry.model_dump_json())["price"] == "0.10"
    assert PriceEntry.model_validate_json(entry.model_dump_json()).price == Decimal("0.10")


@pytest.mark.parametrize("price", [0.1, True, "1e3", "NaN", "12,50", " 1"])
def test_money_refuses_floats_and_anything_but_a_plain_decimal(price: object) -> None:
    with pytest.raises(ValidationError):
        PriceEntry.model_validate({**PRICE, "price": price})


def test_an_int_field_refuses_a_numeric_string() -> None:
    with pytest.raises(ValidationError):
        PriceEntry.model_validate({**PRICE, "price": "1", "priority": "5"})


def test_a_time_without_a_zone_is_refused_and_others_become_utc() -> None:
    with pytest.raises(ValidationError):
        Rejected(command_id=SAMPLES[0].message_id, code="X", message="m", occurred_at="2025-01-01T10:00:00")
    paris = Rejected(
        command_id=SAMPLES[0].message_id, code="X", message="m", occurred_at="2025-01-01T10:00+01:00"
    )
    assert paris.occurred_at == dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.UTC)
    assert paris.occurred_at.utcoffset() == dt.timedelta(0)


def test_readers_ignore_unknown_fields() -> None:
    entry = PriceEntry.model_validate({**PRICE, "price": "1", "added_later": {"x": 1}})
    assert "added_later" not in entry.model_dump()


def test_messages_are_frozen() -> None:
    message = SAMPLES[0]
    with pytest.raises(ValidationError):
        message.schema_version = 2  # type: ignore[misc]


def test_samples_cover_every_message_type() -> None:
    assert {type(m).__name__ for m in SAMPLES} == {m.__name__ for m in all_messages()}


def test_a_message_type_is_its_class_name() -> None:
    for message in all_messages():
        assert message.model_fields["type"].default == message.__name__


@pytest.mark.parametrize("message", SAMPLES, ids=lambda m: type(m).__name__)
def test_every_message_reads_back_from_its_json_and_from_decoded_json(message: Message) -> None:
    text = message.model_dump_json()
    assert type(message).model_validate_json(text) == message
    # FastStream validates the decoded dict (Python mode): strict types must still read their JSON forms.
    assert type(message).model_validate(json.loads(text)) == message


def test_a_reply_stays_in_its_commands_conversation() -> None:
    command = next(m for m in SAMPLES if isinstance(m, AddLine))
    reply = Rejected(**reply_envelope(command), code="CC010", message="no role")
    assert reply.correlation_id == command.correlation_id
    assert reply.causation_id == command.message_id
    assert reply.command_id == command.command_id
    assert reply.actor == Actor(user_id="U-1", customer_id="C-1")
