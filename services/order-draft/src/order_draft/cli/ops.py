"""Operations commands of `order-draft` (issue 8): a draft's history, state and changes, republishing
events, the dead-letter topic, and store statistics. `register(app)` adds them to the typer app."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from order_draft.cli.ops_common import (
    DSN,
    JSON,
    checked,
    opened_store,
    out,
    parse_point,
    parse_time,
    print_json,
    run,
    stream_id,
)


def history(
    draft: str = typer.Argument(..., help="the draft id (or its stream id, draft-<id>)"),
    types: Annotated[list[str] | None, typer.Option("--type", help="only this type (repeatable)")] = None,
    since: str = typer.Option(None, help="only events recorded at or after this ISO time"),
    until: str = typer.Option(None, help="only events recorded at or before this ISO time"),
    dsn: str = DSN,
    as_json: bool = JSON,
) -> None:
    """Every event of a draft in order: version, time, type, actor (user/customer), command and
    correlation ids (with --json also the causation id, global checkpoint and payload)."""
    from order_draft.cli.ops_drafts import events_of, history_rows

    first = checked(parse_time, since, "--since")
    last = checked(parse_time, until, "--until")

    async def work() -> list[dict[str, Any]]:
        async with opened_store(dsn) as store:
            return history_rows(await events_of(store, stream_id(draft)), types or [], first, last)

    rows = run(work())
    if as_json:
        return print_json(rows)
    table = Table("version", "recorded at", "type", "user", "customer", "command id", "correlation id")
    for r in rows:
        cells = (r["version"], r["recorded_at"], r["type"], r["user_id"], r["customer_id"])
        table.add_row(*(str(c or "") for c in (*cells, r["command_id"], r["correlation_id"])))
    out.print(folding(table))


def show(
    draft: str = typer.Argument(..., help="the draft id (or its stream id, draft-<id>)"),
    as_of: str = typer.Option(None, "--as-of", help="a stream version, or an ISO time (default: now)"),
    dsn: str = DSN,
    as_json: bool = JSON,
) -> None:
    """The draft folded from its events up to a version or time (from its latest snapshot when there is
    one before that version): status, lines, prices with their provenance (price entry, discount entries,
    catalog revision) and totals."""
    from order_draft.cli.ops_drafts import draft_at, draft_json

    point = checked(parse_point, as_of, "--as-of")

    async def work() -> dict[str, Any] | None:
        async with opened_store(dsn) as store:
            return draft_json(await draft_at(store, stream_id(draft), point))

    view = run(work())
    if as_json:
        return print_json(view)
    if view is None:
        return out.print(f"draft {draft} did not exist yet at {as_of}")
    render_draft(view)


def diff(
    draft: str = typer.Argument(..., help="the draft id (or its stream id, draft-<id>)"),
    start: str = typer.Option(..., "--from", help="a stream version or ISO time: the earlier state"),
    end: str = typer.Option(None, "--to", help="a stream version or ISO time (default: the latest)"),
    dsn: str = DSN,
    as_json: bool = JSON,
) -> None:
    """What changed in a draft between two states: lines added, removed and changed (quantity, price and
    its provenance), status, notes, delivery date, packages and totals."""
    from order_draft.cli.ops_drafts import diff as compare
    from order_draft.cli.ops_drafts import draft_json, events_of, state_at

    a = checked(parse_point, start, "--from")
    b = checked(parse_point, end, "--to")

    async def work() -> dict[str, Any]:
        async with opened_store(dsn) as store:
            events = await events_of(store, stream_id(draft))
            return compare(draft_json(state_at(events, a)), draft_json(state_at(events, b)))

    changes = run(work())
    if as_json:
        return print_json(changes)
    out.print(f"[bold]version {changes['from_version']} -> {changes['to_version']}[/]")
    for line in changes["lines_added"]:
        out.print(f"[green]+ line {line['line_id']}[/] {line['product_code']} x {line['quantity']}")
    for line in changes["lines_removed"]:
        out.print(f"[red]- line {line['line_id']}[/] {line['product_code']} x {line['quantity']}")
    for line_id, fields in changes["lines_changed"].items():
        for name, (old, new) in fields.items():
            out.print(f"[yellow]~ line {line_id}[/] {name}: {old} -> {new}")
    for name, (old, new) in changes["fields"].items():
        out.print(f"[yellow]~ {name}[/]: {old} -> {new}")


def render_draft(view: dict[str, Any]) -> None:
    head = Table(show_header=False, box=None)
    for key in ("draft_id", "version", "status", "document_number", "site", "customer", "order_date"):
        head.add_row(key, str(view[key]))
    for key in ("required_delivery_date", "notes", "packages", "totals", "placed_at"):
        if view.get(key):
            head.add_row(key, str(view[key]))
    out.print(head)
    lines = Table("line", "product", "qty", "unit price", "disc", "amount", "price entry", "discounts", "rev")
    for line in view["lines"]:
        price = [line.get(k) for k in ("unit_price", "discount_percent", "amount", "price_entry_id")]
        provenance = (line.get("discount_entries"), line.get("catalog_revision"))
        cells = (line["line_id"], line["product_code"], f"{line['quantity']} {line['unit']}", *price)
        lines.add_row(*(str(c) if c is not None else "-" for c in (*cells, *provenance)))
    out.print(folding(lines))


def folding(table: Table) -> Table:
    """Ids wrap instead of being cut off on a narrow terminal: an operator copies them."""
    for column in table.columns:
        column.overflow = "fold"
    return table


def register(app: typer.Typer) -> None:
    from order_draft.cli import ops_dlq_commands, ops_projection_commands, ops_store_commands

    for command in (history, show, diff):
        app.command()(command)
    ops_store_commands.register(app)
    ops_projection_commands.register(app)
    app.add_typer(ops_dlq_commands.dlq, name="dlq")
