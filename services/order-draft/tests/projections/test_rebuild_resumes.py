"""A rebuild of the drafts read model killed midway resumes: the next rebuild carries on from the
interrupted one's checkpoint (reading only the rest of the log), the live table serves until the swap,
and the result equals the log (verify finds no difference)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from ops_story import opened

from order_draft.domain import (
    AppliedDiscount,
    Event,
    Line,
    LineAdded,
    LinePrice,
    LineQuantityChanged,
    LineSource,
    NotesSet,
)
from order_draft.projections import rebuild_drafts, verify_drafts
from order_draft.service import PARTS
from order_draft.store import Append, EventStore, NewEvent


def price(quantity: int) -> LinePrice:
    return LinePrice(
        unit_price=Decimal("9.50"),
        currency="EUR",
        discount_percent=Decimal("0.10"),
        amount=(Decimal("8.55") * quantity).quantize(Decimal("0.01")),
        price_entry_id="P-A100",
        discounts=(AppliedDiscount(level=1, entry_id="D-TOOLS", percent=Decimal("0.10")),),
        revision=3,
    )


def edit(version: int) -> Event:
    """The event at `version` (2 and up) of a draft: a line added, then quantity changes and notes."""
    if version == 2:
        line = Line(
            line_id="L1",
            product_code="A100",
            unit="pcs",
            quantity=Decimal(1),
            source=LineSource.CUSTOMER_PRODUCTS,
            price=price(1),
            name="Hammer",
        )
        return LineAdded(line=line)
    if version % 3 == 0:
        return NotesSet(notes=f"note {version}")
    return LineQuantityChanged(line_id="L1", quantity=Decimal(version), price=price(version))


def new(event: Event) -> NewEvent:
    return NewEvent(event.event_type, event.to_payload(), event.schema_version, {"user_id": "U1"})


async def append_round(store: EventStore, draft_ids: list[str], version: int) -> int:
    """Event `version` of every draft, in one transaction; returns the events written."""
    events = {d: [new(opened(d) if version == 1 else edit(version))] for d in draft_ids}
    appends = [Append(f"draft-{d}", events[d], version - 1) for d in draft_ids]
    outcomes = await store.append_many(appends)
    assert all(getattr(o, "stream_version", None) == version for o in outcomes), outcomes
    return len(appends)


@pytest.fixture
async def store(database_dsn: str) -> AsyncIterator[EventStore]:
    opened_store = await EventStore.connect(database_dsn, migrations=PARTS)
    yield opened_store
    await opened_store.close()


class Killed(Exception):
    pass


async def test_a_rebuild_killed_midway_resumes_and_reads_only_the_rest(store: EventStore) -> None:
    drafts = [f"D{n:02d}" for n in range(20)]
    total = 0
    for version in range(1, 8):
        total += await append_round(store, drafts, version)  # 140 events, each draft's spread over 7 rounds
    assert await rebuild_drafts(store) == total  # a live table to serve meanwhile
    before = await store.pool.fetch("SELECT * FROM draft_rows ORDER BY draft_id")
    for version in range(8, 11):
        total += await append_round(store, drafts, version)

    seen: list[int] = []

    def kill_after_three_writes(done: int) -> None:
        seen.append(done)
        if len(seen) == 3:
            raise Killed

    with pytest.raises(Killed):
        await rebuild_drafts(store, kill_after_three_writes, page=10, flush=10, workers=1)
    assert seen == [10, 20, 30]
    # The half-built table is kept aside; the live one still serves what it held.
    assert await store.pool.fetchval("SELECT count(*) FROM draft_rows_next") > 0
    assert await store.pool.fetch("SELECT * FROM draft_rows ORDER BY draft_id") == before

    resumed: list[int] = []
    read = await rebuild_drafts(store, resumed.append, page=10, flush=10, workers=1)

    assert read == total - 30  # only what the killed run had not written
    assert resumed[0] == 40  # counted from where the killed run got to
    assert resumed[-1] == total
    assert await verify_drafts(store) == []
    assert await store.pool.fetchval("SELECT count(*) FROM draft_rows") == len(drafts)
    assert await store.pool.fetchval("SELECT to_regclass('draft_rows_next')") is None
    leftover = "SELECT count(*) FROM subscription_checkpoints WHERE name = 'rebuild:drafts'"
    assert await store.pool.fetchval(leftover) == 0


async def test_a_rebuild_after_a_finished_one_starts_from_the_beginning(store: EventStore) -> None:
    drafts = ["A", "B", "C"]
    total = sum([await append_round(store, drafts, v) for v in range(1, 5)])

    assert await rebuild_drafts(store, page=5, flush=5) == total
    await store.pool.execute("UPDATE draft_rows SET notes = 'tampered' WHERE draft_id = 'A'")
    assert await rebuild_drafts(store, page=5, flush=5) == total
    assert await verify_drafts(store) == []


async def test_a_rebuild_also_writes_by_time_and_resumes_from_its_last_write(store: EventStore) -> None:
    drafts = [f"T{n:02d}" for n in range(10)]
    total = sum([await append_round(store, drafts, v) for v in range(1, 6)])  # 50 events
    seen: list[int] = []

    def kill_after_two_writes(done: int) -> None:
        seen.append(done)
        if len(seen) == 2:
            raise Killed

    # every=0: the time bound is reached after each page, long before the event bound
    with pytest.raises(Killed):
        await rebuild_drafts(store, kill_after_two_writes, page=10, flush=10**9, every=0.0, workers=1)
    assert seen == [10, 20]

    assert await rebuild_drafts(store, page=10, workers=1) == total - 20
    assert await verify_drafts(store) == []


async def test_a_rebuild_in_two_processes_killed_midway_resumes_each_part_where_it_got_to(
    store: EventStore,
) -> None:
    drafts = [f"P{n:02d}" for n in range(20)]
    total = sum([await append_round(store, drafts, v) for v in range(1, 9)])  # 160 events
    seen: list[int] = []

    def kill_after_two_writes(done: int) -> None:
        seen.append(done)
        if len(seen) == 2:
            raise Killed

    with pytest.raises(Killed):
        await rebuild_drafts(store, kill_after_two_writes, page=10, flush=10, workers=2)
    parts = "SELECT count(*) FROM subscription_checkpoints WHERE name LIKE 'rebuild:drafts:%/2'"
    assert await store.pool.fetchval(parts) == 2

    resumed: list[int] = []
    read = await rebuild_drafts(store, resumed.append, page=10, flush=10, workers=2)

    assert 0 < read <= total - seen[-1]  # each part carried on from its own last write
    assert resumed[-1] == total
    assert await verify_drafts(store) == []
    assert await store.pool.fetchval("SELECT count(*) FROM draft_rows") == len(drafts)
    assert (
        await store.pool.fetchval("SELECT count(*) FROM subscription_checkpoints WHERE name LIKE 'rebuild:%'")
        == 0
    )
