"""The products and pricing records of the facts, made from the catalog copy's records (pricing records
with the catalog's own converters, `catalog.pricing.records`) and cached per copy.

Why cache: `build_facts` runs for every command, thousands a second, and every command of a draft
needs the facts of every product on it; making them (and converting price entries into the engine's
values) costs far more than checking that they are still what the copy holds. Line discounts and
product groups are read whole (any entry may apply to any product): without a cache every command
would scan and convert every record of those kinds.

When a cached value is still good: it is stamped with the copy's state (`stamp`: the revision and the
number of records of each kind read here; the numbers are in it because a deletion, a tombstone, does
not move the revision), and served as is while the stamp holds (one O(1) check per value). When the
stamp moved (any catalog change), a value is checked against the records it was made from, by
identity (the copy replaces a record object on every change), and made again only if one of them
changed; for line discounts, only the changed entries are converted again.
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from catalog.pricing import LineDiscountEntry, PriceEntry, PromotionalPackage
from catalog.pricing import records as convert
from contracts import catalog as records
from order_draft.catalog_copy import CatalogCopy
from order_draft.domain import (
    Access,
    ChannelLink,
    CustomerFacts,
    CustomerProduct,
    ProductFacts,
    SiteFacts,
    UserFacts,
)

T = TypeVar("T")
R = TypeVar("R", bound=records.Record)
Stamp = tuple[int, ...]
Who = tuple[SiteFacts, str, UserFacts, CustomerFacts, Access | None]  # a command's actors (facts.py)
_PRODUCTS_KEPT = 100_000  # (product, customer, channels) facts kept; past it the cache starts afresh
_CUSTOMERS_KEPT = 4096  # customers' discount candidates kept per line-discount state
_WHO_KEPT = 20_000  # (site, user, customer) facts kept


@dataclass(slots=True)
class _Kept(Generic[T]):
    stamp: Stamp
    sources: tuple[object, ...]  # the records `value` was made from, compared by identity
    value: T


class FactsCache:
    """Product facts and converted pricing records of one copy. One event loop: no locking."""

    def __init__(self) -> None:
        self._products: dict[tuple[str, str, tuple[str, ...]], _Kept[ProductFacts | None]] = {}
        self._prices: dict[str, _Kept[tuple[PriceEntry, ...]]] = {}
        self._packages: dict[str, _Kept[PromotionalPackage | None]] = {}
        self._groups = _Kept[Mapping[str, str]]((), (), MappingProxyType({}))
        self._discount_stamp: Stamp = ()
        self._discount_sources: tuple[object, ...] = ()
        self._discount_parts: dict[str, tuple[object, object, LineDiscountEntry]] = {}
        self._discounts: tuple[LineDiscountEntry, ...] = ()
        self._for_customer: dict[tuple[Any, ...], tuple[LineDiscountEntry, ...]] = {}
        self._settings: dict[str, tuple[records.SiteSettings, str]] = {}
        self.who: dict[tuple[Stamp, str, str, str], Who] = {}  # (stamp, site, user, customer): facts.py

    def keep_who(self, key: tuple[Stamp, str, str, str], who: Who) -> None:
        if len(self.who) >= _WHO_KEPT:
            self.who.clear()  # entries of older stamps are never asked for again: start afresh
        self.who[key] = who

    @staticmethod
    def stamp(copy: CatalogCopy) -> Stamp:
        """The copy's state as far as the cached values go (take it once per command)."""
        return (copy.changes,)

    def product(
        self, copy: CatalogCopy, stamp: Stamp, code: str, customer_id: str, channels: tuple[str, ...]
    ) -> ProductFacts | None:
        """The product with the customer's My Products row and its links to `channels` (None: unknown).

        A product switched off in the catalog is offered by none of its lists (the domain says
        "inactive") and has no price (a line of it already on a draft cannot be placed)."""
        key = (code, customer_id, channels)
        kept = self._products.get(key)
        if kept is not None and kept.stamp == stamp:
            return kept.value
        product = lookup(copy, "product", code, records.Product)
        sources: tuple[object, ...] = ()
        if product is None:
            value = None
        else:
            row = lookup(copy, "customer_product", f"{customer_id}|{code}", records.CustomerProduct)
            links = tuple(
                lookup(copy, "channel_product", f"{channel}|{code}", records.ChannelProduct)
                for channel in channels
            )
            prices = self._prices_of(copy, stamp, code) if product.active else ()
            sources = (product, row, prices, *links)
            if kept is not None and _same(kept.sources, sources):
                value = kept.value
            else:
                value = _product_facts(product, row, links, prices)
        if len(self._products) >= _PRODUCTS_KEPT:
            self._products.clear()
        self._products[key] = _Kept(stamp, sources, value)
        return value

    def package(self, copy: CatalogCopy, stamp: Stamp, package_id: str) -> PromotionalPackage | None:
        kept = self._packages.get(package_id)
        if kept is not None and kept.stamp == stamp:
            return kept.value
        record = lookup(copy, "promotional_package", package_id, records.PromotionalPackage)
        products, lists = _of(copy, "product"), _of(copy, "price_list")
        sources: tuple[object, ...] = ()
        if record is not None:
            listed = lists.get(record.price_list) if record.price_list is not None else None
            sources = (record, listed, *(products.get(line.product_code) for line in record.lines))
        if kept is not None and _same(kept.sources, sources):
            value = kept.value
        else:
            value = None if record is None else convert.promotional_package(record, products, lists)
        self._packages[package_id] = _Kept(stamp, sources, value)
        return value

    def group_parents(self, copy: CatalogCopy, stamp: Stamp) -> Mapping[str, str]:
        """Product group -> its parent (rebuilt when the copy moved: groups are few)."""
        if self._groups.stamp != stamp:
            parents = convert.group_parents(_of(copy, "product_group").values())
            if parents != self._groups.value:
                self._groups.value = MappingProxyType(parents)
            self._groups.stamp = stamp
        return self._groups.value

    def line_discounts(
        self, copy: CatalogCopy, stamp: Stamp, customer: CustomerFacts
    ) -> tuple[LineDiscountEntry, ...]:
        """The entries that can apply to this customer: their customer, customer-type, target-group and
        price-list conditions are empty or match (the pricing context takes these from `customer`). The
        engine scans every candidate for every level of every line it prices, so fewer is faster."""
        everything = self._all_discounts(copy, stamp)
        key = (
            customer.customer_id,
            customer.ship_to,
            customer.customer_type,
            customer.target_groups,
            customer.price_list,
        )
        found = self._for_customer.get(key)
        if found is None:
            if len(self._for_customer) >= _CUSTOMERS_KEPT:
                self._for_customer.clear()
            found = self._for_customer[key] = tuple(d for d in everything if _may_apply(d, customer))
        return found

    def settings_json(self, site: records.Site) -> str:
        """The site's settings as the JSON text the domain parses (back-office keys, decimals as strings)."""
        kept = self._settings.get(site.code)
        if kept is None or kept[0] is not site.settings:
            kept = self._settings[site.code] = (site.settings, site.settings.model_dump_json(by_alias=True))
        return kept[1]

    def _prices_of(self, copy: CatalogCopy, stamp: Stamp, code: str) -> tuple[PriceEntry, ...]:
        """The product's price entries (entries of a price type the copy does not hold are left out)."""
        kept = self._prices.get(code)
        if kept is not None and kept.stamp == stamp:
            return kept.value
        entries: tuple[Any, ...] = tuple(copy.for_product("price_entry", code))
        types, lists = _of(copy, "price_type"), _of(copy, "price_list")
        sources = tuple(
            source
            for e in entries
            for source in (e, types.get(e.price_type), lists.get(e.price_list) if e.price_list else None)
        )
        if kept is not None and _same(kept.sources, sources):
            value = kept.value
        else:
            value = tuple(convert.price_entries(entries, types, lists))
        self._prices[code] = _Kept(stamp, sources, value)
        return value

    def _all_discounts(self, copy: CatalogCopy, stamp: Stamp) -> tuple[LineDiscountEntry, ...]:
        if stamp == self._discount_stamp:
            return self._discounts
        source, lists = _of(copy, "line_discount"), _of(copy, "price_list")
        sources = (*source.values(), *lists.values())  # at C speed: the usual answer is "unchanged"
        if not _same(self._discount_sources, sources):
            self._convert_discounts(source, lists)
        self._discount_sources, self._discount_stamp = sources, stamp
        return self._discounts

    def _convert_discounts(self, source: dict[str, Any], lists: dict[str, Any]) -> None:
        """Converts the entries that changed (or whose price list did), keeps the others."""
        old, parts, changed = self._discount_parts, {}, len(source) != len(self._discount_parts)
        for key, record in source.items():
            listed = lists.get(record.price_list) if record.price_list is not None else None
            part = old.get(key)
            if part is None or part[0] is not record or part[1] is not listed:
                part, changed = (record, listed, convert.line_discounts([record], lists)[0]), True
            parts[key] = part
        if changed:
            self._discounts = tuple(part[2] for part in parts.values())
            self._for_customer.clear()
        self._discount_parts = parts


def _product_facts(
    product: records.Product,
    row: records.CustomerProduct | None,
    links: tuple[records.ChannelProduct | None, ...],
    prices: tuple[PriceEntry, ...],
) -> ProductFacts:
    return ProductFacts(
        code=product.code,
        unit=product.unit,
        name=product.name,
        product_group=product.product_group,
        customer_product=None
        if row is None
        else CustomerProduct(
            product_code=product.code,
            from_date=row.from_date,
            thru_date=row.thru_date,
            active=row.active and product.active,
            order_multiple=row.order_multiple,
            min_stock=row.min_in_store,
            max_stock=row.max_in_store,
        ),
        links=tuple(
            ChannelLink(
                channel_code=link.channel,
                product_code=product.code,
                from_date=link.from_date,
                thru_date=link.thru_date,
                active=link.active and product.active,
                minimal_sales_quantity=link.min_sales_quantity,
                minimal_sales_price_per_lot=link.min_sales_price_per_lot,
            )
            for link in links
            if link is not None
        ),
        prices=prices,
    )


def lookup(copy: CatalogCopy, kind: str, key: str | None, record_type: type[R]) -> R | None:
    """The record of `kind` with this natural key, or None (no key, none held, or not of that type)."""
    record = copy.get(kind, key) if key is not None else None
    return record if isinstance(record, record_type) else None


def _same(kept: tuple[object, ...], now: tuple[object, ...]) -> bool:
    return len(kept) == len(now) and all(map(operator.is_, kept, now))


def _may_apply(entry: LineDiscountEntry, customer: CustomerFacts) -> bool:
    return (
        (entry.customer is None or entry.customer in (customer.customer_id, customer.ship_to))
        and (entry.customer_type is None or entry.customer_type == customer.customer_type)
        and (entry.target_group is None or entry.target_group in customer.target_groups)
        and (entry.price_list is None or entry.price_list.code == customer.price_list)
    )


def _of(copy: CatalogCopy, kind: str) -> dict[str, Any]:
    """The copy's records of one kind by natural key (the kinds read here are keyed by code or id)."""
    return copy.records[kind]


_CACHES: weakref.WeakKeyDictionary[CatalogCopy, FactsCache] = weakref.WeakKeyDictionary()


def facts_cache(copy: CatalogCopy) -> FactsCache:
    """The cache of this copy (made on first use; it goes with the copy)."""
    cache = _CACHES.get(copy)
    if cache is None:
        cache = _CACHES[copy] = FactsCache()
    return cache
