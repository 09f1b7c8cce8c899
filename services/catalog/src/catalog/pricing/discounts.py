"""Line discounts: one winner per discount level, levels combined by cascade.

Percents are fractions: `Decimal("0.10")` is 10 %.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from catalog.pricing.conditions import (
    group_or_parent_matches,
    matches,
    price_list_matches,
    quantity_within,
    target_group_matches,
    valid_on,
)
from catalog.pricing.model import LineDiscountEntry, PricingContext
from catalog.pricing.ranking import Rank, pick_winner

NO_PARENTS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, kw_only=True, slots=True)
class DiscountChoice:
    """The winning discount entry of one level; `percent` is a fraction (0.10 = 10 %)."""

    level: int
    entry_id: str
    percent: Decimal


def discount_applies(
    entry: LineDiscountEntry, ctx: PricingContext, level: int, group_parents: Mapping[str, str] = NO_PARENTS
) -> bool:
    """Active, in dates, for the level, and every optional condition empty or matching.

    `group_parents` maps a product group to its parent group.
    """
    return (
        valid_on(entry, ctx.date)
        and entry.level == level
        and matches(entry.product_code, ctx.product_code)
        and group_or_parent_matches(entry.product_group, ctx.product_group, group_parents)
        and quantity_within(entry.min_quantity, entry.max_quantity, ctx.quantity)
        and (entry.customer is None or entry.customer in (ctx.customer, ctx.ship_to))
        and matches(entry.customer_type, ctx.customer_type)
        and matches(entry.channel, ctx.channel)
        and price_list_matches(entry.price_list, ctx.price_list, ctx.date)
        and target_group_matches(entry.target_group, ctx.target_groups)
    )


def _rank(entry: LineDiscountEntry) -> Rank:
    # highest priority, then latest from-date; discounts have no price type
    return (-entry.priority, -entry.from_date.toordinal())


def resolve_discount(
    entries: Iterable[LineDiscountEntry],
    ctx: PricingContext,
    level: int,
    *,
    group_parents: Mapping[str, str] = NO_PARENTS,
    current_entry_id: str | None = None,
) -> DiscountChoice | None:
    """The winning discount of one level, or `None` when no entry of that level applies.

    An equally ranked current entry (`current_entry_id`) is kept.
    """
    applicable = [entry for entry in entries if discount_applies(entry, ctx, level, group_parents)]
    if not applicable:
        return None
    winner = pick_winner(applicable, _rank, current_entry_id)
    return DiscountChoice(level=level, entry_id=winner.id, percent=winner.percent)


def resolve_discounts(
    entries: Iterable[LineDiscountEntry],
    ctx: PricingContext,
    *,
    group_parents: Mapping[str, str] = NO_PARENTS,
    current: Mapping[int, str] | None = None,
) -> tuple[DiscountChoice, ...]:
    """The winner of every level that has one, ordered by level.

    `current` maps a level to the entry id the line uses now at that level.
    """
    entries = tuple(entries)
    current = current or {}
    choices = (
        resolve_discount(
            entries, ctx, level, group_parents=group_parents, current_entry_id=current.get(level)
        )
        for level in sorted({entry.level for entry in entries})
    )
    return tuple(choice for choice in choices if choice is not None)


def cascade(percents: Iterable[Decimal]) -> Decimal:
    """Combine fractions one after the other: 1 - (1 - d1)(1 - d2)...; no discounts give 0."""
    remaining = Decimal(1)
    for percent in percents:
        remaining *= 1 - percent
    return 1 - remaining


def standard_discount(choices: Iterable[DiscountChoice]) -> Decimal:
    """The line's standard discount (a fraction): the cascade of its per-level winners."""
    return cascade(choice.percent for choice in choices)
