"""External-access roles: ordered, a higher role includes every lower one."""

from __future__ import annotations

from enum import IntEnum


class Role(IntEnum):
    """A user's role for a customer. The value orders them, so `role >= Role.L20` reads as the rule does."""

    L10 = 10  # Basic
    L20 = 20  # Orders: New Order, but no money shown
    L30 = 30  # Orders with prices
    L40 = 40  # Billing
    L80 = 80  # Admin
    L90 = 90  # Owner

    @classmethod
    def parse(cls, code: str) -> Role:
        """`"L20"` (or `"L20 - Orders"`, as the back office labels it) -> `Role.L20`."""
        return cls[code.split()[0].upper()]


NEW_ORDER_ROLE = Role.L20
"""The least role that may use New Order (every command of this domain)."""

MONEY_ROLE = Role.L30
"""The least role that sees unit prices, discounts, amounts and totals."""


def sees_money(role: Role) -> bool:
    return role >= MONEY_ROLE
