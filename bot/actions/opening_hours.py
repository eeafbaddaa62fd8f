"""Whether a service is open now, in UK time, and when it next opens."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional, Text
from zoneinfo import ZoneInfo

from bot.actions.content_model import Service

UK_TIME = ZoneInfo("Europe/London")
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def uk_now() -> datetime:
    return datetime.now(UK_TIME)


def is_open(service: Service, now: datetime) -> Optional[bool]:
    """True or False; None when the service's hours are not known."""
    if service.always_open:
        return True
    if not service.opening_times:
        return None
    local = now.astimezone(UK_TIME)
    today, clock = DAY_KEYS[local.weekday()], local.strftime("%H:%M")
    return any(today in p.days and p.opens <= clock < p.closes for p in service.opening_times)


def next_opening(service: Service, now: datetime) -> Optional[Text]:
    """Like "today at 10:00" or "on Monday at 09:30"; None if it never opens."""
    local = now.astimezone(UK_TIME)
    for days_ahead in range(8):
        day = local + timedelta(days=days_ahead)
        key = DAY_KEYS[day.weekday()]
        times = sorted(p.opens for p in service.opening_times if key in p.days)
        later = [t for t in times if days_ahead > 0 or t > local.strftime("%H:%M")]
        if later:
            when = "today" if days_ahead == 0 else "tomorrow" if days_ahead == 1 else f"on {DAY_NAMES[day.weekday()]}"
            return f"{when} at {later[0]}"
    return None


def describe_hours(service: Service) -> Optional[Text]:
    """Opening hours in words, or None when unknown."""
    if service.always_open:
        return "Open 24 hours a day, every day."
    if not service.opening_times:
        return None
    parts = [f"{_describe_days(p.days)} {p.opens} to {p.closes}" for p in service.opening_times]
    return "Open " + "; ".join(parts) + " (UK time)."


def _describe_days(days: tuple) -> Text:
    indexes = sorted(DAY_KEYS.index(d) for d in days)
    if len(indexes) > 2 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return f"{DAY_NAMES[indexes[0]]} to {DAY_NAMES[indexes[-1]]},"
    return ", ".join(DAY_NAMES[i] for i in indexes) + ","
