"""The generated replace and constructor build exactly what `dataclasses.replace` and `__init__` build."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from order_draft.domain.frozen import constructor, replacer
from order_draft.domain.lines import AppliedDiscount, Line, LinePrice, LineSource, Totals
from order_draft.domain.state import Draft

PRICE = LinePrice(
    unit_price=Decimal("9.50"),
    currency="EUR",
    discount_percent=Decimal("0.10"),
    amount=Decimal("8.55"),
    price_entry_id="P-A100",
    discounts=(AppliedDiscount(level=1, entry_id="D-TOOLS", percent=Decimal("0.10")),),
    revision=3,
)
FIELDS = {
    "line_id": "L1",
    "product_code": "A100",
    "unit": "pcs",
    "quantity": Decimal(2),
    "source": LineSource.CUSTOMER_PRODUCTS,
    "price": PRICE,
}
DEFAULTED = {"lines", "packages", "notes", "required_delivery_date", "placed_at"}


def test_a_constructed_line_equals_one_from_init_defaults_included() -> None:
    make = constructor(Line)

    assert make(**FIELDS) == Line(**FIELDS)
    assert make(**FIELDS, name="Hammer", package_id="PK1") == Line(**FIELDS, name="Hammer", package_id="PK1")
    with pytest.raises(TypeError):
        make(line_id="L1")  # a field without a default is required, as in __init__


def test_a_constructed_draft_gets_fresh_default_factories() -> None:
    make = constructor(Draft)
    fields = {f.name: f"x{n}" for n, f in enumerate(dataclasses.fields(Draft)) if f.name not in DEFAULTED}

    draft = make(**fields)

    assert draft == Draft(**fields)
    assert dict(draft.lines) == {}
    assert dict(draft.packages) == {}


def test_replace_changes_only_the_given_fields_and_keeps_the_original() -> None:
    line = Line(**FIELDS, name="Hammer")
    replace = replacer(Line)

    changed = replace(line, quantity=Decimal(5), price=None)

    assert changed == dataclasses.replace(line, quantity=Decimal(5), price=None)
    assert replace(line) == line
    assert replace(line) is not line
    assert line.quantity == Decimal(2)
    with pytest.raises(TypeError):
        replace(line, colour="red")


def test_only_frozen_slots_dataclasses_without_post_init_are_accepted() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    with pytest.raises(TypeError):
        replacer(NoSlots)
    with pytest.raises(TypeError):
        constructor(Totals)  # its __post_init__ sorts the amounts: only __init__ may build it
