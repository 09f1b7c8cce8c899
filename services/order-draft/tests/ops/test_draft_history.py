"""`history`, `show --as-of` and `diff`: a draft's past, read from its events."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ops_story import output, write_draft

from order_draft.cli.ops_drafts import draft_json
from order_draft.domain import fold
from order_draft.projections.loading import snapshot_of


async def test_history_lists_every_event_of_the_draft_in_version_order(store, cli, database_dsn):
    events = await write_draft(store, "D1")
    await write_draft(store, "D2")  # another draft's events are not listed

    rows = output(await cli("history", "D1", "--dsn", database_dsn, "--json"))

    assert [r["version"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [r["type"] for r in rows] == [e.event_type for e in events]
    assert {(r["user_id"], r["customer_id"]) for r in rows} == {("U1", "C1")}
    assert [r["correlation_id"] for r in rows] == [f"corr-{v}" for v in range(1, 7)]
    assert all(r["command_id"] for r in rows)


async def test_history_filters_by_type_and_time(store, cli, database_dsn):
    await write_draft(store, "D1")
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()

    added = output(await cli("history", "D1", "--type", "LineAdded", "--dsn", database_dsn, "--json"))
    none_yet = output(await cli("history", "D1", "--since", later, "--dsn", database_dsn, "--json"))

    assert [r["version"] for r in added] == [2, 3]
    assert none_yet == []


async def test_show_as_of_a_version_is_the_draft_folded_up_to_that_version(store, cli, database_dsn):
    events = await write_draft(store, "D1")

    shown = output(await cli("show", "D1", "--as-of", "4", "--dsn", database_dsn, "--json"))

    assert shown == draft_json(fold(None, events[:4]))
    hammer = shown["lines"][0]
    assert (hammer["quantity"], hammer["price_entry_id"], hammer["catalog_revision"]) == ("5", "P-A100-Q5", 4)
    assert hammer["discount_entries"] == {"1": "D-TOOLS"}
    assert shown["status"] == "New"
    assert len(shown["lines"]) == 2
    assert shown["notes"] is None


async def test_show_without_as_of_is_the_latest_draft(store, cli, database_dsn):
    events = await write_draft(store, "D1")

    shown = output(await cli("show", "draft-D1", "--dsn", database_dsn, "--json"))

    assert shown == draft_json(fold(None, events))
    assert shown["version"] == 6


async def test_show_starts_from_a_snapshot_and_still_matches_the_full_fold(store, cli, database_dsn):
    events = await write_draft(store, "D1")
    snapshot = snapshot_of("draft-D1", fold(None, events[:3]))
    # Marked, to see that it is used: no later event changes the document number.
    await store.save_snapshot(replace(snapshot, state={**snapshot.state, "document_number": "SO-SNAP"}))

    latest = output(await cli("show", "D1", "--dsn", database_dsn, "--json"))
    at_five = output(await cli("show", "D1", "--as-of", "5", "--dsn", database_dsn, "--json"))
    at_two = output(await cli("show", "D1", "--as-of", "2", "--dsn", database_dsn, "--json"))

    assert latest == {**draft_json(fold(None, events)), "document_number": "SO-SNAP"}
    assert at_five == {**draft_json(fold(None, events[:5])), "document_number": "SO-SNAP"}
    assert at_two == draft_json(fold(None, events[:2]))  # before the snapshot: the full fold


async def test_diff_reports_a_changed_line_with_its_new_price_and_provenance(store, cli, database_dsn):
    await write_draft(store, "D1")

    changes = output(await cli("diff", "D1", "--from", "3", "--to", "4", "--dsn", database_dsn, "--json"))

    assert changes["lines_added"] == []
    assert changes["lines_removed"] == []
    hammer = changes["lines_changed"]["L1"]
    assert hammer["quantity"] == ["2", "5"]
    assert hammer["price_entry_id"] == ["P-A100", "P-A100-Q5"]
    assert hammer["catalog_revision"] == [3, 4]
    assert changes["fields"]["totals"] == [{"EUR": "24.30"}, {"EUR": "49.05"}]


async def test_diff_reports_removed_lines_and_changed_notes(store, cli, database_dsn):
    await write_draft(store, "D1")

    changes = output(await cli("diff", "D1", "--from", "3", "--dsn", database_dsn, "--json"))

    assert [line["line_id"] for line in changes["lines_removed"]] == ["L2"]
    assert changes["fields"]["notes"] == [None, "ring twice"]
    assert (changes["from_version"], changes["to_version"]) == (3, 6)


async def test_an_unknown_draft_or_a_bad_version_is_bad_input_exit_2(store, cli, database_dsn):
    await write_draft(store, "D1")

    unknown = await cli("show", "NOPE", "--dsn", database_dsn)
    too_far = await cli("show", "D1", "--as-of", "99", "--dsn", database_dsn)
    not_a_time = await cli("diff", "D1", "--from", "yesterday", "--dsn", database_dsn)

    assert (unknown.exit_code, too_far.exit_code, not_a_time.exit_code) == (2, 2, 2)
    assert "check the draft id" in unknown.stderr
    assert "ISO 8601" in not_a_time.stderr


async def test_every_draft_command_prints_tables_without_json(store, cli, database_dsn):
    await write_draft(store, "D1")

    shown = await cli("show", "D1", "--dsn", database_dsn)
    history = await cli("history", "D1", "--dsn", database_dsn)
    changes = await cli("diff", "D1", "--from", "3", "--to", "4", "--dsn", database_dsn)
    stats = await cli("stats", "--dsn", database_dsn, "--no-kafka")

    assert [r.exit_code for r in (shown, history, changes, stats)] == [0, 0, 0, 0]
    assert "9.50" in shown.stdout
    assert "NotesSet" in history.stdout
    assert "~ line L1 quantity: 2 -> 5" in changes.stdout
    assert "6 events in 1 streams" in stats.stdout
