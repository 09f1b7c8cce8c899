"""The catalog's compacted views: one topic per entity kind, one message per change, keyed by natural key.

A view carries the whole record and the catalog revision of the change that produced it, so an order
line can name the exact revision its price came from. A delete is a tombstone (a null value) under the
same key. Reading a topic from offset 0 and keeping the last value per key rebuilds the catalog's table.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from contracts.catalog.parties import (
    CompanyLocation,
    Customer,
    DocumentType,
    EnterpriseCompany,
    ExternalAccess,
    Person,
    Site,
    User,
)
from contracts.catalog.prices import LineDiscount, PriceEntry, PriceList, PriceType, PromotionalPackage
from contracts.catalog.products import (
    Availability,
    Channel,
    ChannelProduct,
    CustomerProduct,
    Product,
    ProductGroup,
)
from contracts.catalog.record import Record
from contracts.envelope import Message


class CatalogView(Message):
    """The envelope of every view: `correlation_id` names the import or admin command that made the
    change, `causation_id` the admin command's message id (null for an import)."""

    catalog_revision: int = Field(ge=1, description="the catalog revision of this change; grows")
    record: Record


class EnterpriseCompanyView(CatalogView):
    type: Literal["EnterpriseCompanyView"] = "EnterpriseCompanyView"
    record: EnterpriseCompany


class CompanyLocationView(CatalogView):
    type: Literal["CompanyLocationView"] = "CompanyLocationView"
    record: CompanyLocation


class DocumentTypeView(CatalogView):
    type: Literal["DocumentTypeView"] = "DocumentTypeView"
    record: DocumentType


class SiteView(CatalogView):
    type: Literal["SiteView"] = "SiteView"
    record: Site


class CustomerView(CatalogView):
    type: Literal["CustomerView"] = "CustomerView"
    record: Customer


class PersonView(CatalogView):
    type: Literal["PersonView"] = "PersonView"
    record: Person


class UserView(CatalogView):
    type: Literal["UserView"] = "UserView"
    record: User


class ExternalAccessView(CatalogView):
    type: Literal["ExternalAccessView"] = "ExternalAccessView"
    record: ExternalAccess


class ProductGroupView(CatalogView):
    type: Literal["ProductGroupView"] = "ProductGroupView"
    record: ProductGroup


class ProductView(CatalogView):
    type: Literal["ProductView"] = "ProductView"
    record: Product


class CustomerProductView(CatalogView):
    type: Literal["CustomerProductView"] = "CustomerProductView"
    record: CustomerProduct


class ChannelView(CatalogView):
    type: Literal["ChannelView"] = "ChannelView"
    record: Channel


class ChannelProductView(CatalogView):
    type: Literal["ChannelProductView"] = "ChannelProductView"
    record: ChannelProduct


class PriceTypeView(CatalogView):
    type: Literal["PriceTypeView"] = "PriceTypeView"
    record: PriceType


class PriceListView(CatalogView):
    type: Literal["PriceListView"] = "PriceListView"
    record: PriceList


class PriceEntryView(CatalogView):
    type: Literal["PriceEntryView"] = "PriceEntryView"
    record: PriceEntry


class LineDiscountView(CatalogView):
    type: Literal["LineDiscountView"] = "LineDiscountView"
    record: LineDiscount


class AvailabilityView(CatalogView):
    type: Literal["AvailabilityView"] = "AvailabilityView"
    record: Availability


class PromotionalPackageView(CatalogView):
    type: Literal["PromotionalPackageView"] = "PromotionalPackageView"
    record: PromotionalPackage
