"""The context date a line is priced on."""

from __future__ import annotations

import datetime as dt


def context_date(required_delivery_date: dt.date | None, today: dt.date) -> dt.date:
    """The required delivery date when the draft has one, else today (in the site's time zone)."""
    return required_delivery_date if required_delivery_date is not None else today


def site_today(now: dt.datetime, time_zone: dt.tzinfo) -> dt.date:
    """Today's date on the site's calendar; `now` must be timezone-aware (times are kept in UTC)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(time_zone).date()
