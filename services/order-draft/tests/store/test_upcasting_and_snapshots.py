"""Old event versions are upcast on read; broken stored events name themselves; snapshots keep the newest."""

from __future__ import annotations

import pytest
from settled_reads import read_everything

from order_draft.store import EventStore, MalformedEvent, NewEvent, Snapshot, Upcasters


async def test_an_upcaster_turns_old_versions_into_the_current_one_on_read(store: EventStore) -> None:
    await store.append("draft-1", [NewEvent("LineAdded", {"qty": 2}, schema_version=1)])
    await store.append("draft-1", [NewEvent("LineAdded", {"quantity": "3", "unit": "pc"}, schema_version=2)])
    store.upcasters = Upcasters()
    store.upcasters.register("LineAdded", 1, lambda p: {"quantity": str(p["qty"]), "unit": "pc"})
    for events in (await store.read_stream("draft-1"), await read_everything(store)):
        assert [(e.schema_version, e.payload) for e in events] == [
            (2, {"quantity": "2", "unit": "pc"}),
            (2, {"quantity": "3", "unit": "pc"}),
        ]


async def test_a_malformed_stored_payload_gives_an_error_naming_the_event(store: EventStore) -> None:
    await store.append("draft-7", [NewEvent("LineAdded", {"qty": 2})])
    [stored] = await read_everything(store)
    await store.pool.execute("UPDATE events SET payload = '\"not an object\"' WHERE stream_id = 'draft-7'")
    with pytest.raises(MalformedEvent) as raised:
        await store.read_stream("draft-7")
    assert "draft-7" in str(raised.value)
    assert raised.value.global_position == stored.global_position


async def test_an_upcaster_that_cannot_read_a_payload_names_the_event(store: EventStore) -> None:
    await store.append("draft-8", [NewEvent("LineAdded", {"no_qty": 1})])
    store.upcasters.register("LineAdded", 1, lambda p: {"quantity": p["qty"]})
    with pytest.raises(MalformedEvent, match=r"draft-8.*KeyError"):
        await read_everything(store)


async def test_the_newest_snapshot_wins(store: EventStore) -> None:
    await store.save_snapshot(Snapshot("draft-1", "draft", 10, 1, {"lines": 10}))
    await store.save_snapshot(Snapshot("draft-1", "draft", 5, 1, {"lines": 5}))  # late writer, older state
    loaded = await store.load_snapshot("draft-1")
    assert loaded is not None
    assert (loaded.stream_version, loaded.state) == (10, {"lines": 10})
    assert await store.load_snapshot("draft-2") is None
