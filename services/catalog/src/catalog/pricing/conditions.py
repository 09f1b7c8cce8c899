"""Checks shared by prices, line discounts and promotional packages.

Every optional condition follows one rule: empty (`None`) means "any", otherwise it must match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol, TypeVar

from catalog.pricing.model import PriceList

T = TypeVar("T")


class Dated(Protocol):
    """Anything with an active flag and an inclusive validity period."""

    @property
    def active(self) -> bool: ...
    @property
    def from_date(self) -> dt.date: ...
    @property
    def thru_date(self) -> dt.date | None: ...


def valid_on(item: Dated, on: dt.date) -> bool:
    """Active and `from_date <= on <= thru_date`; a missing thru date is open-ended."""
    return item.active and item.from_date <= on and (item.thru_date is None or on <= item.thru_date)


def matches(condition: T | None, actual: T | None) -> bool:
    """An empty condition matches anything; a set one must equal the actual value."""
    return condition is None or condition == actual


def quantity_within(minimum: Decimal | None, maximum: Decimal | None, quantity: Decimal) -> bool:
    """Inclusive bounds; a missing bound does not limit."""
    return (minimum is None or quantity >= minimum) and (maximum is None or quantity <= maximum)


def price_list_matches(price_list: PriceList | None, code: str | None, on: dt.date) -> bool:
    """A price-list condition needs the same list, and that list must itself be valid on the date."""
    return price_list is None or (price_list.code == code and valid_on(price_list, on))


def target_group_matches(group: str | None, groups: frozenset[str]) -> bool:
    """The customer belongs to a set of target groups; the condition names one of them."""
    return group is None or group in groups


def group_or_parent_matches(condition: str | None, group: str | None, parents: Mapping[str, str]) -> bool:
    """The condition names the product's group or one of its ancestors (`parents` maps child -> parent)."""
    if condition is None:
        return True
    seen: set[str] = set()
    while group is not None and group not in seen:  # `seen` guards against a cycle in bad data
        if group == condition:
            return True
        seen.add(group)
        group = parents.get(group)
    return False
