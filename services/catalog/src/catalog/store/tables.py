"""Where each entity kind lives, and what it references: the one table the store's SQL is built from.

A reference names the kind it points at and a SQL FROM item that yields the referenced keys of one row
as `v(value)` from its JSON `record` (so it works on staged rows and, via to_jsonb, on stored ones).
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.catalog import KINDS


@dataclass(frozen=True)
class Reference:
    field: str  # what a problem report names
    target: str  # the kind referenced
    values: str  # a FROM item over `s.record` yielding v(value)


def one(field: str, target: str) -> Reference:
    return Reference(field, target, f"(VALUES (s.record->>'{field}')) v(value)")


def each(field: str, target: str) -> Reference:
    """A list of codes, each of which must exist."""
    return Reference(field, target, f"jsonb_array_elements_text(s.record->'{field}') v(value)")


def pair(first: str, second: str, target: str) -> Reference:
    """A composite key from two fields; checked when both are set."""
    joined = f"(s.record->>'{first}') || '|' || (s.record->>'{second}')"
    return Reference(second, target, f"(VALUES ({joined})) v(value)")


def at(path: str, target: str) -> Reference:
    """A value inside a JSON object of the record, e.g. settings.SiteChannel."""
    return Reference(path, target, f"(VALUES (s.record #>> '{{{path.replace('.', ',')}}}')) v(value)")


def each_in(items: str, field: str, target: str) -> Reference:
    """A field of every object of a JSON list, e.g. the product of every package line."""
    return Reference(
        f"{items}[].{field}",
        target,
        f"(SELECT e->>'{field}' FROM jsonb_array_elements(s.record->'{items}') e) v(value)",
    )


TABLES: dict[str, str] = {
    "enterprise_company": "enterprise_companies",
    "company_location": "company_locations",
    "document_type": "document_types",
    "channel": "channels",
    "site": "sites",
    "price_type": "price_types",
    "price_list": "price_lists",
    "customer": "customers",
    "person": "persons",
    "user": "users",
    "external_access": "external_access",
    "product_group": "product_groups",
    "product": "products",
    "customer_product": "customer_products",
    "channel_product": "channel_products",
    "price_entry": "price_entries",
    "line_discount": "line_discounts",
    "availability": "availability",
    "promotional_package": "promotional_packages",
}
assert TABLES.keys() == KINDS.keys()

_PRICING = (one("customer", "customer"), one("ship_to", "customer"), one("channel", "channel"))
_COMPANY = (
    one("enterprise_company", "enterprise_company"),
    pair("enterprise_company", "enterprise_company_location", "company_location"),
)

REFERENCES: dict[str, tuple[Reference, ...]] = {
    "company_location": (one("company", "enterprise_company"),),
    "site": (one("enterprise_company", "enterprise_company"), at("settings.SiteChannel", "channel")),
    "customer": (
        each("agreements", "enterprise_company"),
        pair("servicing_company", "servicing_location", "company_location"),
        one("default_channel", "channel"),
        one("price_list", "price_list"),
        one("ship_to", "customer"),
    ),
    "user": (one("person", "person"),),
    "external_access": (one("user", "user"), one("customer", "customer")),
    "product_group": (one("parent", "product_group"),),
    "product": (one("product_group", "product_group"),),
    "customer_product": (one("customer", "customer"), one("product_code", "product")),
    "channel_product": (one("channel", "channel"), one("product_code", "product")),
    "price_entry": (
        one("product_code", "product"),
        one("price_type", "price_type"),
        one("price_list", "price_list"),
        *_PRICING,
        *_COMPANY,
    ),
    "line_discount": (
        one("product_code", "product"),
        one("product_group", "product_group"),
        one("customer", "customer"),
        one("channel", "channel"),
        one("price_list", "price_list"),
    ),
    "availability": (one("product_code", "product"), one("enterprise_company", "enterprise_company")),
    "promotional_package": (
        each_in("lines", "product_code", "product"),
        one("price_list", "price_list"),
        *_PRICING,
        *_COMPANY,
    ),
}


def table(kind: str) -> str:
    return f"catalog.{TABLES[kind]}"


def columns(kind: str) -> list[str]:
    """The table's columns besides `key`: the record's fields (without the `kind` discriminator)."""
    return [name for name in KINDS[kind].record.model_fields if name != "kind"]
