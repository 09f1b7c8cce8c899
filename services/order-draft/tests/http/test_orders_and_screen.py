# ruff: noqa: F811  (the `running` fixture is imported here: the e2e conftest is not on this path)
"""GET /orders honours IsOrdersEnabled, OrderDocumentTypes, HideLines and Days Back Access; GET /screen
shows the lists the settings allow, with the quantities on the draft and their availability, the site
channel only when something is linked to it, and no money for L20."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from handler_catalog import settings, site
from read_client import ask, more_people
from service_under_test import ANN, Running, on, projected, running  # noqa: F401

from contracts import catalog as records
from contracts.order_draft import commands as c


async def a_placed_and_an_open_draft(running: Running) -> tuple[str, str]:
    send = running.client.send
    first = str((await send(c.OpenDraft(actor=ANN, site="S1")))["draft_id"])
    added = await send(on(first, c.AddLine, product_code="A100", quantity=Decimal(3)))
    totals = {"EUR": Decimal(added["draft"]["total_amount"])}
    placed = await send(on(first, c.PlaceOrder, expected_version=added["version"], confirmed_totals=totals))
    assert placed["type"] == "Accepted", placed
    second = str((await send(c.OpenDraft(actor=ANN, site="S1")))["draft_id"])
    await send(on(second, c.AddLine, product_code="A100", quantity=Decimal(2)))
    latest = await send(on(second, c.SetProductQuantity, product_code="WEB1", quantity=Decimal(4)))
    await projected(running.service, first, placed["version"])
    await projected(running.service, second, latest["version"])
    return first, second


async def test_the_orders_list_filters_by_the_site_settings_and_days_back(running: Running) -> None:
    placed, open_ = await a_placed_and_an_open_draft(running)
    status, body = await ask(running, "/orders", site="S1")
    assert status == 200
    assert {o["draft_id"]: o["status"] for o in body["orders"]} == {placed: "Submitted", open_: "New"}
    assert all(o["lines"] for o in body["orders"])

    hide_lines = settings(HideLines=True, OrderDocumentTypes=["SO"])
    await running.change_catalog(site(settings=hide_lines), revision=2)
    status, body = await ask(running, "/orders", site="S1")
    assert len(body["orders"]) == 2
    assert body["lines_hidden"] is True
    assert all(o["lines"] == [] for o in body["orders"])
    await running.change_catalog(site(settings=settings(OrderDocumentTypes=["ZZ"])), revision=3)
    assert (await ask(running, "/orders", site="S1"))[1]["orders"] == []

    await running.change_catalog(site(settings=settings()), revision=4)
    store = running.service.store
    assert store is not None
    old = dt.date.today() - dt.timedelta(days=40)  # U1 may look 30 days back
    await store.pool.execute("UPDATE draft_rows SET document_date = $1 WHERE draft_id = $2", old, placed)
    status, body = await ask(running, "/orders", site="S1")
    assert [o["draft_id"] for o in body["orders"]] == [open_]

    await running.change_catalog(site(settings=settings(IsOrdersEnabled=False)), revision=5)
    status, body = await ask(running, "/orders", site="S1")
    assert (status, body["code"]) == (403, "ORDERS_DISABLED")


def stock(product: str, quantity: str, days_ago: int, store: str = "ST1") -> records.Availability:
    date = dt.date.today() - dt.timedelta(days=days_ago)
    return records.Availability(
        store=store, product_code=product, enterprise_company="EC", date=date, quantity=Decimal(quantity)
    )


async def test_the_screen_shows_the_lists_with_the_quantities_on_the_draft(running: Running) -> None:
    # DefaultStore ST1, AvailabilityMax 50.5: A100 (2 on the draft) has 10, WEB1 (4) only 3
    rows = (
        stock("A100", "10", 5),
        stock("WEB1", "3", 5),
        stock("WEB1", "99", 9),
        stock("WEB1", "99", 1, "ST2"),
    )
    await running.change_catalog(*rows, revision=2)
    _, open_ = await a_placed_and_an_open_draft(running)
    status, body = await ask(running, "/screen", site="S1")
    assert status == 200
    assert body["draft"]["draft_id"] == open_
    assert body["header"]["document_number"] == body["draft"]["document_number"]
    assert {p["product_code"]: p["quantity"] for p in body["my_products"]} == {"A100": "2", "FREE": None}
    assert body["default_channel"]["name"] == "Online store"
    assert body["default_channel"]["products"][0] | {"name": None} == {
        "product_code": "WEB1",
        "name": None,
        "unit": "PCS",
        "quantity": "4",
        "min_sales_quantity": None,
        "availability": {"state": "short", "available": "3"},
    }
    assert {p["product_code"]: p["availability"] for p in body["my_products"]} == {
        "A100": {"state": "yes", "available": None},
        "FREE": None,  # not on the draft
    }
    assert {line["product_code"]: line["availability"]["state"] for line in body["draft"]["lines"]} == {
        "A100": "yes",
        "WEB1": "short",
    }
    assert (body["site_channel"]["name"], body["site_channel"]["products"][0]["product_code"]) == (
        "Client Center",
        "CC1",
    )
    [package] = body["packages"]
    assert package["package_id"] == "PK"
    assert package["lines"][1]["unit_price"] == "6.00"  # L30 sees money

    hidden = settings(HideCustomerProducts=True, HideDistributionChannel=True)
    await running.change_catalog(site(settings=hidden), ("channel_product", "CC|CC1"), revision=3)
    status, body = await ask(running, "/screen", site="S1")
    assert status == 200
    assert "my_products" not in body
    assert "default_channel" not in body
    assert "site_channel" not in body  # nothing is linked to the site channel any more


async def test_l20_sees_a_screen_without_money_and_another_customer_not_this_draft(running: Running) -> None:
    await running.change_catalog(*more_people(), revision=2)
    _, open_ = await a_placed_and_an_open_draft(running)
    status, body = await ask(running, "/screen", user="U3", site="S1")
    assert status == 200
    assert body["header"]["sees_money"] is False
    assert body["draft"]["draft_id"] == open_
    assert body["draft"]["total_amount"] is None
    assert all(line["unit_price"] is None for line in body["draft"]["lines"])
    assert all("unit_price" not in line for p in body["packages"] for line in p["lines"])
    status, body = await ask(running, "/screen", user="U2", customer="C2", site="S1")
    assert status == 200
    assert body["draft"] is None
    assert "my_products" in body
    assert body["my_products"] == []
