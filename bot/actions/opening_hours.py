"""Whether a service is open now, in UK time, and when it next opens."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Optional, Text
from zoneinfo import ZoneInfo

import holidays

from bot.actions.content_model import CardWords, Service

UK_TIME = ZoneInfo("Europe/London")
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def uk_now() -> datetime:
    return datetime.now(UK_TIME)


@lru_cache(maxsize=8)
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_bank_holiday(day: date) -> bool:
    """England and Wales bank holidays (the same days in both), substitute days included."""
    return day in _bank_holidays(day.year)


def _opens_on(service: Service, day: date) -> bool:
    return not (service.closed_on_bank_holidays and is_bank_holiday(day))


def is_open(service: Service, now: datetime) -> Optional[bool]:
    """True or False; None when the service's hours are not known."""
    if service.always_open:
        return True
    if not service.opening_times:
        return None
    local = now.astimezone(UK_TIME)
    if not _opens_on(service, local.date()):
        return False
    today, clock = DAY_KEYS[local.weekday()], local.strftime("%H:%M")
    return any(today in p.days and p.opens <= clock < p.closes for p in service.opening_times)


def next_opening(service: Service, now: datetime, words: CardWords) -> Optional[Text]:
    """Like "today at 10:00" or "on Monday at 09:30" (in `words`); None if it never opens."""
    local = now.astimezone(UK_TIME)
    for days_ahead in range(12):  # a week, and the bank holidays that can fall in it
        day = local + timedelta(days=days_ahead)
        if not _opens_on(service, day.date()):
            continue
        key = DAY_KEYS[day.weekday()]
        times = sorted(p.opens for p in service.opening_times if key in p.days)
        later = [t for t in times if days_ahead > 0 or t > local.strftime("%H:%M")]
        if later:
            if days_ahead == 0:
                return words.say("opens_today", time=later[0])
            if days_ahead == 1:
                return words.say("opens_tomorrow", time=later[0])
            return words.say("opens_on_day", day=words.days[day.weekday()], time=later[0])
    return None


def describe_hours(service: Service, words: CardWords) -> Optional[Text]:
    """Opening hours in words, or None when unknown."""
    if service.always_open:
        return words.say("open_always")
    if not service.opening_times:
        return None
    parts = [words.say("times", days=_describe_days(p.days, words), opens=p.opens, closes=p.closes)
             for p in service.opening_times]
    closed = " " + words.say("closed_on_bank_holidays") if service.closed_on_bank_holidays else ""
    return words.say("open_at", times="; ".join(parts)) + closed


def _describe_days(days: tuple, words: CardWords) -> Text:
    indexes = sorted(DAY_KEYS.index(d) for d in days)
    if len(indexes) > 2 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return words.say("days_range", first=words.days[indexes[0]], last=words.days[indexes[-1]])
    return ", ".join(words.days[i] for i in indexes)
