"""Replies of the order-draft service: one per command, on its `reply_to` (default order-draft.replies.v1),
with the command's correlation id."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from contracts.envelope import Message, Rejected
from contracts.order_draft.drafts import Draft
from contracts.types import Id


class Accepted(Message):
    """The command is applied: the draft's new version and the draft as the actor may see it."""

    type: Literal["Accepted"] = "Accepted"
    command_id: Id
    draft_id: Id
    version: int = Field(ge=0)
    draft: Draft


OrderDraftReply = Annotated[Accepted | Rejected, Field(discriminator="type")]
