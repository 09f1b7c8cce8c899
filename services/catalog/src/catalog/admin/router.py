"""The admin commands' Kafka subscriber: parse, apply once, reply on `reply_to`; park what is unreadable.

A command that cannot be parsed goes to the dead-letter topic and is answered with a Rejected reply (so a
waiting client does not time out), then acknowledged: the partition moves on. Offsets are committed only
after a command's effects are committed; a database failure leaves the command unacknowledged, to be
retried (after a pause, so an outage is not a hot loop).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import uuid
from collections.abc import Callable
from typing import Literal

import asyncpg
from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaResponse, KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from pydantic import TypeAdapter, ValidationError

from catalog.admin.commands import handle
from contracts import topics
from contracts.catalog import CatalogCommand
from contracts.dead_letter import DeadLetter
from contracts.envelope import Message, Rejected

log = logging.getLogger("catalog.admin")
COMMANDS: TypeAdapter[CatalogCommand] = TypeAdapter(CatalogCommand)
GROUP = "catalog-admin"
NIL = uuid.UUID(int=0)


def admin_router(
    pool: Callable[[], asyncpg.Pool],
    *,
    on_change: Callable[[], None] = lambda: None,
    commands_topic: str = topics.CATALOG_COMMANDS,
    dlq_topic: str = topics.CATALOG_COMMANDS_DLQ,
    group_id: str = GROUP,
) -> KafkaRouter:
    """`pool` gives the database pool once the service has started; `on_change` nudges the relay."""
    router = KafkaRouter()
    dead_letters = router.publisher(dlq_topic)

    @router.subscriber(
        commands_topic, group_id=group_id, ack_policy=AckPolicy.NACK_ON_ERROR, auto_offset_reset="earliest"
    )
    async def on_command(message: KafkaMessage) -> KafkaResponse:
        raw = message.raw_message
        assert isinstance(raw, ConsumerRecord)  # one record per call (not a batch subscriber)
        try:
            command = COMMANDS.validate_json(message.body)
        except ValidationError as error:
            reason = str(error).splitlines()[0] if str(error) else "invalid command"
            await dead_letters.publish(_dead_letter(raw, str(error)), key=raw.key)
            return _reply(_unreadable(message.body, reason))
        try:
            reply = await handle(pool(), command)
        except (asyncpg.PostgresError, OSError):
            log.exception("command failed; it will be retried", extra={"command_id": str(command.command_id)})
            await asyncio.sleep(1.0)
            raise
        on_change()
        return _reply(reply)

    return router


def _reply(reply: Message) -> KafkaResponse:
    return KafkaResponse(reply.model_dump_json().encode(), headers={"type": type(reply).__name__})


def _unreadable(body: bytes, reason: str) -> Rejected:
    try:
        fields = json.loads(body)
        command_id = uuid.UUID(str(fields.get("command_id")))
    except (ValueError, TypeError, AttributeError):
        command_id = NIL
    return Rejected(command_id=command_id, code="INVALID_COMMAND", message=reason)


def _dead_letter(raw: ConsumerRecord[bytes, bytes], reason: str) -> DeadLetter:
    value: str | None = None
    encoding: Literal["utf-8", "base64"] = "utf-8"
    if raw.value is not None:
        try:
            value = raw.value.decode()
        except UnicodeDecodeError:
            value, encoding = base64.b64encode(raw.value).decode(), "base64"
    return DeadLetter(
        topic=raw.topic,
        partition=raw.partition,
        offset=raw.offset,
        key=raw.key.decode(errors="replace") if raw.key is not None else None,
        value=value,
        value_encoding=encoding,
        reason=reason[:2000],
        consumer=GROUP,
    )
