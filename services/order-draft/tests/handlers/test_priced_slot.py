"""The handler skips repricing a draft it priced itself in the same quarter hour of UTC: that is only
right if no site's day can start inside a quarter hour, so every time zone's offset must be whole
quarter hours (checked against the tz database shipped with this Python)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from catalog.pricing import site_today
from order_draft.handlers.batch import _quarter_hour


def test_every_time_zone_is_offset_by_whole_quarter_hours_this_year() -> None:
    odd = []
    for name in sorted(zoneinfo.available_timezones()):
        zone = zoneinfo.ZoneInfo(name)
        for month in range(1, 13):
            offset = dt.datetime(2026, month, 1, tzinfo=dt.UTC).astimezone(zone).utcoffset()
            assert offset is not None
            if offset.total_seconds() % 900:
                odd.append((name, offset))
    assert odd == []


def test_two_instants_in_one_slot_are_on_the_same_day_on_every_site() -> None:
    names = ["Asia/Kathmandu", "Australia/Eucla", "America/St_Johns", "Europe/Prague", "Pacific/Chatham"]
    zones = [zoneinfo.ZoneInfo(name) for name in names]
    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    for minutes in range(0, 3 * 24 * 60, 5):
        at = start + dt.timedelta(minutes=minutes)
        slot = _quarter_hour(at)
        assert slot <= at < slot + dt.timedelta(minutes=15)
        for zone in zones:
            last = slot + dt.timedelta(minutes=15, microseconds=-1)
            assert site_today(slot, zone) == site_today(at, zone) == site_today(last, zone)
