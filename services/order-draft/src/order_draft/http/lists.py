"""The catalog copy's customer products by customer and channel links by channel, rebuilt only when the
copy changed (a screen reads them on every request; the copy keys them by product)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from contracts import catalog as records
from order_draft.catalog_copy import CatalogCopy


@dataclass(slots=True)
class ListIndex:
    changes: int
    customer_products: dict[str, list[records.CustomerProduct]] = field(default_factory=dict)
    channel_products: dict[str, list[records.ChannelProduct]] = field(default_factory=dict)

    @classmethod
    def of(cls, copy: CatalogCopy) -> ListIndex:
        kept = _kept.get(copy)
        if kept is not None and kept.changes == copy.changes:
            return kept
        by_customer: dict[str, list[records.CustomerProduct]] = defaultdict(list)
        by_channel: dict[str, list[records.ChannelProduct]] = defaultdict(list)
        for row in copy.all("customer_product"):
            if isinstance(row, records.CustomerProduct):
                by_customer[row.customer].append(row)
        for link in copy.all("channel_product"):
            if isinstance(link, records.ChannelProduct):
                by_channel[link.channel].append(link)
        index = _kept[copy] = cls(copy.changes, dict(by_customer), dict(by_channel))
        return index


_kept: WeakKeyDictionary[CatalogCopy, ListIndex] = WeakKeyDictionary()
