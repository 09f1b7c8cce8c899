"""Prices, line discounts and promotional packages, with every condition of domain.md sections 4 and 5.

An optional condition left empty (null) means "any". Percents are fractions ("0.10" is 10 %). The catalog's
pricing engine (`catalog.pricing`) reads these records through `catalog.pricing.records`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from contracts.catalog.record import ChannelCode, CurrencyCode, Dated, Record
from contracts.envelope import Contract
from contracts.types import Code, Items, Money, Name, Percent, Quantity


class PriceType(Record):
    """A kind of price; among applicable prices the lowest position wins."""

    kind: Literal["price_type"] = "price_type"
    code: Code
    name: Name
    position: int


class PriceList(Dated):
    """A price list; an entry bound to it applies only while the list is active and in dates."""

    kind: Literal["price_list"] = "price_list"
    code: Code
    name: Name


class _QuantityBounds(Dated):
    min_quantity: Quantity | None = Field(default=None, ge=0)
    max_quantity: Quantity | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _bounds_are_ordered(self) -> Self:
        low, high = self.min_quantity, self.max_quantity
        if low is not None and high is not None and high < low:
            raise ValueError("max_quantity is below min_quantity")
        return self


class PriceEntry(_QuantityBounds):
    """One price of one product. Winner: lowest price-type position, highest priority, latest from-date."""

    kind: Literal["price_entry"] = "price_entry"
    KEY_FIELDS: ClassVar[tuple[str, ...]] = ("id",)
    id: Code
    product_code: Code
    price_type: Code
    price: Money = Field(ge=0)
    currency: CurrencyCode
    priority: int = 0
    customer: Code | None = None
    ship_to: Code | None = None
    enterprise_company: Code | None = None
    enterprise_company_location: Code | None = None
    channel: ChannelCode | None = None
    price_list: Code | None = None
    target_group: Code | None = None


class LineDiscount(_QuantityBounds):
    """One discount of one level. Winner per level: highest priority, then latest from-date.

    `product_group` matches the product's group or a parent group; `customer` the customer or ship-to.
    """

    kind: Literal["line_discount"] = "line_discount"
    KEY_FIELDS: ClassVar[tuple[str, ...]] = ("id",)
    id: Code
    level: int = Field(ge=1)
    percent: Percent = Field(ge=0, le=1)
    priority: int = 0
    product_code: Code | None = None
    product_group: Code | None = None
    customer: Code | None = None
    customer_type: Code | None = None
    channel: ChannelCode | None = None
    price_list: Code | None = None
    target_group: Code | None = None


DiscountMode = Literal["ADD", "CASCADE", "REPLACE"]


class PackageLine(Contract):
    """A product of a package: N packages add N x `quantity`. `unit_price` overrides the resolved price;
    `discount` meets the resolved discount by `discount_mode` (add, cascade with, or replace it)."""

    product_code: Code
    quantity: Quantity = Field(gt=0)
    unit_price: Money | None = Field(default=None, ge=0)
    discount: Percent = Field(default=Decimal(0), ge=0, le=1)
    discount_mode: DiscountMode = "ADD"


class PromotionalPackage(Dated):
    """A package of lines, available when active, in dates, and its conditions match."""

    kind: Literal["promotional_package"] = "promotional_package"
    KEY_FIELDS: ClassVar[tuple[str, ...]] = ("id",)
    id: Code
    name: Name
    currency: CurrencyCode
    lines: Items[PackageLine] = Field(min_length=1)
    customer: Code | None = None
    ship_to: Code | None = None
    channel: ChannelCode | None = None
    price_list: Code | None = None
    enterprise_company: Code | None = None
    enterprise_company_location: Code | None = None
    target_group: Code | None = None

    @model_validator(mode="after")
    def _one_line_per_product(self) -> Self:
        codes = [line.product_code for line in self.lines]
        if len(codes) != len(set(codes)):
            raise ValueError("a package names a product on one line only")
        return self
