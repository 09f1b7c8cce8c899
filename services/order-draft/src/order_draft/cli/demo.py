"""`order-draft demo`: a New Order session over Kafka, as a portal back end would drive it, printed.

anna (L90 for ACME) opens New Order on site PORTAL, adds a product by code, one from the My Products
list, one from the Online store channel and the starter package, changes a quantity, looks at her
screen's lists, places the order and sees it in her orders list; bob (L20 for BRICK) then opens his
screen: the same shape, without money. Commands and queries both go over Kafka.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter
from rich.console import Console
from rich.table import Table

from contracts import topics
from contracts.client import RequestClient
from contracts.envelope import Actor
from contracts.order_draft import commands as c
from contracts.order_draft.replies import OrderDraftReply
from order_draft.cli.demo_read import query_client, show_orders, show_screen

console = Console()


def show(title: str, reply: Any) -> Any:
    """Print a reply: the draft as a table when accepted, the code and message when rejected."""
    if reply.type == "Rejected":
        console.print(
            f"[bold]{title}[/] -> [red]Rejected {reply.code}[/]: {reply.message} {reply.details or ''}"
        )
        return reply
    draft = reply.draft
    console.print(f"[bold]{title}[/] -> [green]Accepted[/], version {reply.version}")
    table = Table(
        title=f"{draft.document_number} {draft.status} | customer {draft.customer} | channel {draft.channel} "
        f"| store {draft.store} | date {draft.document_date}"
        + (f" | notes: {draft.notes}" if draft.notes else "")
    )
    for column in ("line", "code", "name", "qty", "unit", "price", "discount", "amount", "package"):
        table.add_column(column)
    for line in draft.lines:
        discount = "-" if line.discount_percent is None else f"{line.discount_percent * 100:.2f} %"
        money = [str(line.unit_price or "-"), discount, str(line.amount or "-")]
        if line.price_state == "hidden":
            money = ["(hidden)"] * 3
        described = [line.line_id[-8:], line.product_code, line.product_name or "", str(line.quantity)]
        table.add_row(*described, line.unit or "", *money, line.package_id or "")
    if draft.total_amount is not None:
        table.caption = f"total {draft.total_amount} {draft.currency}"
    console.print(table)
    return reply


async def run_demo(bootstrap_servers: str, prefix: str = "", site: str = "PORTAL") -> int:
    client = RequestClient(
        bootstrap_servers,
        prefix + topics.ORDER_DRAFT_COMMANDS,
        prefix + topics.ORDER_DRAFT_REPLIES,
        TypeAdapter(OrderDraftReply),
        timeout=10.0,
    )
    async with client:
        anna = Actor(user_id="anna", customer_id="ACME")
        opened = show("anna opens New Order", await client.send(c.OpenDraft(actor=anna, site=site)))
        if opened.type == "Rejected":
            return 1
        draft_id = opened.draft_id

        def on(kind: type[Any], **fields: Any) -> Any:
            return kind(actor=anna, site=site, draft_id=draft_id, **fields)

        show(
            "adds PNT-024 x 4 by code",
            await client.send(on(c.AddLine, product_code="PNT-024", quantity=Decimal(4))),
        )
        show(
            "sets PWR-016 to 2 in My Products",
            await client.send(on(c.SetProductQuantity, product_code="PWR-016", quantity=Decimal(2))),
        )
        show(
            "sets BLT-042 to 100 in Online store",
            await client.send(on(c.SetProductQuantity, product_code="BLT-042", quantity=Decimal(100))),
        )
        show(
            "adds 1 x PK-STARTER",
            await client.send(on(c.SetPackageQuantity, package_id="PK-STARTER", count=1)),
        )
        last = show(
            "adds PNT-024 x 2 more (raises the line)",
            await client.send(on(c.AddLine, product_code="PNT-024", quantity=Decimal(2))),
        )
        show(
            "adds NOPE-1 (unknown code)",
            await client.send(on(c.AddLine, product_code="NOPE-1", quantity=Decimal(1))),
        )
        last = show("notes", await client.send(on(c.SetNotes, notes="Deliver to gate 4, before noon")))
        totals = (
            {last.draft.currency: last.draft.total_amount} if last.draft.total_amount is not None else None
        )
        async with query_client(bootstrap_servers, prefix) as reads:
            await show_screen(reads, anna, site, at_least=last.version)
            placed = show(
                "places the order it saw",
                await client.send(on(c.PlaceOrder, expected_version=last.version, confirmed_totals=totals)),
            )
            await asyncio.sleep(0.5)  # the orders list is a projection: it follows the log within moments
            await show_orders(reads, anna, site)
        bob = Actor(user_id="bob", customer_id="BRICK")
        bobs = show("bob (L20) opens New Order", await client.send(c.OpenDraft(actor=bob, site=site)))
        if bobs.type == "Accepted":
            bobs_line = c.SetProductQuantity(
                actor=bob, site=site, draft_id=bobs.draft_id, product_code="BLT-001", quantity=Decimal(20)
            )
            set_line = show("bob sets BLT-001 to 20 in My Products", await client.send(bobs_line))
            async with query_client(bootstrap_servers, prefix) as reads:
                await show_screen(reads, bob, site, at_least=getattr(set_line, "version", None) or 0)
        return 0 if placed.type == "Accepted" else 1
