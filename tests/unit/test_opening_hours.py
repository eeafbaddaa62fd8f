"""Opening times: bank holidays from the England and Wales calendar, and hours nobody has
confirmed are never shown as "open now"."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from bot.actions.content_model import OpeningTimes, Service
from bot.actions.opening_hours import UK_TIME, is_bank_holiday, is_open, next_opening
from bot.actions.rendering import render_service

WEEKDAYS = OpeningTimes(days=("mon", "tue", "wed", "thu", "fri"), opens="09:30", closes="16:00")
HELPLINE = Service(
    id="weekday_line", name="Weekday line", summary="A helpline.", areas=("national",), serves=("everyone",),
    needs=("stalking_harassment",), source="test", verified=True, reviewed=date(2026, 11, 30), phone="0808 802 0300",
    opening_times=(WEEKDAYS,), closed_on_bank_holidays=True, hours_verified=True,
)


@pytest.mark.parametrize("day", [date(2026, 12, 25), date(2026, 12, 28), date(2026, 8, 31), date(2027, 3, 29)])
def test_bank_holidays_and_substitute_days_are_known(day):
    assert is_bank_holiday(day)


def test_ordinary_days_are_not_bank_holidays():
    assert not is_bank_holiday(date(2026, 12, 24)) and not is_bank_holiday(date(2026, 8, 24))


def test_a_service_closed_on_bank_holidays_is_closed_on_christmas_day_and_a_bank_holiday_monday(content):
    christmas_friday_noon = datetime(2026, 12, 25, 12, 0, tzinfo=UK_TIME)
    assert is_open(HELPLINE, christmas_friday_noon) is False
    # Boxing Day falls on a Saturday, so Monday 28 December is the substitute bank holiday.
    assert next_opening(HELPLINE, christmas_friday_noon, content.cards) == "on Tuesday at 09:30"
    late_summer_monday = datetime(2026, 8, 31, 11, 0, tzinfo=UK_TIME)
    assert is_open(HELPLINE, late_summer_monday) is False
    assert is_open(replace(HELPLINE, closed_on_bank_holidays=False), late_summer_monday) is True
    assert is_open(HELPLINE, datetime(2026, 9, 1, 11, 0, tzinfo=UK_TIME)) is True


def test_hours_that_are_not_confirmed_are_never_shown_as_open_now(content):
    tuesday_11 = datetime(2026, 9, 1, 11, 0, tzinfo=UK_TIME)
    unconfirmed = render_service(replace(HELPLINE, hours_verified=False), content, tuesday_11).text
    assert "Open now." not in unconfirmed and "Closed now" not in unconfirmed
    assert "Check these opening times" in unconfirmed
    assert "Open now." in render_service(HELPLINE, content, tuesday_11).text
    assert "Closed on bank holidays." in unconfirmed
