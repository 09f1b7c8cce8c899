"""Who sells, who buys, who logs in: companies, sites, customers, persons, users and their access.

The catalog publishes these as they are, gaps included (a site without an enterprise company, a user who is
no person...): the order-draft service turns a gap into its setup code (CC002-CC007, CC010) when a command
needs it. Only settings are refused at the door (CC008, CC009).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from contracts.catalog.record import ChannelCode, Record
from contracts.catalog.settings import SiteSettings
from contracts.types import Code, Items, Name

Role = Literal["L10", "L20", "L30", "L40", "L80", "L90"]
ROLE_NAMES: dict[str, str] = {
    "L10": "Basic",
    "L20": "Orders",
    "L30": "Orders with prices",
    "L40": "Billing",
    "L80": "Admin",
    "L90": "Owner",
}


def role_at_least(role: str, minimum: str) -> bool:
    """Roles are ordered and a higher one includes the lower: "L30" is at least "L20"."""
    order = list(ROLE_NAMES)
    return order.index(role) >= order.index(minimum)


class EnterpriseCompany(Record):
    """A supplier company that owns sites and has agreements with customers."""

    kind: Literal["enterprise_company"] = "enterprise_company"
    code: Code
    name: Name


class CompanyLocation(Record):
    """A location of an enterprise company (a customer is serviced from one)."""

    kind: Literal["company_location"] = "company_location"
    KEY_FIELDS: ClassVar[tuple[str, ...]] = ("company", "code")
    company: Code
    code: Code
    name: Name


class DocumentType(Record):
    """A back-office document type; new orders get a sales-order type (NewOrderDocumentType)."""

    kind: Literal["document_type"] = "document_type"
    code: Code
    name: Name
    sales_order: bool = False


class Site(Record):
    """A portal site of one enterprise company, with its checked settings."""

    kind: Literal["site"] = "site"
    code: Code
    name: Name
    enterprise_company: Code | None = Field(default=None, description="null: CC005 when a draft is opened")
    settings: SiteSettings = SiteSettings()


class Customer(Record):
    """A customer company. `agreements` lists the enterprise companies it has an agreement with."""

    kind: Literal["customer"] = "customer"
    code: Code
    name: Name
    active: bool = True
    agreements: Items[Code] = Field(
        default=(), description="enterprise company codes; CC006 without the site's"
    )
    servicing_company: Code | None = None
    servicing_location: Code | None = Field(
        default=None, description="a location of servicing_company; else CC007"
    )
    default_channel: ChannelCode | None = None
    customer_type: Code | None = None
    target_groups: Items[Code] = ()
    price_list: Code | None = Field(default=None, description="the agreement's price list, used for pricing")
    ship_to: Code | None = Field(default=None, description="the default ship-to customer")


class Person(Record):
    """A person; `parent_party` is the company the person works for (a customer, or else CC004)."""

    kind: Literal["person"] = "person"
    code: Code
    name: Name
    parent_party: Code | None = Field(default=None, description="null: CC003")


class User(Record):
    """A portal login. `person` is null for a user that is no person (CC002)."""

    kind: Literal["user"] = "user"
    code: Code
    name: Name
    person: Code | None = None


class ExternalAccess(Record):
    """A user's role for a customer; `days_back_access` limits the orders list (null = unlimited)."""

    kind: Literal["external_access"] = "external_access"
    KEY_FIELDS: ClassVar[tuple[str, ...]] = ("user", "customer")
    user: Code
    customer: Code
    role: Role
    days_back_access: int | None = Field(default=None, ge=0)
