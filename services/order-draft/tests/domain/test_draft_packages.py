"""SetPackageQuantity: package lines come from the package, are marked with it, and are locked."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from types import MappingProxyType

from draft_fixtures import FACTS, PACKAGE
from draft_scenario import command, eur, line, opened

from catalog.pricing import PromotionalPackage
from order_draft.domain import (
    AddLine,
    CatalogFacts,
    Code,
    Line,
    LineAdded,
    LineRepriced,
    LineSource,
    PackageQuantitySet,
    RefreshPrices,
    RemoveLine,
    RequiredDeliveryDateSet,
    SetLineQuantity,
    SetPackageQuantity,
)


def package_lines(count: int) -> tuple[Line, ...]:
    """PK x count: 2 x A100 at the list price with 10 % cascaded with 5 %, and 1 x CC1 at 6.00."""
    a100_amount = Decimal("17.10") * count
    return (
        line(
            "package:PK:0",
            "A100",
            str(2 * count),
            eur(
                "10.00",
                str(a100_amount),
                "P-A100",
                [(1, "D-TOOLS", "0.10")],
                discount_percent=Decimal("0.145"),
            ),
            source=LineSource.PACKAGE,
            package_id="PK",
        ),
        line(
            "package:PK:1",
            "CC1",
            str(count),
            eur("6.00", str(Decimal("6.00") * count), None),
            source=LineSource.PACKAGE,
            package_id="PK",
        ),
    )


ONE_PACKAGE = PackageQuantitySet(package_id="PK", count=1, lines=package_lines(1))


def set_package(count: int, package_id: str = "PK") -> SetPackageQuantity:
    return command(SetPackageQuantity, package_id=package_id, count=count)


def with_package(package: PromotionalPackage) -> CatalogFacts:
    return replace(FACTS, packages=MappingProxyType({"PK": package}))


def test_n_packages_add_one_line_per_package_line_marked_with_the_package() -> None:
    draft = opened().when(set_package(1)).then(ONE_PACKAGE)
    assert draft is not None
    assert dict(draft.packages) == {"PK": 1}
    assert [(x.line_id, x.package_id) for x in draft.lines.values()] == [
        ("package:PK:0", "PK"),
        ("package:PK:1", "PK"),
    ]
    assert draft.totals.to_payload() == {"EUR": "23.10"}


def test_another_count_replaces_the_package_lines_in_place() -> None:
    draft = (
        opened(ONE_PACKAGE)
        .when(set_package(2))
        .then(PackageQuantitySet(package_id="PK", count=2, lines=package_lines(2)))
    )
    assert draft is not None
    assert [x.quantity for x in draft.lines.values()] == [Decimal(4), Decimal(2)]


def test_count_zero_removes_the_package_lines() -> None:
    draft = (
        opened(ONE_PACKAGE).when(set_package(0)).then(PackageQuantitySet(package_id="PK", count=0, lines=()))
    )
    assert draft is not None
    assert (dict(draft.lines), dict(draft.packages)) == ({}, {})


def test_count_zero_removes_a_package_the_catalog_no_longer_offers() -> None:
    gone = replace(FACTS, packages=MappingProxyType({}))
    outcome = opened(ONE_PACKAGE).when(set_package(0), gone)
    *repriced, removed = outcome.events()
    assert removed == PackageQuantitySet(package_id="PK", count=0, lines=())
    assert [e.new_price for e in repriced if isinstance(e, LineRepriced)] == [None, None]


def test_count_zero_of_a_package_not_on_the_draft_changes_nothing() -> None:
    opened().when(set_package(0)).then()


def test_the_same_count_again_changes_nothing() -> None:
    opened(ONE_PACKAGE).when(set_package(1)).then()


def test_package_lines_cannot_be_changed_one_by_one() -> None:
    opened(ONE_PACKAGE).when(command(RemoveLine, line_id="package:PK:0")).rejected(Code.PACKAGE_LINE_LOCKED)
    change = command(SetLineQuantity, line_id="package:PK:1", quantity=Decimal(5))
    rejection = opened(ONE_PACKAGE).when(change).rejected(Code.PACKAGE_LINE_LOCKED)
    assert rejection.details["package_id"] == "PK"


def test_adding_a_product_that_is_only_in_a_package_adds_its_own_line() -> None:
    cmd = command(AddLine, code="A100", quantity=Decimal(1), command_id="L1")
    opened(ONE_PACKAGE).when(cmd).then(
        LineAdded(line=line("L1", "A100", "1", eur("10.00", "9.00", "P-A100", [(1, "D-TOOLS", "0.10")])))
    )


def test_an_unknown_package_is_rejected() -> None:
    opened().when(set_package(1, "NOPE")).rejected(Code.PACKAGE_UNKNOWN)


def test_a_negative_package_count_is_rejected() -> None:
    opened().when(set_package(-1)).rejected(Code.QUANTITY_NOT_POSITIVE)


def test_a_package_for_another_customer_is_unavailable() -> None:
    opened().when(set_package(1), with_package(replace(PACKAGE, customer="C2"))).rejected(
        Code.PACKAGE_UNAVAILABLE
    )


def test_a_package_is_unavailable_after_its_dates_for_the_context_date() -> None:
    late = RequiredDeliveryDateSet(required_delivery_date=dt.date(2026, 7, 1))
    rejection = opened(late).when(set_package(1)).rejected(Code.PACKAGE_UNAVAILABLE)
    assert rejection.details["on"] == "2026-07-01"


def test_a_package_whose_product_the_catalog_does_not_know_is_rejected() -> None:
    facts = replace(FACTS, products=MappingProxyType({k: v for k, v in FACTS.products.items() if k != "CC1"}))
    assert opened().when(set_package(1), facts).rejected(Code.PRODUCT_UNKNOWN).details["codes"] == ["CC1"]


def test_package_lines_lose_their_price_when_the_package_ends_while_on_the_draft() -> None:
    ended = with_package(replace(PACKAGE, active=False))
    events = opened(ONE_PACKAGE).when(command(RefreshPrices), ended).events()
    assert [(e.line_id, e.new_price) for e in events if isinstance(e, LineRepriced)] == [
        ("package:PK:0", None),
        ("package:PK:1", None),
    ]
