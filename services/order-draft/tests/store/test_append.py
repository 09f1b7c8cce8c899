"""Appends: optimistic concurrency, idempotent commands, one transaction per call."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from settled_reads import read_everything

from order_draft.store import ANY, NO_STREAM, Append, EventStore, NewEvent, WrongExpectedVersion


def events(n: int, kind: str = "LineAdded") -> list[NewEvent]:
    return [NewEvent(kind, {"n": i}) for i in range(n)]


async def test_versions_count_from_one_and_positions_are_returned(store: EventStore) -> None:
    first = await store.append("draft-1", events(3), expected_version=NO_STREAM)
    second = await store.append("draft-1", events(2), expected_version=3)
    assert (first.stream_version, second.stream_version) == (3, 5)
    positions = [e.global_position for e in await read_everything(store)]
    assert positions == sorted(positions)
    assert len(set(positions)) == 5
    assert [e.stream_version for e in await store.read_stream("draft-1")] == [1, 2, 3, 4, 5]


async def test_a_conflict_raises_with_the_actual_version_and_writes_nothing(store: EventStore) -> None:
    await store.append("draft-1", events(2))
    with pytest.raises(WrongExpectedVersion) as raised:
        await store.append("draft-1", events(1), expected_version=1)
    assert raised.value.actual == 2
    with pytest.raises(WrongExpectedVersion):
        await store.append("draft-1", events(1), expected_version=NO_STREAM)
    assert await store.stream_version("draft-1") == 2


async def test_concurrent_appends_with_the_same_expected_version_exactly_one_wins(store: EventStore) -> None:
    await store.append("draft-1", events(1))
    outcomes = await asyncio.gather(
        *(store.append("draft-1", events(2, f"Writer{i}"), expected_version=1) for i in range(8)),
        return_exceptions=True,
    )
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    losers = [o for o in outcomes if isinstance(o, WrongExpectedVersion)]
    assert len(winners) == 1
    assert len(losers) == 7
    assert all(loser.actual == 3 for loser in losers)
    stored = await store.read_stream("draft-1")
    assert len(stored) == 3
    assert len({e.type for e in stored[1:]}) == 1


async def test_the_same_command_id_twice_writes_once_and_returns_the_first_result(store: EventStore) -> None:
    first = await store.append("draft-1", events(2), command_id="cmd-1", result={"reply": "accepted"})
    again = await store.append("draft-1", events(2), command_id="cmd-1", result={"reply": "other"})
    assert again.duplicate
    assert not first.duplicate
    assert first.result is None  # the caller has it
    assert again.result == {"reply": "accepted"}  # the first append's, not this one's
    assert again.stream_version == first.stream_version
    assert await store.stream_version("draft-1") == 2


async def test_the_same_command_id_twice_at_once_writes_once(store: EventStore) -> None:
    outcomes = await asyncio.gather(
        *(store.append("draft-1", events(2), command_id="cmd-1", result={"i": i}) for i in range(6))
    )
    [winner] = [i for i, o in enumerate(outcomes) if not o.duplicate]
    assert all(o.result == {"i": winner} for o in outcomes if o.duplicate)
    assert await store.stream_version("draft-1") == 2


async def test_the_same_command_id_on_two_streams_at_once_writes_once(store: EventStore) -> None:
    outcomes = await asyncio.gather(
        *(store.append(f"draft-{i}", events(1), command_id="cmd-1", result={"i": i}) for i in range(6))
    )
    assert sum(not o.duplicate for o in outcomes) == 1
    assert len(await read_everything(store)) == 1


async def test_append_many_writes_each_stream_and_returns_conflicts_per_batch(store: EventStore) -> None:
    await store.append("draft-2", events(1))
    outcomes = await store.append_many(
        [
            Append("draft-1", events(2), expected_version=NO_STREAM, command_id="a"),
            Append("draft-2", events(1), expected_version=NO_STREAM, command_id="b"),  # conflict
            Append("draft-3", events(1), expected_version=ANY, command_id="c"),
        ]
    )
    assert isinstance(outcomes[1], WrongExpectedVersion)
    assert outcomes[1].actual == 1
    assert [await store.stream_version(s) for s in ("draft-1", "draft-2", "draft-3")] == [2, 1, 1]
    assert await store.pool.fetchval("SELECT count(*) FROM commands") == 2


async def test_durability_settings_are_on(store: EventStore) -> None:
    assert await store.pool.fetchval("SHOW fsync") == "on"
    assert await store.pool.fetchval("SHOW synchronous_commit") == "on"


async def test_the_recorded_time_reads_back_to_the_microsecond(store: EventStore) -> None:
    for i in range(50):
        await store.append(f"draft-{i % 3}", events(1 + i % 4))
    stored = dict(await store.pool.fetch("SELECT event_id, recorded_at FROM events"))
    seen = await read_everything(store)
    assert len(seen) == len(stored)
    assert all(e.recorded_at == stored[e.event_id] and e.recorded_at.tzinfo is not None for e in seen)


async def test_given_event_ids_and_metadata_are_kept_on_both_append_paths(store: EventStore) -> None:
    ids = [uuid.uuid4() for _ in range(4)]
    lock_free = [NewEvent("E", {"n": i}, event_id=ids[i], metadata={"user_id": f"U{i}"}) for i in (0, 1)]
    with_lock = [NewEvent("E", {"n": i}, event_id=ids[i], metadata={"user_id": f"U{i}"}) for i in (2, 3)]
    await store.append("draft-1", lock_free, expected_version=NO_STREAM)  # an expected version: no lock
    await store.append("draft-1", with_lock)  # ANY: the function
    stored = await store.read_stream("draft-1")
    assert [e.event_id for e in stored] == ids
    assert [e.metadata for e in stored] == [{"user_id": f"U{i}"} for i in range(4)]
    assert [e.stream_version for e in stored] == [1, 2, 3, 4]
