"""Catalog records: natural keys, field rules, one compacted topic per kind, admin commands."""

from __future__ import annotations

import json
import typing
from decimal import Decimal

import pytest
from contract_samples import DAY, RECORDS
from pydantic import TypeAdapter, ValidationError

from contracts.catalog import (
    KINDS,
    CatalogCommand,
    Channel,
    CustomerProduct,
    LineDiscount,
    PackageLine,
    Product,
    PromotionalPackage,
    RecordKind,
    SiteSettings,
    UpsertRecord,
    role_at_least,
)
from contracts.envelope import Actor


def test_a_composite_key_joins_its_parts_with_a_bar() -> None:
    assert RECORDS["customer_product"].key() == "C-1|P1"
    assert RECORDS["availability"].key() == "S1|P1|SUP|2025-03-01"


@pytest.mark.parametrize("code", ["", "A|B", " A", "A ", "x" * 65])
def test_a_code_with_a_bar_an_edge_space_or_too_long_is_refused(code: str) -> None:
    with pytest.raises(ValidationError):
        Product(code=code, name="n", unit="PCS")


def test_channel_codes_have_at_most_ten_characters() -> None:
    assert Channel(code="ONLINE1234", name="n").code == "ONLINE1234"
    with pytest.raises(ValidationError):
        Channel(code="ONLINE12345", name="n")


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match="thru_date is before from_date"):
        CustomerProduct(customer="C", product_code="P", from_date=DAY, thru_date="2025-02-28")


def test_quantity_bounds_must_be_ordered_and_a_percent_is_a_fraction() -> None:
    with pytest.raises(ValidationError, match="max_quantity"):
        LineDiscount(id="D", level=1, percent="0.1", from_date=DAY, min_quantity="10", max_quantity="5")
    with pytest.raises(ValidationError):
        LineDiscount(id="D", level=1, percent="10", from_date=DAY)


def test_a_package_has_lines_and_names_each_product_once() -> None:
    line = PackageLine(product_code="P1", quantity=Decimal(1))
    with pytest.raises(ValidationError):
        PromotionalPackage(id="K", name="n", currency="EUR", from_date=DAY, lines=())
    with pytest.raises(ValidationError, match="one line only"):
        PromotionalPackage(id="K", name="n", currency="EUR", from_date=DAY, lines=(line, line))


def test_every_kind_has_its_record_view_and_own_versioned_topic() -> None:
    assert set(KINDS) == set(typing.get_args(RecordKind)) == set(RECORDS)
    topics = [kind.topic for kind in KINDS.values()]
    assert len(set(topics)) == len(topics)
    assert all(topic.startswith("catalog.") and topic.endswith(".v1") for topic in topics)
    for name, kind in KINDS.items():
        assert kind.record.model_fields["kind"].default == name
        assert kind.view.model_fields["record"].annotation is kind.record


def test_an_upsert_reads_its_record_as_the_class_its_kind_names() -> None:
    command = UpsertRecord(actor=Actor(user_id="admin"), record=RECORDS["channel_product"])
    read = TypeAdapter(CatalogCommand).validate_python(json.loads(command.model_dump_json()))
    assert isinstance(read, UpsertRecord)
    assert read.record == RECORDS["channel_product"]
    assert read.partition_key() == "channel_product|WEB|P1"


def test_site_settings_use_the_back_office_keys_and_defaults() -> None:
    settings = SiteSettings.model_validate({"IsNewOrderEnabled": True, "NewOrderDocumentType": "SO"})
    dumped = json.loads(settings.model_dump_json())
    assert dumped["SiteChannel"] == "CC"
    assert dumped["IsOrdersEnabled"] is True
    assert dumped["HideCustomerProducts"] is False
    assert not settings.availability_shown
    assert SiteSettings.model_validate(dumped) == settings


def test_a_higher_role_includes_the_lower() -> None:
    assert role_at_least("L30", "L20")
    assert role_at_least("L20", "L20")
    assert not role_at_least("L10", "L20")
