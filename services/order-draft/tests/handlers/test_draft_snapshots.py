"""The command handler's drafts: a long-lived draft is snapshotted as it grows and loaded from its latest
snapshot plus the events after it, to the same state the full fold gives."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from ops_story import opened

from order_draft.domain import Event, NotesSet, fold
from order_draft.handlers.drafts import Drafts, stream_of
from order_draft.store import EventStore, NewEvent


@pytest.fixture
async def store(database_dsn: str) -> AsyncIterator[EventStore]:
    connected = await EventStore.connect(database_dsn)
    yield connected
    await connected.close()


async def commit(store: EventStore, drafts: Drafts, draft_id: str, events: list[Event]) -> None:
    """Append as the handler does, then tell `drafts` what was committed."""
    state = await drafts.load(draft_id)
    version = state.version if state is not None else 0
    new = [NewEvent(e.event_type, e.to_payload(), e.schema_version) for e in events]
    await store.append(stream_of(draft_id), new, expected_version=version)
    after = fold(state, events)
    assert after is not None
    drafts.remember(after)


async def test_a_long_draft_is_snapshotted_and_loaded_from_the_snapshot(store: EventStore) -> None:
    drafts = Drafts(store, snapshot_every=10)
    history: list[Event] = [opened("D1")]
    await commit(store, drafts, "D1", history[:1])
    for n in range(24):
        note = [NotesSet(notes=f"note {n}")]
        history += note
        await commit(store, drafts, "D1", note)
    await drafts.snapshots_saved()

    snapshot = await store.load_snapshot(stream_of("D1"))
    assert snapshot is not None
    assert snapshot.stream_version == 20  # taken at 10 and 20, the newest kept

    cold = Drafts(store, snapshot_every=10)  # another instance, nothing in memory
    reads: list[int | None] = []
    read_stream = store.read_stream

    async def counting(stream_id: str, **options: object) -> object:
        reads.append(options.get("from_version"))  # type: ignore[arg-type]
        return await read_stream(stream_id, **options)  # type: ignore[arg-type]

    store.read_stream = counting  # type: ignore[method-assign]
    loaded = await cold.load("D1")
    assert loaded == fold(None, history)
    assert loaded is not None
    assert (loaded.version, loaded.notes) == (25, "note 23")
    assert reads == [21]  # only the events after the snapshot were read
