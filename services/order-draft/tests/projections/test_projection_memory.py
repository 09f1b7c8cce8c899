"""The live projection's memory of the drafts it wrote (`LatestDrafts`): a row at the version remembered
is not parsed again, and a page whose transaction rolled back leaves a memory ahead of the row, which is
then not trusted: the row is parsed and the result still equals the log folded."""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
import pytest
from ops_story import write_draft

from order_draft.domain import fold
from order_draft.projections import drafts as projection
from order_draft.projections.drafts import DRAFT_ROWS, LatestDrafts, Projected, project
from order_draft.projections.state import draft_to_json
from order_draft.service import PARTS
from order_draft.store import EventStore, RecordedEvent


@pytest.fixture
async def store(database_dsn: str) -> AsyncIterator[EventStore]:
    opened = await EventStore.connect(database_dsn, migrations=PARTS)
    yield opened
    await opened.close()


class RolledBack(Exception):
    pass


async def apply(store: EventStore, events: list[RecordedEvent], latest: LatestDrafts) -> None:
    async with store.pool.acquire() as conn, conn.transaction():
        await project(events, conn, DRAFT_ROWS, latest)


async def apply_then_roll_back(store: EventStore, events: list[RecordedEvent], latest: LatestDrafts) -> None:
    async with store.pool.acquire() as conn, conn.transaction():
        await project(events, conn, DRAFT_ROWS, latest)
        raise RolledBack


async def row_state(store: EventStore, draft_id: str) -> object:
    text = await store.pool.fetchval(f"SELECT state FROM {DRAFT_ROWS} WHERE draft_id = $1", draft_id)
    return orjson.loads(text)


async def test_a_remembered_row_is_not_parsed_and_a_rolled_back_page_is_not_trusted(
    store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = await write_draft(store, "D1")
    recorded = await store.read_stream("draft-D1")
    parsed: list[str] = []
    real_parse = projection.draft_from_json
    monkeypatch.setattr(
        projection, "draft_from_json", lambda data: parsed.append(data["draft_id"]) or real_parse(data)
    )
    latest = LatestDrafts()

    await apply(store, recorded[:2], latest)
    await apply(store, recorded[2:3], latest)
    assert parsed == []  # version 2 was remembered: the row was not read back

    with pytest.raises(RolledBack):
        await apply_then_roll_back(store, recorded[3:5], latest)  # the memory says 5, the row still 3
    assert latest.get("D1", 5) is not None

    await apply(store, recorded[3:], latest)
    assert parsed == ["D1"]  # the row at 3 did not match the memory: parsed, not trusted
    expected = fold(None, story)
    assert expected is not None
    assert await row_state(store, "D1") == orjson.loads(orjson.dumps(draft_to_json(expected)))
    assert await store.pool.fetchval(f"SELECT version FROM {DRAFT_ROWS} WHERE draft_id = 'D1'") == 6


def test_the_memory_is_bounded_and_hands_out_copies() -> None:
    latest = LatestDrafts(capacity=2)
    latest.remember({"A": Projected(1, None), "B": Projected(1, None)})
    latest.remember({"A": Projected(2, None), "C": Projected(1, None)})  # A written again: B is the oldest
    assert latest.get("B", 1) is None
    assert latest.get("A", 1) is None  # only the version remembered counts
    copy = latest.get("A", 2)
    assert copy is not None
    copy.version = 99
    assert latest.get("A", 2) is not None
    assert latest.get("C", 1) is not None
