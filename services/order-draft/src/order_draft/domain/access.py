"""Who may do what: the CC setup checks, the role, the New Order switch, and draft ownership.

The order of checks: the site first (CC005, CC008, the New Order switch and CC009), then the user
(CC002-CC004), the customer (CC006, CC007), the access row (CC010) and the role. Site problems come
first because no user can fix them, and a switched-off New Order says so before any user detail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from catalog.pricing import site_today
from order_draft.domain.commands import DraftCommand
from order_draft.domain.facts import CatalogFacts
from order_draft.domain.rejections import Code, Rejection, reject
from order_draft.domain.roles import NEW_ORDER_ROLE, Role
from order_draft.domain.settings import SiteSettings, parse_site_settings
from order_draft.domain.state import Draft


class FactsMismatch(ValueError):
    """The handler passed facts of another site, user or customer than the command's: a bug, not a rule."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Granted:
    """What the checks established: the role, the settings, today on the site's calendar."""

    role: Role
    settings: SiteSettings
    today: dt.date
    enterprise_company: str
    document_type: str | None = None  # NewOrderDocumentType; None for CancelOrder and ReleaseOrder


def customer_access(
    command: DraftCommand, facts: CatalogFacts, *, new_order: bool = True
) -> Granted | Rejection:
    """A customer's user acting on New Order (`new_order`) or on a placed order (CancelOrder)."""
    _same_parties(command, facts)
    company, settings = facts.site.enterprise_company, site_settings(facts)
    if company is None:
        return reject(Code.CC005, "The site has no enterprise company. Ask the site's administrator.")
    if isinstance(settings, Rejection):
        return settings
    document_type = _new_order_document_type(settings, facts) if new_order else None
    if isinstance(document_type, Rejection):
        return document_type
    problem = _user_problem(facts)
    if problem is not None:
        return problem
    role = facts.access.role if facts.access else None
    if role is None:
        return reject(Code.CC010, "You have no role for this customer. Ask the customer's portal owner.")
    if role < NEW_ORDER_ROLE:
        return reject(
            Code.ROLE_TOO_LOW, f"Orders need role L20 or above; yours is {role.name}.", role=role.name
        )
    today = site_today(command.at, settings.time_zone)
    return Granted(
        role=role, settings=settings, today=today, enterprise_company=company, document_type=document_type
    )


def supplier_access(command: DraftCommand, facts: CatalogFacts) -> Granted | Rejection:
    """The supplier's staff: a person of the site's enterprise company (they release orders)."""
    company, settings = facts.site.enterprise_company, site_settings(facts)
    if facts.site.site != command.site or facts.user.user_id != command.actor.user_id:
        raise FactsMismatch("facts of another site or user than the command's")
    if company is None:
        return reject(Code.CC005, "The site has no enterprise company. Ask the site's administrator.")
    if isinstance(settings, Rejection):
        return settings
    if not facts.user.is_person:
        return reject(Code.CC002, "The user is not a person.")
    if facts.user.parent_party != company:
        return reject(Code.NOT_SUPPLIER_STAFF, "Only the supplier's staff release orders.")
    # staff hold no customer's external-access role; they act with the highest one
    return Granted(
        role=Role.L90,
        settings=settings,
        today=site_today(command.at, settings.time_zone),
        enterprise_company=company,
    )


def owner_problem(command: DraftCommand, draft: Draft) -> Rejection | None:
    """A user never reads or changes another customer's draft, nor a draft of another site."""
    if draft.customer != command.actor.customer_id or draft.site != command.site:
        return reject(Code.NOT_YOUR_CUSTOMER, "This order belongs to another customer.")
    return None


def site_settings(facts: CatalogFacts) -> SiteSettings | Rejection:
    """The site's parsed settings, its channel named from the catalog's channels when it can be."""
    settings = parse_site_settings(facts.site.settings_json)
    if isinstance(settings, Rejection):
        return settings
    name = facts.site.channel_names.get(settings.site_channel.code)
    if name is None or settings.site_channel.name != settings.site_channel.code:
        return settings
    return replace(settings, site_channel=replace(settings.site_channel, name=name))


def _same_parties(command: DraftCommand, facts: CatalogFacts) -> None:
    if (facts.site.site, facts.user.user_id, facts.customer.customer_id) != (
        command.site,
        command.actor.user_id,
        command.actor.customer_id,
    ):
        raise FactsMismatch("facts of another site, user or customer than the command's")


def _new_order_document_type(settings: SiteSettings, facts: CatalogFacts) -> str | Rejection:
    """IsNewOrderEnabled and NewOrderDocumentType go together (domain.md: CC009 when only one is set).

    An explicit `false` switches New Order off whatever the document type says.
    """
    enabled, type_id = settings.is_new_order_enabled, settings.new_order_document_type
    if enabled is False or (enabled is None and type_id is None):
        return reject(Code.NEW_ORDER_DISABLED, "New Order is switched off on this site.")
    if type_id is None:
        return reject(Code.CC009, "IsNewOrderEnabled is on but NewOrderDocumentType is not set.")
    if enabled is None:
        return reject(Code.CC009, "NewOrderDocumentType is set but IsNewOrderEnabled is not.")
    document_type = facts.site.document_types.get(type_id)
    if document_type is None:
        return reject(Code.CC009, f"NewOrderDocumentType {type_id} names no document type.")
    if not document_type.is_sales_order:
        return reject(Code.CC009, f"NewOrderDocumentType {type_id} is not a sales-order type.")
    return type_id


def _user_problem(facts: CatalogFacts) -> Rejection | None:
    user, customer = facts.user, facts.customer
    if not user.is_person:
        return reject(Code.CC002, "The user is not a person.")
    if user.parent_party is None:
        return reject(Code.CC003, "The user has no parent party (customer company).")
    if not user.parent_is_customer:
        return reject(Code.CC004, "The user's parent party is not a customer.")
    if not customer.has_agreement:
        return reject(Code.CC006, "The customer has no agreement with the site's enterprise company.")
    if customer.servicing_location is None:
        return reject(Code.CC007, "The customer has no servicing enterprise company location.")
    return None
