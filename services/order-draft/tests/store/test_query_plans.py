"""The queries that run on every subscription step or probe walk the global-order index, also in the
generic plan a prepared statement ends up with: a sequential scan there reads the whole log each time
(the pending check did, 1.7 M rows in a 5,000-command benchmark)."""

from __future__ import annotations

import pytest

from order_draft.service import LAG
from order_draft.store import EventStore, NewEvent
from order_draft.store.read import PENDING, READ_ALL


@pytest.mark.parametrize(
    ("query", "arguments"),
    [(PENDING, "'0', 0"), (READ_ALL, "'0', 0, 100"), (LAG, "'0', 0")],
    ids=["pending", "read_all", "lag"],
)
async def test_the_step_queries_use_the_global_order_index(
    store: EventStore, query: str, arguments: str
) -> None:
    for stream in range(10):  # enough rows for the planner to prefer an index when it can
        await store.append(f"s-{stream}", [NewEvent("Noted", {"n": n}) for n in range(500)])
    async with store.pool.acquire() as conn:
        await conn.execute("ANALYZE events")
        await conn.execute(f"SET plan_cache_mode = force_generic_plan; PREPARE step AS {query}")
        plan = "\n".join(r[0] for r in await conn.fetch(f"EXPLAIN EXECUTE step({arguments})"))
        await conn.execute("DEALLOCATE step; RESET plan_cache_mode")
    assert "events_in_global_order" in plan, plan
    assert "Seq Scan" not in plan, plan
