"""`rebuild PROJECTION` and `verify PROJECTION`: the read models against the log (order_draft.projections)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import typer
from rich.table import Table

from order_draft.cli.ops_common import (
    DSN,
    JSON,
    BadInput,
    err,
    fail,
    opened_store,
    out,
    print_json,
    progress,
    run,
)
from order_draft.store import EventStore

PROJECTIONS = ("drafts",)
NAME = typer.Argument(..., help=f"the read model: {', '.join(PROJECTIONS)}")


def _known(projection: str) -> None:
    if projection not in PROJECTIONS:
        raise BadInput(f"no projection {projection!r}: choose one of {', '.join(PROJECTIONS)}")


async def _with_bar(store: EventStore, title: str, work: Any) -> Any:
    total = await store.pool.fetchval("SELECT count(*) FROM events")
    with progress() as bar:
        task = bar.add_task(title, total=total)
        return await work(store, progress=lambda done: bar.update(task, completed=done))


def rebuild(projection: str = NAME, dsn: str = DSN, as_json: bool = JSON) -> None:
    """Rebuild a read model from the whole log into fresh tables, then swap them in (blue-green: the
    live table keeps serving until the swap, and its subscription continues from where the rebuild ended)."""
    from order_draft.projections import rebuild_drafts

    async def work() -> int:
        _known(projection)
        async with opened_store(dsn) as store:
            return int(await _with_bar(store, f"rebuilding {projection}", rebuild_drafts))

    read = run(work())
    if as_json:
        return print_json({"projection": projection, "events": read})
    out.print(f"rebuilt {projection} from {read} events")


def verify(projection: str = NAME, dsn: str = DSN, as_json: bool = JSON) -> None:
    """Compare a read model with the log folded up to its checkpoint; list every difference. Exit 1 when
    there are any (then run `order-draft rebuild PROJECTION`)."""
    from order_draft.projections import verify_drafts

    async def work() -> list[Any]:
        _known(projection)
        async with opened_store(dsn) as store:
            return list(await _with_bar(store, f"verifying {projection}", verify_drafts))

    differences = [asdict(d) for d in run(work())]
    if as_json:
        print_json({"projection": projection, "differences": differences})
    else:
        table = Table("draft", "field", "expected (log)", "actual (read model)")
        for d in differences:
            table.add_row(d["draft_id"], d["field"], str(d["expected"]), str(d["actual"]))
        out.print(table if differences else f"{projection} matches the log")
    if differences:
        err.print(f"{len(differences)} differences: run `order-draft rebuild {projection}`")
        fail(f"{projection} differs from the log", 1)


def register(app: typer.Typer) -> None:
    app.command()(rebuild)
    app.command()(verify)
