"""The studio's forms: every field of a service and of a topic, what kind of thing it is,
and how a form's answers become the entry's YAML values and back.

The fields are those `scripts/content check` accepts (SERVICE_FIELDS and TOPIC_FIELDS in
bot/actions/content_validation.py; tests/studio/test_fields.py keeps the two in step), so
a field added to the content is a field on the form. Whether a value is *right* is left to
the content checks themselves; this module only turns typed text into values, and says
plainly when it cannot (a date that does not exist, an age that is not a number).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from bot.actions.content_model import GROUPS, NEEDS
from bot.actions.content_validation import DAYS, CheckResult

DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")))
ALWAYS_OPEN = "24/7"
# The kinds of field, each shown and read its own way (templates/fields.html shows them).
TEXT, LONG_TEXT, LINES, PHONE, URL, YES_NO, DATE, AGE, CHOICES, CHOICE, HOURS = (
    "text", "long_text", "lines", "phone", "url", "yes_no", "date", "age", "choices", "choice", "hours")


@dataclass(frozen=True)
class Field:
    name: str  # the key in the YAML file
    label: str
    kind: str
    hint: str = ""
    required: bool = False
    # For CHOICES and CHOICE: the values offered, read from the content as it is now.
    options: Optional[Callable[[CheckResult], Sequence[Tuple[str, str]]]] = None
    # For YES_NO fields that may be left unsaid (the content's own default then applies).
    unset_label: str = ""


def _areas(result: CheckResult) -> List[Tuple[str, str]]:
    districts = [(a.id, a.label) for a in result.finder.areas] if result.finder else []
    return [("national", "The whole of the UK"), ("warwickshire", "All of Warwickshire"),
            ("wales", "Wales only")] + districts


def _plain(values: Sequence[str]) -> Callable[[CheckResult], List[Tuple[str, str]]]:
    return lambda _result: [(value, value.replace("_", " ").capitalize()) for value in values]


def _topic_ids(result: CheckResult) -> List[Tuple[str, str]]:
    return sorted((t.id, t.label) for t in result.topics.values())


def _service_ids(result: CheckResult) -> List[Tuple[str, str]]:
    return sorted((s.id, s.name) for s in result.services.values())


SERVICE_FORM: Tuple[Field, ...] = (
    Field("name", "Name", TEXT, required=True),
    Field("run_by", "Run by", TEXT, "Leave empty if the name already says who runs it."),
    Field("also_called", "Other names people type for it", LINES, "One a line, for example: refuge"),
    Field("summary", "What it does, for whom", LONG_TEXT, "Short sentences, everyday words.", required=True),
    Field("phone", "Phone number", PHONE, "Digits and spaces only, like 0808 2000 247"),
    Field("free", "Calls are free", YES_NO),
    Field("textphone", "Textphone number", PHONE),
    Field("text", "Number for text messages", PHONE),
    Field("url", "Web address", URL, "A full address starting with https://"),
    Field("hours", "Opening hours", HOURS, "UK time. Leave a day empty when it is closed."),
    Field("closed_on_bank_holidays", "Closed on bank holidays (England and Wales)", YES_NO),
    Field("hours_verified", "Opening hours checked against a source", YES_NO,
          unset_label="Not said: the same as 'Checked' below"),
    Field("areas", "Where it helps", CHOICES, required=True, options=_areas),
    Field("serves", "Who it is for", CHOICES, required=True, options=_plain(GROUPS)),
    Field("min_age", "Youngest age it helps", AGE, "Leave empty if there is no lower age limit."),
    Field("max_age", "Oldest age it helps", AGE, "Leave empty if there is no upper age limit."),
    Field("needs", "What it helps with", CHOICES, required=True, options=_plain(NEEDS)),
    Field("source", "Where each fact was checked", LONG_TEXT, required=True),
    Field("verified", "Checked against the source", YES_NO, required=True),
    Field("reviewed", "Date last checked", DATE, required=True),
    Field("review_by", "Check again by", DATE, "Leave empty if no date is set."),
    Field("owner", "Owner (who keeps it right)", TEXT, "A team or role, not a person's private details."),
    Field("notes_for_staff", "Notes for staff (never shown to the public)", LONG_TEXT),
)

TOPIC_FORM: Tuple[Field, ...] = (
    Field("label", "Button words", TEXT, "Under 30 characters.", required=True),
    Field("messages", "What the assistant says", LINES,
          "One message a line, in the order they are sent. Keep each under about 60 words.", required=True),
    Field("services", "Services listed after the messages", LINES, "One service id a line, in order.",
          options=_service_ids),
    Field("buttons", "Next steps offered (buttons)", LINES, "One topic id a line, in order.", options=_topic_ids),
    Field("need", "Need used by 'find support near me'", CHOICE, options=_plain(NEEDS)),
    Field("source", "Where the facts come from", LONG_TEXT, required=True),
    Field("verified", "Checked against the source", YES_NO, required=True),
    Field("reviewed", "Date last checked", DATE, required=True),
    Field("review_by", "Check again by", DATE, "Leave empty if no date is set."),
    Field("owner", "Owner (who keeps it right)", TEXT, "A team or role, not a person's private details."),
    Field("notes_for_staff", "Notes for staff (never shown to the public)", LONG_TEXT),
)

FORMS = {"service": SERVICE_FORM, "topic": TOPIC_FORM}


# From the entry to what the form shows -------------------------------------------------

def form_values(form: Sequence[Field], entry: Mapping[str, Any]) -> Dict[str, Any]:
    """What each input shows for this entry: text for text boxes, lists for checkboxes,
    day/month/year for dates, and a time pair for each day's opening hours."""
    values: Dict[str, Any] = {}
    for field in form:
        value = entry.get(field.name)
        if field.kind == DATE:
            values[field.name] = _date_parts(value)
        elif field.kind == HOURS:
            values[field.name] = _hours_parts(value)
        elif field.kind == CHOICES:
            values[field.name] = [str(v) for v in _as_list(value)]
        elif field.kind == LINES:
            values[field.name] = "\n".join(str(v) for v in _as_list(value))
        elif field.kind == YES_NO:
            values[field.name] = "" if value is None else ("yes" if value is True else "no" if value is False else str(value))
        else:
            values[field.name] = "" if value is None else str(value)
    return values


def _as_list(value: Any) -> List[Any]:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _date_parts(value: Any) -> Dict[str, str]:
    if isinstance(value, date):
        return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
    typed = str(value).split("/") if isinstance(value, str) else []
    day, month, year = typed if len(typed) == 3 else ("", "", "")  # a date that could not be read, as typed
    return {"day": day, "month": month, "year": year}


def _hours_parts(value: Any) -> Dict[str, Any]:
    if value == ALWAYS_OPEN:
        return {"mode": "always", "days": {day: ("", "") for day in DAYS}}
    days = {day: ("", "") for day in DAYS}
    if isinstance(value, list):
        for period in value:
            if isinstance(period, Mapping):
                for day in _as_list(period.get("days")):
                    days[str(day)] = (str(period.get("from", "")), str(period.get("to", "")))
        return {"mode": "set", "days": days}
    return {"mode": "unknown", "days": days}


# From what was typed to the entry ------------------------------------------------------

class Answers:
    """A submitted form, read the same way whatever web framework delivered it."""

    def __init__(self, get_one: Callable[[str], Optional[str]], get_all: Callable[[str], List[str]]) -> None:
        self.one = lambda name: (get_one(name) or "").strip()
        self.all = lambda name: [v.strip() for v in get_all(name) if v and v.strip()]


def entry_from_answers(form: Sequence[Field], answers: Answers, before: Mapping[str, Any]
                       ) -> Tuple[Dict[str, Any], Dict[str, str]]:
    """The entry as the form says it should be, and, by field, what could not be read.
    Something unreadable is kept as it was typed, so nothing is lost: the content checks
    then refuse it too, and the draft cannot be approved until it is put right."""
    entry: Dict[str, Any] = {key: value for key, value in before.items() if key == "id"}
    unreadable: Dict[str, str] = {}
    for field in form:
        value, problem = _read(field, answers)
        if field.kind == CHOICES:
            value = _in_order_of(_as_list(before.get(field.name)), value)
        if field.kind == HOURS and _hours_parts(value) == _hours_parts(before.get(field.name)):
            value = before.get(field.name)  # the same times, however the file groups the days
        if problem:
            unreadable[field.name] = problem
        if _empty(value) and field.name in before and _empty(before[field.name]):
            entry[field.name] = before[field.name]  # "buttons: []" stays as the file says it
            continue
        if _empty(value):
            continue  # an optional field left empty is left out of the file
        if field.kind == YES_NO and value is False and field.name not in before and not field.required:
            continue  # "no" is what an absent yes/no field means already
        entry[field.name] = value
    return entry, unreadable


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == ""


def _in_order_of(before: List[Any], chosen: List[str]) -> List[str]:
    """Ticked boxes in the order the file had them, new ones after: ticking nothing new
    changes nothing (the form's own order would look like a change)."""
    kept = [str(value) for value in before if str(value) in chosen]
    return kept + [value for value in chosen if value not in kept]


def _read(field: Field, answers: Answers) -> Tuple[Any, str]:
    name = field.name
    if field.kind == LINES:
        return [line.strip() for line in answers.one(name).splitlines() if line.strip()], ""
    if field.kind == CHOICES:
        return answers.all(name), ""
    if field.kind == YES_NO:
        return {"yes": True, "no": False}.get(answers.one(name)), ""
    if field.kind == DATE:
        return _read_date(field, answers)
    if field.kind == AGE:
        typed = answers.one(name)
        if typed and not typed.isdigit():
            return typed, f"{field.label}: write the age in numbers, like 18."
        return (int(typed) if typed else None), ""
    if field.kind == HOURS:
        return _read_hours(answers)
    if field.kind in (TEXT, LONG_TEXT, PHONE, URL, CHOICE):
        # One line only in one-line fields: a line break would change the YAML's shape.
        return " ".join(answers.one(name).split()) if field.kind != LONG_TEXT else answers.one(name), ""
    raise ValueError(f"no reader for {field.kind}")


def _read_date(field: Field, answers: Answers) -> Tuple[Any, str]:
    parts = [answers.one(f"{field.name}-{part}") for part in ("day", "month", "year")]
    if not any(parts):
        return None, ""
    written = "/".join(parts)
    if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        return written, f"{field.label}: give a day, month and year in numbers, like 24 11 2026."
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0])), ""
    except ValueError:
        return written, f"{field.label}: {written} is not a real date."


def _read_hours(answers: Answers) -> Tuple[Any, str]:
    mode = answers.one("hours-mode")
    if mode == "always":
        return ALWAYS_OPEN, ""
    if mode != "set":
        return None, ""
    periods: List[Dict[str, Any]] = []
    problem = ""
    for day in DAYS:
        opens, closes = _time(answers.one(f"hours-{day}-from")), _time(answers.one(f"hours-{day}-to"))
        if not opens and not closes:
            continue
        if not (re.fullmatch(r"\d\d:\d\d", opens) and re.fullmatch(r"\d\d:\d\d", closes)):
            problem = problem or f"Opening hours: give {DAY_NAMES[day]}'s times like 09:30 and 17:00, or leave both empty."
        same_times = next((p for p in periods if p["from"] == opens and p["to"] == closes), None)
        if same_times:
            same_times["days"].append(day)  # days with the same times are one line, as people write them
        else:
            periods.append({"days": [day], "from": opens, "to": closes})
    if not periods:
        return [], "Opening hours: give the times for at least one day, or choose 'Not known'."
    return periods, problem


def _time(typed: str) -> str:
    """"9:30", "0930" and "09.30" all mean 09:30; anything else is kept as typed."""
    match = re.fullmatch(r"(\d{1,2})[:.]?(\d\d)", typed)
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else typed


# Which field a content check is about -----------------------------------------------

# Phrases in the content checks' messages that name a field without using its key.
_PHRASES = (("the label", "label"), ("one of the messages", "messages"), ("is not something the assistant can fill",
            "messages"), ("lists the service", "services"), ("has a button for", "buttons"),
            ("give at least one way to reach", "phone"), ("the id", "id"))


def field_for(problem: str, form: Sequence[Field]) -> Optional[str]:
    """The form field a content check's message is about, if it names one."""
    names = {field.name for field in form}
    rest = problem.split("': ", 1)[1] if "': " in problem else problem
    first = re.match(r"'?([a-z_]+)'?\b", rest)
    if first and first.group(1) in names:
        return first.group(1)
    for phrase, name in _PHRASES:
        if phrase in rest and name in names:
            return name
    return None
