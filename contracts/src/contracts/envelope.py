"""The envelope every message on Kafka carries, and the bases of commands and their replies.

Readers are tolerant: unknown fields are ignored, so a producer may add an optional field without breaking
any consumer. Types are strict (see `contracts.types`). A message's `type` is its class name, fixed by a
`Literal` in each class; `schema_version` is raised on a change that is not backward compatible.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from contracts.types import Code, Id, TopicName, UtcDateTime, utc_now


class Contract(BaseModel):
    """The configuration every shared model has: frozen values, strict types, unknown fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class Actor(Contract):
    """Who caused a message: a portal user acting for a customer, or an admin (no customer).

    Only identities: a role is always looked up by the receiver, never taken from a message.
    """

    user_id: Code | None = None
    customer_id: Code | None = None


class Message(Contract):
    """The envelope. Subclasses fix `type` (their class name) and, from 2 on, `schema_version`."""

    message_id: Id = Field(default_factory=uuid.uuid4, description="unique per message")
    type: str = Field(description="the message's class name")
    schema_version: StrictInt = Field(default=1, ge=1, description="raised on an incompatible change")
    correlation_id: Id = Field(
        default_factory=uuid.uuid4, description="the conversation: a reply carries its command's"
    )
    causation_id: Id | None = Field(default=None, description="the message_id of the message that caused it")
    actor: Actor | None = None
    occurred_at: UtcDateTime = Field(default_factory=utc_now, description="when it happened, UTC")


class Command(Message):
    """A request to change something, answered by exactly one reply.

    `command_id` is the idempotency key: a retry sends the same command_id (and the same correlation_id),
    and the receiver answers a command it already processed with its first reply.
    """

    command_id: Id = Field(default_factory=uuid.uuid4, description="idempotency key; retries reuse it")
    actor: Actor
    reply_to: TopicName | None = Field(default=None, description="the topic to reply on; else the default")

    def partition_key(self) -> str:
        """The Kafka key: commands that must stay in order share one. Subclasses say which."""
        return str(self.command_id)


RejectionCode = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Z0-9_]+$")]


class Rejected(Message):
    """A command was refused: a stable `code` (the domain's CC codes where it has them), a readable
    message, and details a client can show (e.g. {"product_code": "P-1"})."""

    type: Literal["Rejected"] = "Rejected"
    command_id: Id
    code: RejectionCode
    message: str
    details: dict[str, str] = Field(default_factory=dict)


def reply_envelope(command: Command) -> dict[str, Any]:
    """The envelope fields of a reply to `command`: same conversation, caused by it."""
    return {
        "correlation_id": command.correlation_id,
        "causation_id": command.message_id,
        "actor": command.actor,
        "command_id": command.command_id,
    }
