"""The catalog facts of one command, read from the service's in-memory catalog copy.

`build_facts` fills `CatalogFacts` for the command's site, acting user, the customer they act for and
their access row, and for the products and packages `facts_needed` names (plus the packages' products).
It never fails on a gap in the catalog: a missing record becomes the fact the domain turns into its
setup code (no site or company: CC005; no user, or no person: CC002; no parent party: CC003; a parent
that is no customer: CC004; no customer or no agreement: CC006; no servicing location: CC007; no
access row: CC010); a product or package the copy does not hold is left out (the domain says so).
Lookups are by key (O(1)); the pricing records come converted from a per-copy cache (`facts_records`).
"""

from __future__ import annotations

from types import MappingProxyType

from contracts import catalog as records
from order_draft.catalog_copy import CatalogCopy
from order_draft.domain import (
    Access,
    CatalogFacts,
    Channel,
    Command,
    CustomerFacts,
    DocumentType,
    Draft,
    Role,
    SiteFacts,
    UserFacts,
    facts_needed,
)
from order_draft.handlers.facts_records import FactsCache, Stamp, Who, facts_cache, lookup


def build_facts(copy: CatalogCopy, command: Command, state: Draft | None) -> CatalogFacts:
    """The facts `decide(command, state, facts)` needs, as of `copy.revision`."""
    cache = facts_cache(copy)
    stamp = cache.stamp(copy)
    site, site_channel, user, customer, access = _who(copy, cache, stamp, command)
    needed = facts_needed(command, state)
    packages = {p: found for p in needed.packages if (found := cache.package(copy, stamp, p)) is not None}
    codes = needed.products | {line.product_code for p in packages.values() for line in p.lines}
    default = customer.default_channel
    channels = (default.code, site_channel) if default and default.code != site_channel else (site_channel,)
    products = {
        code: product
        for code in codes
        if (product := cache.product(copy, stamp, code, customer.customer_id, channels)) is not None
    }
    return CatalogFacts(
        revision=copy.revision,
        site=site,
        user=user,
        customer=customer,
        access=access,
        products=MappingProxyType(products),
        packages=MappingProxyType(packages),
        line_discounts=cache.line_discounts(copy, stamp, customer),
        group_parents=cache.group_parents(copy, stamp),
    )


def _who(copy: CatalogCopy, cache: FactsCache, stamp: Stamp, command: Command) -> Who:
    """The site's, user's, customer's and access facts: the same actors send command after command, and
    their facts change only with the copy (the stamp). Immutable values, so one is shared by many."""
    user_id, customer_id = command.actor.user_id, command.actor.customer_id
    key = (stamp, command.site, user_id, customer_id)
    who = cache.who.get(key)
    if who is None:
        site, site_channel = _site(copy, cache, command.site)
        user = _user(copy, user_id)
        customer = _customer(copy, customer_id, site.enterprise_company)
        who = (site, site_channel, user, customer, _access(copy, user_id, customer_id))
        cache.keep_who(key, who)
    return who


def _site(copy: CatalogCopy, cache: FactsCache, code: str) -> tuple[SiteFacts, str]:
    """The site's facts and its channel's code (the settings name it by code; the name is the channel's)."""
    site = lookup(copy, "site", code, records.Site)
    if site is None:
        return SiteFacts(site=code, enterprise_company=None), records.DEFAULT_SITE_CHANNEL
    settings = site.settings
    channel = lookup(copy, "channel", settings.site_channel, records.Channel)
    document_type = lookup(copy, "document_type", settings.new_order_document_type, records.DocumentType)
    facts = SiteFacts(
        site=code,
        enterprise_company=site.enterprise_company,
        settings_json=cache.settings_json(site),
        document_types=MappingProxyType(_document_types(document_type)),
        channel_names=MappingProxyType({channel.code: channel.name} if channel is not None else {}),
    )
    return facts, settings.site_channel


def _document_types(record: records.DocumentType | None) -> dict[str, DocumentType]:
    """The one type the domain reads: the type NewOrderDocumentType names (none when it names none)."""
    if record is None:
        return {}
    return {record.code: DocumentType(id=record.code, is_sales_order=record.sales_order)}


def _user(copy: CatalogCopy, user_id: str) -> UserFacts:
    """A user the copy does not hold, or whose person it does not hold, is no person (CC002)."""
    user = lookup(copy, "user", user_id, records.User)
    person = lookup(copy, "person", user.person, records.Person) if user is not None else None
    if person is None:
        return UserFacts(user_id=user_id, is_person=False, parent_party=None, parent_is_customer=False)
    parent = person.parent_party
    return UserFacts(
        user_id=user_id,
        is_person=True,
        parent_party=parent,
        parent_is_customer=lookup(copy, "customer", parent, records.Customer) is not None,
    )


def _customer(copy: CatalogCopy, customer_id: str, company: str | None) -> CustomerFacts:
    """The ship-to is the customer itself unless another is set (as the catalog prices it)."""
    customer = lookup(copy, "customer", customer_id, records.Customer)
    if customer is None:
        return CustomerFacts(customer_id=customer_id, has_agreement=False, servicing_location=None)
    return CustomerFacts(
        customer_id=customer_id,
        has_agreement=company is not None and company in customer.agreements,
        servicing_location=customer.servicing_location,
        default_channel=_channel(copy, customer.default_channel),
        customer_type=customer.customer_type,
        target_groups=frozenset(customer.target_groups),
        price_list=customer.price_list,
        ship_to=customer.ship_to or customer.code,
    )


def _channel(copy: CatalogCopy, code: str | None) -> Channel | None:
    if code is None:
        return None
    channel = lookup(copy, "channel", code, records.Channel)
    if channel is None:  # named by its code until the copy holds it
        return Channel(code=code, name=code)
    return Channel(code=channel.code, name=channel.name, active=channel.active)


def _access(copy: CatalogCopy, user_id: str, customer_id: str) -> Access | None:
    row = lookup(copy, "external_access", f"{user_id}|{customer_id}", records.ExternalAccess)
    if row is None:
        return None
    try:
        role: Role | None = Role.parse(row.role)
    except KeyError:  # a role this version does not know grants nothing
        role = None
    return Access(role=role, days_back=row.days_back_access)
