"""The read side in the demo: the New Order screen's lists and the orders list, asked over Kafka."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import TypeAdapter
from rich.console import Console
from rich.table import Table

from contracts import topics
from contracts.client import RequestClient
from contracts.envelope import Actor
from contracts.order_draft.queries import GetOrders, GetScreen, OrderDraftQueryReply

console = Console()


def query_client(bootstrap_servers: str, prefix: str) -> RequestClient[Any]:
    return RequestClient(
        bootstrap_servers,
        prefix + topics.ORDER_DRAFT_QUERIES,
        prefix + topics.ORDER_DRAFT_QUERY_REPLIES,
        TypeAdapter(OrderDraftQueryReply),
        timeout=10.0,
    )


async def show_screen(client: RequestClient[Any], actor: Actor, site: str, at_least: int = 0) -> None:
    """The screen, once it shows the draft at version `at_least` or later: the screen is read from the
    read model, which follows the log by moments, so a client that has just written asks for what it
    wrote (the version in the command's reply) and asks again until it is there."""
    for _ in range(40):
        reply = await client.send(GetScreen(actor=actor, site=site))
        draft = reply.body.get("draft") if reply.type != "QueryFailed" else None
        if draft is None or int(draft.get("version") or 0) >= at_least:
            break
        await asyncio.sleep(0.05)
    if reply.type == "QueryFailed":
        console.print(f"[red]screen: {reply.code}[/] {reply.message}")
        return
    body = reply.body
    header = body["header"]
    who = f"{actor.user_id}[/] ({header['role']}, money shown: {header['sees_money']})"
    order = f"order {header['document_number']} {header['status']}"
    console.print(f"[bold]New Order screen of {who}: {header['customer_name']} on {header['site']}, {order}")
    table = Table("tab", "products", "first rows (code, name, quantity on the draft)")
    for key, title in (("my_products", "My Products"), ("default_channel", None), ("site_channel", None)):
        listed = body.get(key)
        if listed is None:
            continue
        rows = listed if isinstance(listed, list) else listed.get("products", [])
        rows = sorted(rows, key=lambda r: -float(r.get("quantity") or 0))  # what is on the draft first
        name = title or f"{listed.get('name')} ({listed.get('code')})"
        table.add_row(name, str(len(rows)), "; ".join(_row(r) for r in rows[:3]))
    packages = body.get("packages") or []
    table.add_row(
        "Promotional packages", str(len(packages)), "; ".join(str(p.get("id") or p) for p in packages[:3])
    )
    console.print(table)


def _row(row: dict[str, Any]) -> str:
    return f"{row.get('product_code') or row.get('code')} {row.get('name') or ''} x{row.get('quantity') or 0}"


async def show_orders(client: RequestClient[Any], actor: Actor, site: str) -> None:
    reply = await client.send(GetOrders(actor=actor, site=site))
    if reply.type == "QueryFailed":
        console.print(f"[red]orders: {reply.code}[/] {reply.message}")
        return
    table = Table(title=f"Orders of {actor.customer_id} on {site}")
    orders = reply.body.get("orders", [])
    for column in ("document", "status", "date", "lines", "total"):
        table.add_column(column)
    for order in orders:
        lines = order.get("lines")
        total = f"{order.get('total_amount') or '-'} {order.get('currency') or ''}"
        table.add_row(
            str(order.get("document_number")), str(order.get("status")), str(order.get("document_date")),
            "(hidden)" if lines is None else str(len(lines)), total,
        )  # fmt: skip
    console.print(table)
