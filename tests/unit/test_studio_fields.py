"""The studio's forms cover every field the content checks accept, and turn what people
type into the values the assistant reads, keeping what cannot be read instead of losing it."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.actions.content_validation import SERVICE_FIELDS, TOPIC_FIELDS
from bot.settings import PROJECT_ROOT
from studio import entries
from studio.fields import SERVICE_FORM, TOPIC_FORM, Answers, entry_from_answers, field_for, form_values

CONTENT = PROJECT_ROOT / "bot" / "content"


def answers(values: dict) -> Answers:
    def get_all(name):
        value = values.get(name)
        return value if isinstance(value, list) else ([] if value is None else [value])
    return Answers(lambda name: (get_all(name) or [None])[0], get_all)


def submitted(form, entry: dict) -> dict:
    """What a browser sends for the form as the studio fills it in for this entry."""
    sent = {}
    for name, value in form_values(form, entry).items():
        if isinstance(value, dict) and "day" in value:
            sent.update({f"{name}-{part}": value[part] for part in ("day", "month", "year")})
        elif isinstance(value, dict):
            sent["hours-mode"] = value["mode"]
            for day, (opens, closes) in value["days"].items():
                sent[f"hours-{day}-from"], sent[f"hours-{day}-to"] = opens, closes
        else:
            sent[name] = value
    return sent


def test_the_forms_have_every_field_the_content_checks_accept():
    assert {f.name for f in SERVICE_FORM} == SERVICE_FIELDS - {"id"}
    assert {f.name for f in TOPIC_FORM} == TOPIC_FIELDS - {"id"}


def test_every_service_and_topic_survives_the_form_unchanged():
    for kind, form in (("service", SERVICE_FORM), ("topic", TOPIC_FORM)):
        for file in entries.content_files(CONTENT, kind):
            data = entries.round_trip_yaml().load((CONTENT / file).read_text(encoding="utf-8"))
            for raw in data[entries.KINDS[kind]]:
                entry = entries.read(CONTENT, entries.EntryRef(kind, raw["id"], file))
                back, unreadable = entry_from_answers(form, answers(submitted(form, entry)), entry)
                assert not unreadable and back == entry, raw["id"]


def test_hours_are_read_per_day_and_written_as_people_write_them():
    typed = {"hours-mode": "set", **{f"hours-{d}-from": "9:30" for d in ("mon", "tue", "wed")},
             **{f"hours-{d}-to": "1700" for d in ("mon", "tue", "wed")}, "hours-sat-from": "10.00", "hours-sat-to": "13:00"}
    entry, unreadable = entry_from_answers(SERVICE_FORM, answers(typed), {})
    assert not unreadable
    assert entry["hours"] == [{"days": ["mon", "tue", "wed"], "from": "09:30", "to": "17:00"},
                              {"days": ["sat"], "from": "10:00", "to": "13:00"}]
    assert entry_from_answers(SERVICE_FORM, answers({"hours-mode": "always"}), {})[0]["hours"] == "24/7"
    assert "hours" not in entry_from_answers(SERVICE_FORM, answers({"hours-mode": "unknown"}), {})[0]


def test_what_cannot_be_read_is_kept_as_typed_with_a_reason():
    typed = {"reviewed-day": "31", "reviewed-month": "2", "reviewed-year": "2027", "min_age": "eighteen",
             "hours-mode": "set", "hours-mon-from": "9am", "hours-mon-to": "5pm"}
    entry, unreadable = entry_from_answers(SERVICE_FORM, answers(typed), {})
    assert entry["reviewed"] == "31/2/2027" and "not a real date" in unreadable["reviewed"]
    assert entry["min_age"] == "eighteen" and "numbers" in unreadable["min_age"]
    assert entry["hours"][0]["from"] == "9am" and "Monday" in unreadable["hours"]
    shown = form_values(SERVICE_FORM, entry)
    assert shown["reviewed"]["day"] == "31" and shown["min_age"] == "eighteen"  # shown again as typed


def test_a_date_is_read_from_its_three_boxes():
    typed = {"review_by-day": "1", "review_by-month": "3", "review_by-year": "2027"}
    assert entry_from_answers(SERVICE_FORM, answers(typed), {})[0]["review_by"] == date(2027, 3, 1)


def test_ticked_boxes_keep_the_files_order():
    before = {"needs": ["victim_support", "domestic_abuse"]}
    typed = {"needs": ["domestic_abuse", "stalking_harassment", "victim_support"]}
    assert entry_from_answers(SERVICE_FORM, answers(typed), before)[0]["needs"] == [
        "victim_support", "domestic_abuse", "stalking_harassment"]


def test_content_check_messages_are_tied_to_the_field_they_are_about():
    where = "services.yml, entry 25 'victim_support': "
    assert field_for(where + "phone '12345' is not a UK phone number.", SERVICE_FORM) == "phone"
    assert field_for(where + "'reviewed' must be a date written like 2026-11-24.", SERVICE_FORM) == "reviewed"
    assert field_for(where + "give at least one way to reach the service (phone, textphone, text or url).",
                     SERVICE_FORM) == "phone"
    assert field_for("topics/x.yml, entry 1 'menu': the label is longer than 30 characters.", TOPIC_FORM) == "label"
    assert field_for("Topic 'menu' has a button for 'nope', which no topic file has.", TOPIC_FORM) == "buttons"
    assert field_for("There is no topic 'menu': the assistant would have nothing to say.", TOPIC_FORM) is None


def test_changing_an_entry_changes_only_its_lines(tmp_path: Path):
    text = (CONTENT / "services.yml").read_text(encoding="utf-8")
    ref = entries.find(CONTENT, "service", "victim_support")
    changed = entries.with_fields(text, ref, {"phone": "01632 960123", "owner": "Comms team"})
    before, after = text.splitlines(), changed.splitlines()
    assert len(after) == len(before) + 1
    assert [line for line in after if line not in before] == ['    phone: "01632 960123"', '    owner: "Comms team"']
    assert entries.with_fields(changed, ref, {"owner": None}).splitlines() == [
        line for line in after if "owner" not in line]
