"""Pipelining: a batch is decided while the one before it commits, on top of that batch's drafts. When
the batch before meets another writer and is decided again one by one, the batch decided on top of it
is void and is decided again too: no update is lost, and versions follow each other."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from handler_catalog import NOW, catalog

from contracts.envelope import Actor
from contracts.order_draft import commands as wire
from order_draft.domain import NotesSet
from order_draft.handlers.batch import CommandHandler
from order_draft.handlers.drafts import stream_of
from order_draft.service import PARTS
from order_draft.store import EventStore, NewEvent

ANN = Actor(user_id="U1", customer_id="C1")


@pytest.fixture
async def store(database_dsn: str) -> AsyncIterator[EventStore]:
    connected = await EventStore.connect(database_dsn, migrations=PARTS)
    yield connected
    await connected.close()


def notes(draft_id: str, text: str) -> wire.SetNotes:
    return wire.SetNotes(actor=ANN, site="S1", draft_id=draft_id, notes=text)  # type: ignore[arg-type]


def parsed(replies: list[Any]) -> list[dict[str, Any]]:
    return [orjson.loads(r.value) for r in replies]


async def opened(store: EventStore) -> tuple[CommandHandler, str, int]:
    handler = CommandHandler(store, catalog(), "replies", clock=lambda: NOW)
    [reply] = parsed(await handler([wire.OpenDraft(actor=ANN, site="S1")]))
    assert reply["type"] == "Accepted", reply
    return handler, reply["draft_id"], reply["version"]


async def stored_notes(store: EventStore, draft_id: str) -> list[tuple[int, str]]:
    events = await store.read_stream(stream_of(draft_id))
    return [(e.stream_version, e.payload["notes"]) for e in events if e.type == "NotesSet"]


async def test_a_batch_decided_on_top_of_one_still_committing(store: EventStore) -> None:
    handler, draft_id, version = await opened(store)
    first = await handler.prepare([notes(draft_id, "one")])
    second = await handler.prepare([notes(draft_id, "two")])  # before the first is committed
    assert second.batch is not None  # decided now, on the first's draft

    [a] = parsed(await handler.commit(first))
    [b] = parsed(await handler.commit(second))
    assert (a["version"], b["version"]) == (version + 1, version + 2)
    assert await stored_notes(store, draft_id) == [(version + 1, "one"), (version + 2, "two")]


async def test_when_the_batch_before_meets_another_writer_the_next_is_decided_again(
    store: EventStore,
) -> None:
    handler, draft_id, version = await opened(store)
    first = await handler.prepare([notes(draft_id, "one")])
    second = await handler.prepare([notes(draft_id, "two")])
    other = NotesSet(notes="another instance")  # e.g. the partition's previous owner, still writing
    new = NewEvent(other.event_type, other.to_payload(), other.schema_version, {})
    await store.append(stream_of(draft_id), [new], expected_version=version)

    [a] = parsed(await handler.commit(first))  # conflict: decided again on the stored events
    [b] = parsed(await handler.commit(second))  # prepared on a batch that was void: decided again
    assert (a["type"], b["type"]) == ("Accepted", "Accepted")
    assert (a["version"], b["version"]) == (version + 2, version + 3)
    assert await stored_notes(store, draft_id) == [
        (version + 1, "another instance"),
        (version + 2, "one"),
        (version + 3, "two"),
    ]


async def test_a_batch_with_open_draft_is_decided_at_commit(store: EventStore) -> None:
    handler, draft_id, _ = await opened(store)
    prepared = await handler.prepare([wire.OpenDraft(actor=ANN, site="S1")])
    assert prepared.batch is None  # it looks up active drafts: after the batch before is committed
    [reply] = parsed(await handler.commit(prepared))
    assert reply["draft_id"] == draft_id  # the active draft, not a second one


async def test_a_batch_after_one_decided_at_commit_waits_for_it(store: EventStore) -> None:
    handler, draft_id, _ = await opened(store)
    opening = await handler.prepare([wire.OpenDraft(actor=ANN, site="S1")])
    after = await handler.prepare([notes(draft_id, "after")])
    assert after.batch is None  # the batch before is not decided yet: nothing to decide on top of
    [reply] = parsed(await handler.commit(opening))
    [noted] = parsed(await handler.commit(after))
    assert noted["version"] == reply["version"] + 1
    assert await stored_notes(store, draft_id) == [(noted["version"], "after")]
