"""The catalog facts a decision needs, handed in by the command handler (the domain never does I/O).

The handler fills a `CatalogFacts` from its local copies of the catalog's tables before it calls
`decide`, and only with what the command needs: `facts_needed` (in `needs`) names the products and
packages. Every value is frozen; mappings are read-only by convention (the handler builds fresh
ones per command).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from catalog.pricing import LineDiscountEntry, PriceEntry, PromotionalPackage
from order_draft.domain.roles import Role
from order_draft.domain.settings import Channel


@dataclass(frozen=True, kw_only=True, slots=True)
class DocumentType:
    id: str
    is_sales_order: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class SiteFacts:
    """The portal site. `settings_json` is the settings object's JSON text (the back office's keys);
    `document_types` needs at least the type NewOrderDocumentType names; `channel_names` names the site
    channel when the settings give only its code."""

    site: str
    enterprise_company: str | None
    settings_json: str | None = None
    document_types: Mapping[str, DocumentType] = field(default_factory=lambda: MappingProxyType({}))
    channel_names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, kw_only=True, slots=True)
class UserFacts:
    """The acting user as the catalog knows them (never as the message claims)."""

    user_id: str
    is_person: bool
    parent_party: str | None  # the customer company (or, for supplier staff, the enterprise company)
    parent_is_customer: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class Access:
    """The external-access row of (user, customer). `days_back` None = unlimited history."""

    role: Role | None
    days_back: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CustomerFacts:
    """The customer acted for, seen from the site's enterprise company."""

    customer_id: str
    has_agreement: bool  # a customer agreement with the site's enterprise company
    servicing_location: str | None  # the servicing enterprise company location
    default_channel: Channel | None = None
    customer_type: str | None = None
    target_groups: frozenset[str] = frozenset()
    price_list: str | None = None
    ship_to: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CustomerProduct:
    """A "My Products" row: no price of its own; quantities must be multiples of `order_multiple`."""

    product_code: str
    from_date: dt.date
    thru_date: dt.date | None = None
    active: bool = True
    order_multiple: Decimal | None = None
    min_stock: Decimal | None = None
    max_stock: Decimal | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelLink:
    """A product linked to a distribution channel."""

    channel_code: str
    product_code: str
    from_date: dt.date
    thru_date: dt.date | None = None
    active: bool = True
    minimal_sales_quantity: Decimal | None = None
    minimal_sales_price_per_lot: Decimal | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ProductFacts:
    """One product with its customer-product row, its links (default and site channel) and its prices."""

    code: str
    unit: str
    name: str | None = None
    product_group: str | None = None
    customer_product: CustomerProduct | None = None
    links: tuple[ChannelLink, ...] = ()
    prices: tuple[PriceEntry, ...] = ()

    def link(self, channel_code: str | None) -> ChannelLink | None:
        return next((link for link in self.links if link.channel_code == channel_code), None)


@dataclass(frozen=True, kw_only=True, slots=True)
class CatalogFacts:
    """Everything a decision reads from the catalog, as of catalog `revision` (monotonic).

    `line_discounts` are the candidate discount entries (any product); `group_parents` maps a product
    group to its parent. A product missing from `products` is unknown to the catalog: a line of such a
    product loses its price on repricing (safe: PlaceOrder then refuses), so supply every product on
    the draft (see `facts_needed`).
    """

    revision: int
    site: SiteFacts
    user: UserFacts
    customer: CustomerFacts
    access: Access | None
    products: Mapping[str, ProductFacts] = field(default_factory=lambda: MappingProxyType({}))
    packages: Mapping[str, PromotionalPackage] = field(default_factory=lambda: MappingProxyType({}))
    line_discounts: tuple[LineDiscountEntry, ...] = ()
    group_parents: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def product(self, code: str) -> ProductFacts | None:
        return self.products.get(code)

    def package(self, package_id: str) -> PromotionalPackage | None:
        return self.packages.get(package_id)
