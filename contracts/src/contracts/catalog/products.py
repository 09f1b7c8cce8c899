"""What can be ordered, through which list, and how much of it is in store."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from contracts.catalog.record import ChannelCode, Dated, Record
from contracts.types import Code, Date, Money, Name, Quantity


class ProductGroup(Record):
    """A node of the product-group hierarchy; line discounts on a group apply to its subgroups too."""

    kind: Literal["product_group"] = "product_group"
    code: Code
    name: Name
    parent: Code | None = None


class Product(Record):
    kind: Literal["product"] = "product"
    code: Code
    name: Name
    unit: Code = Field(description="the unit of measure, e.g. PCS")
    product_group: Code | None = None
    active: bool = True


class CustomerProduct(Dated):
    """A product on a customer's own list ("My Products"). It has no price of its own."""

    kind: Literal["customer_product"] = "customer_product"
    KEY_FIELDS: ClassVar[tuple[str, ...]] = ("customer", "product_code")
    customer: Code
    product_code: Code
    order_multiple: Quantity | None = Field(
        default=None, gt=0, description="the quantity must be a multiple of it"
    )
    min_in_store: Quantity | None = Field(default=None, ge=0)
    max_in_store: Quantity | None = Field(default=None, ge=0)


class Channel(Record):
    """A distribution channel; the site channel defaults to CC "Client Center"."""

    kind: Literal["channel"] = "channel"
    code: ChannelCode
    name: Name
    active: bool = True


class ChannelProduct(Dated):
    """A product linked to a distribution channel."""

    kind: Literal["channel_product"] = "channel_product"
    KEY_FIELDS: ClassVar[tuple[str, ...]] = ("channel", "product_code")
    channel: ChannelCode
    product_code: Code
    min_sales_quantity: Quantity | None = Field(default=None, ge=0)
    min_sales_price_per_lot: Money | None = Field(default=None, ge=0)


class Availability(Record):
    """An available-to-promise figure: the latest row dated on or before today counts."""

    kind: Literal["availability"] = "availability"
    KEY_FIELDS: ClassVar[tuple[str, ...]] = ("store", "product_code", "enterprise_company", "date")
    store: Code
    product_code: Code
    enterprise_company: Code
    date: Date
    quantity: Quantity
