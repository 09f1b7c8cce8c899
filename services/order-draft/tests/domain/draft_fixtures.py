"""A small catalog for the draft's decider tests: one site, one customer, a few products and a package.

Products (prices in EUR, the customer on price list PL1, site channel CC, default channel WEB):
- A100: My Products, no order multiple; 10.00, line discount 10 % (level 1, group TOOLS via parent HAND)
- M10:  My Products with order multiple 10; site channel link with minimal sales quantity 20; 1.00
- WEB1: on the default channel WEB only; 5.00
- CC1:  on the site channel CC only; 7.00
- BOTH: My Products and WEB, with WEB's link out of date; 3.00
- OLD:  My Products row ended 2026-01-31; OFF: My Products row inactive; FREE: My Products, no price
- package PK: 2 x A100 (package discount 5 %, cascaded) + 1 x CC1 at 6.00
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from catalog.pricing import (
    DiscountMode,
    LineDiscountEntry,
    PackageLine,
    PriceEntry,
    PriceType,
    PromotionalPackage,
)
from order_draft.domain import (
    Access,
    CatalogFacts,
    Channel,
    ChannelLink,
    CustomerFacts,
    CustomerProduct,
    DocumentType,
    ProductFacts,
    Role,
    SiteFacts,
    UserFacts,
)

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)  # 11:00 in Sofia
TODAY = dt.date(2026, 3, 10)
SINCE = dt.date(2026, 1, 1)
LIST = PriceType(code="LIST", position=10)
SPECIAL = PriceType(code="SPECIAL", position=5)
WEB = Channel(code="WEB", name="Online store")

SETTINGS: dict[str, Any] = {
    "IsNewOrderEnabled": True,
    "NewOrderDocumentType": "SO",
    "DefaultStore": "ST1",
    "TimeZone": "Europe/Sofia",
}


def price(entry_id: str, product: str, amount: str, **conditions: Any) -> PriceEntry:
    return PriceEntry(
        id=entry_id,
        product_code=product,
        price_type=conditions.pop("price_type", LIST),
        price=Decimal(amount),
        currency="EUR",
        from_date=conditions.pop("from_date", SINCE),
        **conditions,
    )


def my_product(code: str, **fields: Any) -> CustomerProduct:
    return CustomerProduct(product_code=code, from_date=fields.pop("from_date", SINCE), **fields)


def link(channel: str, code: str, **fields: Any) -> ChannelLink:
    return ChannelLink(
        channel_code=channel, product_code=code, from_date=fields.pop("from_date", SINCE), **fields
    )


PRODUCTS = {
    "A100": ProductFacts(
        code="A100",
        unit="pcs",
        name="Hammer",
        product_group="TOOLS",
        customer_product=my_product("A100"),
        prices=(price("P-A100", "A100", "10.00"),),
    ),
    "M10": ProductFacts(
        code="M10",
        unit="pcs",
        customer_product=my_product("M10", order_multiple=Decimal(10)),
        links=(link("CC", "M10", minimal_sales_quantity=Decimal(20)),),
        prices=(price("P-M10", "M10", "1.00"),),
    ),
    "WEB1": ProductFacts(
        code="WEB1", unit="box", links=(link("WEB", "WEB1"),), prices=(price("P-WEB1", "WEB1", "5.00"),)
    ),
    "CC1": ProductFacts(
        code="CC1", unit="kg", links=(link("CC", "CC1"),), prices=(price("P-CC1", "CC1", "7.00"),)
    ),
    "BOTH": ProductFacts(
        code="BOTH",
        unit="pcs",
        customer_product=my_product("BOTH"),
        links=(link("WEB", "BOTH", thru_date=dt.date(2026, 2, 1)),),
        prices=(price("P-BOTH", "BOTH", "3.00"),),
    ),
    "OLD": ProductFacts(
        code="OLD", unit="pcs", customer_product=my_product("OLD", thru_date=dt.date(2026, 1, 31))
    ),
    "OFF": ProductFacts(code="OFF", unit="pcs", customer_product=my_product("OFF", active=False)),
    "FREE": ProductFacts(code="FREE", unit="pcs", customer_product=my_product("FREE")),
}

DISCOUNTS = (
    LineDiscountEntry(id="D-TOOLS", level=1, percent=Decimal("0.10"), from_date=SINCE, product_group="HAND"),
)

PACKAGE = PromotionalPackage(
    id="PK",
    currency="EUR",
    from_date=SINCE,
    thru_date=dt.date(2026, 6, 30),
    lines=(
        PackageLine(
            product_code="A100",
            quantity=Decimal(2),
            discount=Decimal("0.05"),
            discount_mode=DiscountMode.CASCADE,
        ),
        PackageLine(product_code="CC1", quantity=Decimal(1), unit_price=Decimal("6.00")),
    ),
)

FACTS = CatalogFacts(
    revision=1,
    site=SiteFacts(
        site="S1",
        enterprise_company="EC",
        settings_json=json.dumps(SETTINGS),
        document_types=MappingProxyType(
            {
                "SO": DocumentType(id="SO", is_sales_order=True),
                "INV": DocumentType(id="INV", is_sales_order=False),
            }
        ),
    ),
    user=UserFacts(user_id="U1", is_person=True, parent_party="C1", parent_is_customer=True),
    customer=CustomerFacts(
        customer_id="C1",
        has_agreement=True,
        servicing_location="LOC1",
        default_channel=WEB,
        price_list="PL1",
        target_groups=frozenset({"RETAIL"}),
    ),
    access=Access(role=Role.L30),
    products=MappingProxyType(PRODUCTS),
    packages=MappingProxyType({"PK": PACKAGE}),
    line_discounts=DISCOUNTS,
    group_parents=MappingProxyType({"TOOLS": "HAND"}),
)


def with_settings(facts: CatalogFacts = FACTS, **settings: Any) -> CatalogFacts:
    """The facts with these settings changed (a value of None removes the key)."""
    merged = {key: value for key, value in {**SETTINGS, **settings}.items() if value is not None}
    return replace(facts, site=replace(facts.site, settings_json=json.dumps(merged)))


def with_role(role: Role | None, facts: CatalogFacts = FACTS) -> CatalogFacts:
    return replace(facts, access=Access(role=role))


def with_product(product: ProductFacts, facts: CatalogFacts = FACTS, revision: int = 2) -> CatalogFacts:
    """The catalog after it published a change to one product (a new revision)."""
    return replace(
        facts, products=MappingProxyType({**facts.products, product.code: product}), revision=revision
    )
