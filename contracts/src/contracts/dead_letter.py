"""What a consumer could not parse or process, parked on a dead-letter topic with the reason."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from contracts.envelope import Message


class DeadLetter(Message):
    """The original record as received (value as text, or base64 when it is not UTF-8) and why it failed.

    The consumer acknowledges the original after parking it, so its partition moves on.
    """

    type: Literal["DeadLetter"] = "DeadLetter"
    topic: str
    partition: int = Field(ge=0)
    offset: int = Field(ge=0)
    key: str | None = None
    value: str | None = None
    value_encoding: Literal["utf-8", "base64"] = "utf-8"
    reason: str
    consumer: str = Field(description="the consumer group or service that gave up on it")
