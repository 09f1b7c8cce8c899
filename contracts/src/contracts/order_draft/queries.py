"""Queries of the order-draft read side over Kafka, on `order-draft.queries.v1`, for services that prefer
Kafka to HTTP. They answer exactly what the HTTP routes answer (docs/read-side.md): `QueryResult.body` is
the JSON body of `GET /drafts`, `/orders` or `/screen`, and `QueryFailed` carries the same code.

A query is a request answered by exactly one reply, on its `reply_to` (default
`order-draft.query-replies.v1`), with its correlation id; it changes nothing, so its `command_id` only
names the request and a lost query is simply sent again.

**The actor is the identity.** Over HTTP the caller's user and customer come from the portal gateway's
`X-User-Id`/`X-Customer-Id` headers; over Kafka they come from `actor.user_id` and `actor.customer_id`,
and the producing service is trusted exactly like the gateway: only services that authenticated the user
may write to this topic. The role is still looked up in the catalog's external-access rows, never taken
from the message.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from contracts.envelope import Command, Message, RejectionCode
from contracts.types import Code, Id, UtcDateTime


class Query(Command):
    """A read: `actor` is the caller (see the module docstring); `reply_to` as for commands."""


class GetDraft(Query):
    """`GET /drafts?id=`: the draft as the caller's role may see it; with `version` and/or `at`, the draft
    rebuilt from its events up to that version or recorded up to that time."""

    type: Literal["GetDraft"] = "GetDraft"
    draft_id: Id
    version: int | None = Field(default=None, ge=0, description="the draft as of this stream version")
    at: UtcDateTime | None = Field(default=None, description="the draft as of this time")


class GetOrders(Query):
    """`GET /orders?site=`: the caller's customer's orders on the site."""

    type: Literal["GetOrders"] = "GetOrders"
    site: Code


class GetScreen(Query):
    """`GET /screen?site=`: the New Order screen of the caller on the site."""

    type: Literal["GetScreen"] = "GetScreen"
    site: Code


OrderDraftQuery = Annotated[GetDraft | GetOrders | GetScreen, Field(discriminator="type")]


class QueryResult(Message):
    """The answer: `body` is the JSON body the HTTP route returns with status 200."""

    type: Literal["QueryResult"] = "QueryResult"
    command_id: Id = Field(description="the query's command_id")
    query: str = Field(description="the query's type")
    body: dict[str, Any]


class QueryFailed(Message):
    """No answer: the code and message the HTTP route returns, and its HTTP status. `command_id` is null
    when the query itself could not be read (code BAD_QUERY)."""

    type: Literal["QueryFailed"] = "QueryFailed"
    command_id: Id | None = Field(default=None, description="the query's command_id")
    code: RejectionCode
    message: str
    status: int = Field(ge=400, le=599, description="the HTTP status of the same query over HTTP")


OrderDraftQueryReply = Annotated[QueryResult | QueryFailed, Field(discriminator="type")]
