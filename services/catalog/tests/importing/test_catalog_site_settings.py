"""Site settings (domain.md section 2): CC008 when not well-formed, CC009 when New Order is half set up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.site_settings import SettingsProblem, check_settings
from contracts.catalog import SiteSettings

TYPES = {"SO": True, "RET": False}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ('{"IsNewOrderEnabled": true,', "CC008"),  # not JSON
        ("[1, 2]", "CC008"),  # not an object
        ('{"IsNewOrderEnable": true}', "CC008"),  # a misspelt key
        ('{"IsNewOrderEnabled": "yes"}', "CC008"),  # a wrong type
        ('{"AvailabilityMax": "lots"}', "CC008"),
        ('{"TimeZone": "Mars/Olympus"}', "CC008"),
        ('{"IsNewOrderEnabled": true}', "CC009"),  # enabled without a document type
        ('{"NewOrderDocumentType": "SO"}', "CC009"),  # a document type without the flag
        ('{"IsNewOrderEnabled": true, "NewOrderDocumentType": ""}', "CC009"),  # names no type
        ('{"IsNewOrderEnabled": true, "NewOrderDocumentType": "XX"}', "CC009"),  # an unknown type
        ('{"IsNewOrderEnabled": true, "NewOrderDocumentType": "RET"}', "CC009"),  # not a sales order
    ],
)
def test_bad_settings_are_refused_with_their_code(raw: str, code: str) -> None:
    problem = check_settings(raw, TYPES)
    assert isinstance(problem, SettingsProblem)
    assert problem.code == code


def test_empty_settings_take_every_default() -> None:
    assert check_settings("", TYPES) == SiteSettings()
    assert check_settings(None, TYPES) == SiteSettings()
    assert check_settings("{}", TYPES) == SiteSettings()


def test_good_settings_are_parsed_with_defaults_filled() -> None:
    raw = (
        '{"IsNewOrderEnabled": true, "NewOrderDocumentType": "SO", "DefaultStore": "S1",'
        ' "AvailabilityMax": 12.5, "HideLines": true, "TimeZone": "Europe/Brussels"}'
    )
    settings = check_settings(raw, TYPES)
    assert isinstance(settings, SiteSettings)
    assert settings.availability_max == Decimal("12.5")
    assert settings.availability_shown
    assert settings.site_channel == "CC"
    assert settings.hide_lines
    assert not settings.hide_customer_products
