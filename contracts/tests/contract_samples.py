"""One filled-in example of every message type, for round-trip tests."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from contracts.catalog import (
    KINDS,
    CatalogAccepted,
    DeactivateRecord,
    DeleteRecord,
    UpsertRecord,
    parties,
    prices,
    products,
)
from contracts.catalog.settings import SiteSettings
from contracts.dead_letter import DeadLetter
from contracts.envelope import Actor, Message, Rejected
from contracts.order_draft import commands as c
from contracts.order_draft import queries as q
from contracts.order_draft.drafts import Draft, DraftLine, DraftView, LineAvailability, LinePrice
from contracts.order_draft.replies import Accepted

DAY = dt.date(2025, 3, 1)
USER = Actor(user_id="U-1", customer_id="C-1")
DRAFT_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")

RECORDS = {
    "enterprise_company": parties.EnterpriseCompany(code="SUP", name="Supplier"),
    "company_location": parties.CompanyLocation(company="SUP", code="MAIN", name="Main"),
    "document_type": parties.DocumentType(code="SO", name="Sales order", sales_order=True),
    "site": parties.Site(
        code="PORTAL",
        name="Portal",
        enterprise_company="SUP",
        settings=SiteSettings(
            is_new_order_enabled=True,
            new_order_document_type="SO",
            default_store="S1",
            availability_max=Decimal("100"),
            order_document_types=("SO",),
        ),
    ),
    "customer": parties.Customer(
        code="C-1",
        name="Customer",
        agreements=("SUP",),
        servicing_company="SUP",
        servicing_location="MAIN",
        default_channel="WEB",
        customer_type="RETAIL",
        target_groups=("VIP", "EU"),
        price_list="PL1",
        ship_to="C-1",
    ),
    "person": parties.Person(code="P-1", name="Pat", parent_party="C-1"),
    "user": parties.User(code="U-1", name="pat", person="P-1"),
    "external_access": parties.ExternalAccess(user="U-1", customer="C-1", role="L30", days_back_access=30),
    "product_group": products.ProductGroup(code="G1", name="Group", parent="G0"),
    "product": products.Product(code="P1", name="Bolt", unit="PCS", product_group="G1"),
    "customer_product": products.CustomerProduct(
        customer="C-1",
        product_code="P1",
        from_date=DAY,
        order_multiple=Decimal("6"),
        max_in_store=Decimal(60),
    ),
    "channel": products.Channel(code="WEB", name="Online store"),
    "channel_product": products.ChannelProduct(
        channel="WEB", product_code="P1", from_date=DAY, min_sales_price_per_lot=Decimal("9.99")
    ),
    "price_type": prices.PriceType(code="LIST", name="List price", position=10),
    "price_list": prices.PriceList(code="PL1", name="2025", from_date=DAY),
    "price_entry": prices.PriceEntry(
        id="E1",
        product_code="P1",
        price_type="LIST",
        price=Decimal("12.50"),
        currency="EUR",
        from_date=DAY,
        min_quantity=Decimal(10),
        customer="C-1",
    ),
    "line_discount": prices.LineDiscount(
        id="D1", level=1, percent=Decimal("0.05"), from_date=DAY, product_group="G0"
    ),
    "availability": products.Availability(
        store="S1", product_code="P1", enterprise_company="SUP", date=DAY, quantity=Decimal("12.5")
    ),
    "promotional_package": prices.PromotionalPackage(
        id="PK1",
        name="Starter",
        currency="EUR",
        from_date=DAY,
        lines=(
            prices.PackageLine(product_code="P1", quantity=Decimal(2), unit_price=Decimal("10.00")),
            prices.PackageLine(product_code="P2", quantity=Decimal(1), discount=Decimal("0.1")),
        ),
    ),
}

DRAFT = Draft(
    draft_id=DRAFT_ID,
    version=3,
    status="New",
    site="PORTAL",
    customer="C-1",
    supplier="SUP",
    channel="CC",
    document_date=DAY,
    lines=(
        DraftLine(
            line_id="1",
            product_code="P1",
            quantity=Decimal("2"),
            unit_price=Decimal("12.50"),
            discount_percent=Decimal("0.05"),
            amount=Decimal("23.75"),
            currency="EUR",
            price=LinePrice(price_entry_id="E1", discount_entry_ids={"1": "D1"}, catalog_revision=7),
            availability=LineAvailability(state="short", available=Decimal(1)),
        ),
    ),
    total_amount=Decimal("23.75"),
    currency="EUR",
)

_ON = {"actor": USER, "site": "PORTAL", "draft_id": DRAFT_ID, "expected_version": 3}

SAMPLES: list[Message] = [
    *(
        KINDS[kind].view(catalog_revision=i + 1, record=record)
        for i, (kind, record) in enumerate(RECORDS.items())
    ),
    UpsertRecord(actor=Actor(user_id="admin"), record=RECORDS["price_entry"]),
    DeactivateRecord(actor=Actor(user_id="admin"), kind="product", key="P1"),
    DeleteRecord(actor=Actor(user_id="admin"), kind="customer_product", key="C-1|P1"),
    CatalogAccepted(command_id=uuid.uuid4(), catalog_revision=12),
    Rejected(command_id=uuid.uuid4(), code="CC009", message="no such document type", details={"key": "X"}),
    DeadLetter(topic="t", partition=0, offset=5, value="{", reason="not JSON", consumer="catalog"),
    c.OpenDraft(actor=USER, site="PORTAL"),
    c.AddLine(**_ON, product_code="P1", quantity=Decimal("1.5")),
    c.SetProductQuantity(**_ON, product_code="P1", quantity=Decimal(0), source="customer-products"),
    c.SetLineQuantity(**_ON, line_id="1", quantity=Decimal(4)),
    c.RemoveLine(**_ON, line_id="1"),
    c.SetNotes(**_ON, notes="Gate 4, before noon"),
    c.SetRequiredDeliveryDate(**_ON, required_delivery_date=DAY),
    c.SetPackageQuantity(**_ON, package_id="PK1", count=2),
    c.RefreshPrices(**_ON),
    c.PlaceOrder(**_ON, accept_price_changes=True),
    c.CancelOrder(**_ON, reason="duplicate"),
    c.ReleaseOrder(**_ON),
    Accepted(command_id=uuid.uuid4(), draft_id=DRAFT_ID, version=3, draft=DRAFT),
    DraftView(draft=DRAFT),
    q.GetDraft(actor=USER, draft_id=DRAFT_ID, version=2, at=dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)),
    q.GetOrders(actor=USER, site="PORTAL"),
    q.GetScreen(actor=USER, site="PORTAL", reply_to="my-service.query-replies"),
    q.QueryResult(command_id=uuid.uuid4(), query="GetDraft", body={"draft_id": str(DRAFT_ID), "version": 3}),
    q.QueryFailed(command_id=uuid.uuid4(), code="CC010", message="no role for this customer", status=403),
]
