"""What each role sees of a draft; site settings parsing; which facts a command needs."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal
from types import MappingProxyType
from zoneinfo import ZoneInfo

import pytest
from draft_fixtures import with_settings
from draft_scenario import OPENED, command, eur, given, line

from contracts.catalog import SiteSettings as CatalogSiteSettings
from order_draft.domain import (
    AddLine,
    Code,
    DraftOpened,
    LineAdded,
    OpenDraft,
    PackageQuantitySet,
    Rejection,
    Role,
    SetPackageQuantity,
    SiteSettings,
    draft_view,
    facts_needed,
    fold,
    parse_site_settings,
)

PRICED = LineAdded(line=line("L1", "A100", "3", eur("10.00", "27.00", "P-A100", [(1, "D-TOOLS", "0.10")])))
UNPRICED = LineAdded(line=line("L2", "FREE", "1", None))
DRAFT = fold(None, [OPENED, PRICED, UNPRICED])
MONEY = {"unit_price", "currency", "discount_percent", "amount", "price_entry_id", "discount_entries"}


def test_role_l20_sees_the_lines_but_no_money() -> None:
    assert DRAFT is not None
    view = draft_view(DRAFT, Role.L20)
    json.dumps(view)
    assert "totals" not in view
    assert all(not MONEY & set(line) for line in view["lines"])
    assert [(line["quantity"], line["priced"]) for line in view["lines"]] == [("3", True), ("1", False)]


@pytest.mark.parametrize("role", [Role.L30, Role.L40, Role.L80, Role.L90])
def test_role_l30_and_above_see_prices_discounts_amounts_and_totals(role: Role) -> None:
    assert DRAFT is not None
    view = draft_view(DRAFT, role)
    json.dumps(view)
    assert view["totals"] == {"EUR": "27.00"}
    first = view["lines"][0]
    assert (first["unit_price"], first["discount_percent"], first["amount"]) == ("10.00", "0.10", "27.00")
    assert first["discount_entries"] == {"1": "D-TOOLS"}


def test_roles_are_ordered_and_parse_from_their_labels() -> None:
    assert Role.L10 < Role.L20 < Role.L30 < Role.L40 < Role.L80 < Role.L90
    assert Role.parse("L30 - Orders with prices") is Role.L30


def test_empty_settings_take_every_default() -> None:
    settings = parse_site_settings(None)
    assert settings == SiteSettings()
    assert isinstance(settings, SiteSettings)
    assert (settings.site_channel.code, settings.site_channel.name) == ("CC", "Client Center")
    assert (settings.is_new_order_enabled, settings.is_orders_enabled, settings.time_zone) == (
        None,
        True,
        dt.UTC,
    )


def test_settings_are_read_from_their_json_keys() -> None:
    text = json.dumps(
        {
            "IsNewOrderEnabled": True,
            "NewOrderDocumentType": 42,
            "SiteChannel": "B2B",
            "HideCustomerProducts": True,
            "HideDistributionChannel": True,
            "DefaultStore": "ST1",
            "AvailabilityMax": "100.5",
            "IsOrdersEnabled": False,
            "OrderDocumentTypes": ["SO", 7],
            "HideLines": True,
            "TimeZone": "Europe/Sofia",
        }
    )
    settings = parse_site_settings(text)
    assert settings == SiteSettings(
        is_new_order_enabled=True,
        new_order_document_type="42",
        site_channel=settings.site_channel,  # type: ignore[union-attr]
        hide_customer_products=True,
        hide_distribution_channel=True,
        default_store="ST1",
        availability_max=Decimal("100.5"),
        is_orders_enabled=False,
        order_document_types=("SO", "7"),
        hide_lines=True,
        time_zone=ZoneInfo("Europe/Sofia"),
    )
    assert settings.site_channel.code == "B2B"


@pytest.mark.parametrize(
    "text",
    [
        "{",
        "42",
        '{"IsNewOrderEnabled": "yes"}',
        '{"SiteChannel": {"Name": "no code"}}',
        '{"SiteChannel": "A-CODE-LONGER-THAN-10"}',
        '{"AvailabilityMax": "many"}',
        '{"AvailabilityMax": "NaN"}',
        '{"AvailabilityMax": true}',
        '{"DefaultStore": ""}',
        '{"OrderDocumentTypes": "SO"}',
        '{"TimeZone": 2}',
    ],
)
def test_malformed_settings_are_cc008(text: str) -> None:
    rejection = parse_site_settings(text)
    assert isinstance(rejection, Rejection)
    assert rejection.code is Code.CC008


def test_a_command_needs_the_facts_of_every_product_and_package_on_the_draft_and_its_own() -> None:
    draft = fold(None, [OPENED, PRICED, PackageQuantitySet(package_id="PK", count=1, lines=())])
    needed = facts_needed(command(AddLine, code=" M10 ", quantity=Decimal(1)), draft)
    assert (needed.products, needed.packages) == (frozenset({"A100", "M10"}), frozenset({"PK"}))
    needed = facts_needed(command(SetPackageQuantity, package_id="PK2", count=1), None)
    assert (needed.products, needed.packages) == (frozenset(), frozenset({"PK2"}))


def test_settings_as_the_catalog_publishes_them_are_read() -> None:
    admin_wrote = {"IsNewOrderEnabled": True, "NewOrderDocumentType": "SO", "SiteChannel": "WEB"}
    published = CatalogSiteSettings.model_validate(admin_wrote | {"AvailabilityMax": "7.5"})
    settings = parse_site_settings(published.model_dump_json(by_alias=True))
    assert isinstance(settings, SiteSettings)
    assert (settings.site_channel.code, settings.availability_max) == ("WEB", Decimal("7.5"))
    assert (settings.is_new_order_enabled, settings.new_order_document_type) == (True, "SO")


def test_a_site_channel_given_by_code_takes_its_name_from_the_catalog() -> None:
    facts = with_settings(SiteChannel="WEB")
    named = replace(facts, site=replace(facts.site, channel_names=MappingProxyType({"WEB": "Online store"})))
    (event,) = given().when(command(OpenDraft, new_draft_id="D1", document_number="SO-1"), named).events()
    assert isinstance(event, DraftOpened)
    assert (event.channel_code, event.channel_name) == ("WEB", "Online store")
