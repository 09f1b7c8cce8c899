"""A small catalog, as the contract records the copy holds, for the facts builder's tests.

Site S1 of enterprise company EC: New Order on with document type SO, site channel CC, Europe/Sofia.
Customer C1: agreement with EC, serviced from EC's LOC1, default channel WEB, price list PL1, group VIP.
User U1 is person P1 of C1, with role L30 for C1.
Products (EUR): A100 Hammer (group TOOLS, child of HAND) on My Products, LIST 10.00 and SPECIAL 9.50
on PL1, a 10 % line discount on HAND; WEB1 on WEB only at 5.00; CC1 on CC only at 7.00; FREE on My
Products with no price. Package PK: 2 x A100 (5 % cascaded) + 1 x CC1 at 6.00.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any, TypeVar

from contracts import catalog as c
from order_draft.catalog_copy import CatalogCopy
from order_draft.domain import Actor, DraftCommand

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
SINCE = dt.date(2026, 1, 1)
_ids = itertools.count(1)
C = TypeVar("C", bound=DraftCommand)


def settings(**fields: Any) -> c.SiteSettings:
    base: dict[str, Any] = {
        "is_new_order_enabled": True,
        "new_order_document_type": "SO",
        "time_zone": "Europe/Sofia",
        "default_store": "ST1",
        "availability_max": Decimal("50.5"),
    }
    return c.SiteSettings(**(base | fields))


def site(**fields: Any) -> c.Site:
    base: dict[str, Any] = {"code": "S1", "name": "Portal", "enterprise_company": "EC"}
    return c.Site(**(base | {"settings": settings()} | fields))


def customer(**fields: Any) -> c.Customer:
    base: dict[str, Any] = {
        "code": "C1",
        "name": "Acme",
        "agreements": ("EC",),
        "servicing_company": "EC",
        "servicing_location": "LOC1",
        "default_channel": "WEB",
        "customer_type": "RETAIL",
        "target_groups": ("VIP",),
        "price_list": "PL1",
    }
    return c.Customer(**(base | fields))


def price(entry_id: str, product: str, amount: str, **fields: Any) -> c.PriceEntry:
    base: dict[str, Any] = {"price_type": "LIST", "currency": "EUR", "from_date": SINCE}
    return c.PriceEntry(id=entry_id, product_code=product, price=Decimal(amount), **(base | fields))


def product(code: str, **fields: Any) -> c.Product:
    return c.Product(**({"code": code, "name": f"Product {code}", "unit": "PCS"} | fields))


def discount(entry_id: str, percent: str, **fields: Any) -> c.LineDiscount:
    return c.LineDiscount(id=entry_id, level=1, percent=Decimal(percent), from_date=SINCE, **fields)


RECORDS: tuple[c.Record, ...] = (
    c.EnterpriseCompany(code="EC", name="Supplier"),
    c.CompanyLocation(company="EC", code="LOC1", name="Main"),
    c.DocumentType(code="SO", name="Sales order", sales_order=True),
    c.Channel(code="CC", name="Client Center"),
    c.Channel(code="WEB", name="Online store"),
    site(),
    c.PriceType(code="LIST", name="List", position=10),
    c.PriceType(code="SPECIAL", name="Special", position=5),
    c.PriceList(code="PL1", name="Agreement", from_date=SINCE),
    customer(),
    c.Person(code="P1", name="Ann", parent_party="C1"),
    c.User(code="U1", name="ann", person="P1"),
    c.ExternalAccess(user="U1", customer="C1", role="L30", days_back_access=30),
    c.ProductGroup(code="HAND", name="Hand tools"),
    c.ProductGroup(code="TOOLS", name="Tools", parent="HAND"),
    product("A100", name="Hammer", product_group="TOOLS"),
    product("WEB1"),
    product("CC1", unit="KG"),
    product("FREE"),
    c.CustomerProduct(customer="C1", product_code="A100", from_date=SINCE),
    c.CustomerProduct(customer="C1", product_code="FREE", from_date=SINCE),
    c.ChannelProduct(channel="WEB", product_code="WEB1", from_date=SINCE),
    c.ChannelProduct(channel="CC", product_code="CC1", from_date=SINCE),
    price("P-A100", "A100", "10.00"),
    price("P-A100-SP", "A100", "9.50", price_type="SPECIAL", price_list="PL1"),
    price("P-WEB1", "WEB1", "5.00"),
    price("P-CC1", "CC1", "7.00"),
    discount("D-HAND", "0.10", product_group="HAND"),
    discount("D-C9", "0.50", customer="C9"),
    c.PromotionalPackage(
        id="PK",
        name="Starter kit",
        currency="EUR",
        from_date=SINCE,
        lines=(
            c.PackageLine(
                product_code="A100", quantity=Decimal(2), discount=Decimal("0.05"), discount_mode="CASCADE"
            ),
            c.PackageLine(product_code="CC1", quantity=Decimal(1), unit_price=Decimal("6.00")),
        ),
    ),
)


def catalog(*changes: c.Record | tuple[str, str]) -> CatalogCopy:
    """The catalog above (revision 1), then these changes (revision 2): a record replaces the one with
    its key, a (kind, key) pair deletes one (a tombstone)."""
    copy = CatalogCopy()
    for record in RECORDS:
        copy.apply(record.kind, record.key(), record, 1)
    apply(copy, *changes, revision=2)
    return copy


def apply(copy: CatalogCopy, *changes: c.Record | tuple[str, str], revision: int) -> None:
    for change in changes:
        if isinstance(change, tuple):
            copy.apply(change[0], change[1], None, 0)  # tombstones carry no revision (see the follower)
        else:
            copy.apply(change.kind, change.key(), change, revision)


def command(kind: type[C], **fields: Any) -> C:
    """A command of U1 for C1 on site S1 at NOW."""
    defaults: dict[str, Any] = {
        "command_id": f"c{next(_ids)}",
        "actor": Actor(user_id="U1", customer_id="C1"),
        "site": "S1",
        "at": NOW,
    }
    return kind(**(defaults | fields))
