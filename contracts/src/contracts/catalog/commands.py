"""Admin commands the catalog takes on Kafka (`catalog.commands.v1`), and its replies.

Each command is answered once on `reply_to` (default `catalog.replies.v1`) with the same correlation id;
a redelivered command (same `command_id`) gets its first reply again.
"""

from __future__ import annotations

from typing import Annotated, Literal

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
from contracts.envelope import Command, Message, Rejected
from contracts.types import Id

CatalogRecord = Annotated[
    EnterpriseCompany
    | CompanyLocation
    | DocumentType
    | Site
    | Customer
    | Person
    | User
    | ExternalAccess
    | ProductGroup
    | Product
    | CustomerProduct
    | Channel
    | ChannelProduct
    | PriceType
    | PriceList
    | PriceEntry
    | LineDiscount
    | Availability
    | PromotionalPackage,
    Field(discriminator="kind"),
]

RecordKind = Literal[
    "enterprise_company",
    "company_location",
    "document_type",
    "site",
    "customer",
    "person",
    "user",
    "external_access",
    "product_group",
    "product",
    "customer_product",
    "channel",
    "channel_product",
    "price_type",
    "price_list",
    "price_entry",
    "line_discount",
    "availability",
    "promotional_package",
]


class UpsertRecord(Command):
    """Create the record, or replace the one with the same natural key."""

    type: Literal["UpsertRecord"] = "UpsertRecord"
    record: CatalogRecord

    def partition_key(self) -> str:
        return f"{self.record.kind}|{self.record.key()}"


class DeactivateRecord(Command):
    """Set `active` to false (kinds without an active flag are refused). The record stays published."""

    type: Literal["DeactivateRecord"] = "DeactivateRecord"
    kind: RecordKind
    key: str = Field(min_length=1, description="the natural key, parts joined by |")

    def partition_key(self) -> str:
        return f"{self.kind}|{self.key}"


class DeleteRecord(Command):
    """Remove the record (refused while another record references it); publishes a tombstone."""

    type: Literal["DeleteRecord"] = "DeleteRecord"
    kind: RecordKind
    key: str = Field(min_length=1, description="the natural key, parts joined by |")

    def partition_key(self) -> str:
        return f"{self.kind}|{self.key}"


CatalogCommand = Annotated[UpsertRecord | DeactivateRecord | DeleteRecord, Field(discriminator="type")]


class CatalogAccepted(Message):
    """The command is applied; `catalog_revision` is its change's revision (null when nothing changed)."""

    type: Literal["CatalogAccepted"] = "CatalogAccepted"
    command_id: Id
    catalog_revision: int | None = None


CatalogReply = Annotated[CatalogAccepted | Rejected, Field(discriminator="type")]
