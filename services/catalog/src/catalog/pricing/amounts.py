"""The amount of a line: Decimal arithmetic, rounded half-up to cents, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def line_amount(
    quantity: Decimal,
    unit_price: Decimal,
    standard_discount: Decimal,
    custom_discount: Decimal = Decimal(0),
) -> Decimal:
    """round(quantity x unit price x (1 - standard) x (1 - custom)), half-up to 2 decimals.

    Discounts are fractions (0.10 = 10 %); the amount is in the unit price's currency.
    """
    exact = quantity * unit_price * (1 - standard_discount) * (1 - custom_discount)
    return exact.quantize(CENT, rounding=ROUND_HALF_UP)
