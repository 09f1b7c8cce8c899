"""The catalog's records (entities), their compacted views, its admin commands and replies."""

from contracts.catalog.commands import (
    CatalogAccepted,
    CatalogCommand,
    CatalogRecord,
    CatalogReply,
    DeactivateRecord,
    DeleteRecord,
    RecordKind,
    UpsertRecord,
)
from contracts.catalog.kinds import KINDS, Kind
from contracts.catalog.parties import (
    ROLE_NAMES,
    CompanyLocation,
    Customer,
    DocumentType,
    EnterpriseCompany,
    ExternalAccess,
    Person,
    Role,
    Site,
    User,
    role_at_least,
)
from contracts.catalog.prices import (
    DiscountMode,
    LineDiscount,
    PackageLine,
    PriceEntry,
    PriceList,
    PriceType,
    PromotionalPackage,
)
from contracts.catalog.products import (
    Availability,
    Channel,
    ChannelProduct,
    CustomerProduct,
    Product,
    ProductGroup,
)
from contracts.catalog.record import Dated, Record
from contracts.catalog.settings import DEFAULT_SITE_CHANNEL, DEFAULT_SITE_CHANNEL_NAME, SiteSettings
from contracts.catalog.views import CatalogView

__all__ = [
    "DEFAULT_SITE_CHANNEL",
    "DEFAULT_SITE_CHANNEL_NAME",
    "KINDS",
    "ROLE_NAMES",
    "Availability",
    "CatalogAccepted",
    "CatalogCommand",
    "CatalogRecord",
    "CatalogReply",
    "CatalogView",
    "Channel",
    "ChannelProduct",
    "CompanyLocation",
    "Customer",
    "CustomerProduct",
    "Dated",
    "DeactivateRecord",
    "DeleteRecord",
    "DiscountMode",
    "DocumentType",
    "EnterpriseCompany",
    "ExternalAccess",
    "Kind",
    "LineDiscount",
    "PackageLine",
    "Person",
    "PriceEntry",
    "PriceList",
    "PriceType",
    "Product",
    "ProductGroup",
    "PromotionalPackage",
    "Record",
    "RecordKind",
    "Role",
    "Site",
    "SiteSettings",
    "UpsertRecord",
    "User",
    "role_at_least",
]
