"""`rebuild drafts` and `verify drafts`: the read model against the log."""

from __future__ import annotations

import json

from ops_story import output, write_draft


async def test_rebuild_projects_the_log_and_verify_then_finds_no_difference(store, cli, database_dsn):
    await write_draft(store, "D1")
    await write_draft(store, "D2")

    rebuilt = output(await cli("rebuild", "drafts", "--dsn", database_dsn, "--json"))
    verified = output(await cli("verify", "drafts", "--dsn", database_dsn, "--json"))

    assert rebuilt == {"projection": "drafts", "events": 12}
    assert verified == {"projection": "drafts", "differences": []}
    assert await store.pool.fetchval("SELECT count(*) FROM draft_rows") == 2


async def test_verify_names_a_row_that_differs_from_the_log_and_exits_1(store, cli, database_dsn):
    await write_draft(store, "D1")
    assert (await cli("rebuild", "drafts", "--dsn", database_dsn)).exit_code == 0
    await store.pool.execute("UPDATE draft_rows SET status = 'Cancelled' WHERE draft_id = 'D1'")

    result = await cli("verify", "drafts", "--dsn", database_dsn, "--json")
    unknown = await cli("verify", "orders", "--dsn", database_dsn)

    assert result.exit_code == 1
    assert "rebuild drafts" in result.stderr
    differences = [(d["draft_id"], d["field"]) for d in json.loads(result.stdout)["differences"]]
    assert ("D1", "status") in differences
    assert unknown.exit_code == 2
