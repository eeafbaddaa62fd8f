"""Checks content before the assistant uses it, in words a comms officer understands.

`check_content` turns the raw YAML of bot/content/ into a Content object and two
lists: problems (the content is refused until they are fixed) and review notes
(entries not yet verified, or not reviewed for more than six months).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Dict, Iterable, List, Optional, Set, Text, Tuple

from bot.actions.content_model import (
    GROUPS,
    NEEDS,
    Area,
    CardWords,
    Choice,
    Content,
    Finder,
    Group,
    HandoffOptions,
    OUTSIDE,
    UNKNOWN_AREA,
    OpeningTimes,
    Service,
    Topic,
    Translation,
)
from bot.actions.handoff_form import QUESTIONS
from connectors.languages import ENGLISH, LANGUAGES
from connectors.handoff.payload import CONTACT_METHODS, TOPICS

STALE_AFTER = timedelta(days=183)
# `scripts/content check` warns this long before an entry's `review_by` date, and fails after it.
REVIEW_WARNING = timedelta(days=30)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PLACEHOLDERS = {"{retention_period}", "{reference}"}
MAX_LABEL_LENGTH = 30
# Topics the assistant uses itself, beyond one for each intent.
SPECIAL_TOPICS = (
    "intro",
    "nlu_fallback",
    "menu",
    "out_of_scope",
    "outside_warwickshire",
    "finder_ask_area",
    "finder_ask_group",
    "finder_results",
    "finder_no_results",
    "stop",
    "under_18",
    "outside_england_and_wales",
    # The contact form: its questions' words come from QUESTIONS (bot/actions/handoff_form.py).
    *(question.topic_id for question in QUESTIONS),
    "handoff_invalid_phone", "handoff_invalid_email", "handoff_too_many_tries", "handoff_outside",
    "handoff_ask_confirm", "handoff_consent_again", "handoff_consent_offer_cancel", "handoff_not_sent_changed",
    "handoff_destination_general", "handoff_destination_psd", "handoff_sent",
    "handoff_sent_self_contact", "handoff_declined", "handoff_cancelled", "handoff_failed",
)
# The form's buttons whose words live in content/handoff.yml (what each does is in bot/actions/handoff.py).
HANDOFF_BUTTONS = ("yes", "no", "go_ahead", "no_thanks", "skip", "any_time", "no_needs", "send_it", "change",
                   "start_again", "cancel", "cancel_send_nothing")
# The words of a service card (content/cards.yml) and the placeholders each must keep: what
# bot/actions/rendering.py and opening_hours.py fill in.
CARD_WORDS = {
    "call": ("phone",), "call_free": ("phone",), "textphone": ("number",), "text": ("number",), "open_always": (),
    "open_at": ("times",), "times": ("days", "opens", "closes"), "days_range": ("first", "last"),
    "closed_on_bank_holidays": (), "hours_unconfirmed": (), "open_now": (), "closed_now": (),
    "closed_now_opens": ("when",), "opens_today": ("time",), "opens_tomorrow": ("time",),
    "opens_on_day": ("day", "time"), "help_now": ("name", "contact"),
}
# What the contact form offers must be what a handoff request can carry (its schema).
HANDOFF_TOPICS = set(TOPICS)
HANDOFF_METHODS = set(CONTACT_METHODS)
SERVICE_FIELDS = {
    "id", "name", "run_by", "summary", "phone", "textphone", "text", "url", "hours", "free",
    "areas", "serves", "needs", "source", "verified", "reviewed", "notes_for_staff", "also_called",
    "closed_on_bank_holidays", "hours_verified", "min_age", "max_age", "review_by", "owner",
}
SERVICE_REQUIRED = ("id", "name", "summary", "areas", "serves", "needs", "source", "verified", "reviewed")
TOPIC_FIELDS = {"id", "label", "messages", "services", "buttons", "need", "source", "verified", "reviewed", "notes_for_staff",
                "review_by", "owner"}
TOPIC_REQUIRED = ("id", "label", "messages", "source", "verified", "reviewed")
# Short numbers people can call in the UK, written with or without spaces.
SHORT_NUMBERS = {"999", "101", "111", "112", "116123", "18000", "18001101", "08001111"}
UK_NUMBER = re.compile(r"^0\d{9,10}$")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass
class CheckResult:
    services: Dict[Text, Service] = field(default_factory=dict)
    topics: Dict[Text, Topic] = field(default_factory=dict)
    finder: Optional[Finder] = None
    handoff: Optional[HandoffOptions] = None
    cards: Optional[CardWords] = None
    translations: Dict[Text, Translation] = field(default_factory=dict)
    problems: List[Text] = field(default_factory=list)
    review_notes: List[Text] = field(default_factory=list)
    # Entries whose `review_by` date has passed: `scripts/content check` fails on them, but the
    # assistant keeps using the content (an overdue review must not take it offline).
    overdue: List[Text] = field(default_factory=list)
    # Translated messages or summaries whose numbers no longer match the English (the English
    # changed, or the translation lost one): not used, so English is said instead, until a
    # translator updates them. `scripts/content check` fails on them; the assistant goes on.
    stale_translations: List[Text] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def content(self) -> Content:
        """The content, once the finder, the contact form's and the cards' words have been read."""
        if self.finder is None or self.handoff is None or self.cards is None:
            raise ValueError("The content has problems and cannot be used: " + "; ".join(self.problems))
        return Content(finder=self.finder, handoff=self.handoff, cards=self.cards, services=self.services,
                       topics=self.topics, translations=self.translations)


def is_uk_phone_number(number: Text) -> bool:
    if not re.fullmatch(r"[0-9 ]+", number or ""):
        return False
    digits = number.replace(" ", "")
    return digits in SHORT_NUMBERS or bool(UK_NUMBER.match(digits))


def check_content(
    services_yaml: Any,
    finder_yaml: Any,
    topic_files: Dict[Text, Any],
    intents: Iterable[Text],
    today: Optional[date] = None,
    handoff_yaml: Any = None,
    translation_files: Optional[Dict[Text, Any]] = None,
    cards_yaml: Any = None,
) -> CheckResult:
    """Validates everything together, because topics refer to services and areas."""
    result = CheckResult()
    today = today or date.today()
    finder = _check_finder(finder_yaml, result.problems)
    result.finder = finder
    result.handoff = _check_handoff(handoff_yaml, result.problems)
    result.cards = _card_words("cards.yml", cards_yaml, result.problems)
    districts = {a.id for a in finder.areas} if finder else set()
    for service in _entries(services_yaml, "services", "services.yml", result.problems):
        _add_service(service, districts, result, today)
    for file_name, topics_yaml in sorted(topic_files.items()):
        for topic in _entries(topics_yaml, "topics", file_name, result.problems):
            _add_topic(topic, file_name, result, today)
    _check_references(result)
    _check_coverage(set(intents), result)
    for code, translation_yaml in sorted((translation_files or {}).items()):
        _add_translation(code, translation_yaml, result)
    return result


def _entries(yaml_doc: Any, key: Text, file_name: Text, problems: List[Text]) -> List[Dict]:
    if not isinstance(yaml_doc, dict) or not isinstance(yaml_doc.get(key), list):
        problems.append(f"{file_name}: the file must start with '{key}:' followed by a list of entries.")
        return []
    entries = []
    for number, entry in enumerate(yaml_doc[key], start=1):
        if isinstance(entry, dict):
            entries.append({**entry, "_where": f"{file_name}, entry {number} '{entry.get('id', 'no id')}'"})
        else:
            problems.append(f"{file_name}, entry {number}: each entry must be a set of 'name: value' lines.")
    return entries


def _check_common(entry: Dict, allowed: Set[Text], required: Tuple[Text, ...], problems: List[Text]) -> bool:
    where = entry["_where"]
    missing = [f for f in required if entry.get(f) in (None, "", [])]
    for name in missing:
        problems.append(f"{where}: '{name}' is missing.")
    for name in sorted(set(entry) - allowed - {"_where"}):
        problems.append(f"{where}: '{name}' is not a field we know. Check the spelling (see bot/content/README.md).")
    if entry.get("id") and not re.fullmatch(r"[a-z0-9_]+", str(entry["id"])):
        problems.append(f"{where}: the id may use only lower-case letters, numbers and _.")
    if "verified" in entry and not isinstance(entry["verified"], bool):
        problems.append(f"{where}: 'verified' must be true or false.")
    for name in ("reviewed", "review_by"):
        if name in entry and not isinstance(entry[name], date):
            problems.append(f"{where}: '{name}' must be a date written like 2026-11-24.")
    return not missing


def _review_notes(entry: Dict, kind: Text, result: CheckResult, today: date) -> None:
    label = f"{kind} '{entry.get('id')}'"
    if entry.get("verified") is False:
        result.review_notes.append(f"Not verified: {label} (source: {entry.get('source')}).")
    reviewed = entry.get("reviewed")
    if isinstance(reviewed, date) and today - reviewed > STALE_AFTER:
        result.review_notes.append(f"Stale: {label} was last reviewed on {reviewed.isoformat()}, over six months ago.")
    review_by = entry.get("review_by")
    if isinstance(review_by, date) and today > review_by:
        result.overdue.append(f"Review overdue: {label} was to be reviewed by {review_by.isoformat()}.")
    elif isinstance(review_by, date) and review_by - today <= REVIEW_WARNING:
        result.review_notes.append(f"Review due: {label} is to be reviewed by {review_by.isoformat()}.")
    has_hours = entry.get("hours") not in (None, "", [], {}, "24/7")
    if kind == "service" and has_hours and not entry.get("hours_verified", entry.get("verified")):
        result.review_notes.append(f"Hours without a checked source: {label} (shown as \"check opening times\", never \"open now\").")


def _optional_date(value: Any) -> Optional[date]:
    return value if isinstance(value, date) else None


def _text_list(value: Any) -> Tuple[Text, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return (str(value),) if value not in (None, "") else ()


def _add_service(entry: Dict, districts: Set[Text], result: CheckResult, today: date) -> None:
    problems = result.problems
    where = entry["_where"]
    if not _check_common(entry, SERVICE_FIELDS, SERVICE_REQUIRED, problems):
        return
    for field_name in ("phone", "textphone", "text"):
        number = entry.get(field_name)
        if number is not None and not is_uk_phone_number(str(number)):
            problems.append(
                f"{where}: {field_name} '{number}' is not a UK phone number. "
                "Write it in quotes with digits and spaces only, like \"0808 2000 247\"."
            )
    if entry.get("url") is not None and not re.fullmatch(r"https://[^\s/]+\.[^\s]+", str(entry["url"])):
        problems.append(f"{where}: url '{entry['url']}' must be a full web address starting with https://")
    if not any(entry.get(f) for f in ("phone", "textphone", "text", "url")):
        problems.append(f"{where}: give at least one way to reach the service (phone, textphone, text or url).")
    # "wales": a service for Wales only, offered to people outside Warwickshire, never in the finder.
    _check_choices(where, "areas", entry.get("areas"), {"national", "warwickshire", "wales"} | districts, problems)
    _check_choices(where, "serves", entry.get("serves"), set(GROUPS), problems)
    _check_choices(where, "needs", entry.get("needs"), set(NEEDS), problems)
    always_open, opening_times = _check_hours(where, entry.get("hours"), problems)
    if entry["id"] in result.services:
        problems.append(f"{where}: another service already has the id '{entry['id']}'.")
    _review_notes(entry, "service", result, today)
    result.services[entry["id"]] = Service(
        id=entry["id"], name=str(entry["name"]), summary=str(entry["summary"]),
        areas=_text_list(entry["areas"]), serves=_text_list(entry["serves"]), needs=_text_list(entry["needs"]),
        source=str(entry["source"]), verified=bool(entry["verified"]), reviewed=entry["reviewed"],
        run_by=entry.get("run_by"), phone=_optional(entry.get("phone")), textphone=_optional(entry.get("textphone")),
        text=_optional(entry.get("text")), url=_optional(entry.get("url")), free=bool(entry.get("free", False)),
        always_open=always_open, opening_times=opening_times, also_called=_text_list(entry.get("also_called")),
        closed_on_bank_holidays=bool(entry.get("closed_on_bank_holidays", False)),
        hours_verified=bool(entry.get("hours_verified", entry["verified"])),
        review_by=_optional_date(entry.get("review_by")), owner=_optional(entry.get("owner")),
        min_age=_age(where, "min_age", entry.get("min_age"), problems),
        max_age=_age(where, "max_age", entry.get("max_age"), problems),
    )


def _age(where: Text, name: Text, value: Any, problems: List[Text]) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 120:
        problems.append(f"{where}: {name} must be a whole number of years, like 18.")
        return None
    return value


def _optional(value: Any) -> Optional[Text]:
    return None if value is None else str(value)


def _check_choices(where: Text, name: Text, values: Any, allowed: Set[Text], problems: List[Text]) -> None:
    for value in _text_list(values):
        if value not in allowed:
            problems.append(f"{where}: {name} '{value}' is not one of: {', '.join(sorted(allowed))}.")


def _check_hours(where: Text, hours: Any, problems: List[Text]) -> Tuple[bool, Tuple[OpeningTimes, ...]]:
    if hours is None:
        return False, ()
    if hours == "24/7":
        return True, ()
    if not isinstance(hours, list):
        problems.append(f"{where}: hours must be \"24/7\" or a list of days with from and to times.")
        return False, ()
    periods = []
    for period in hours:
        if not isinstance(period, dict):
            problems.append(f"{where}: each line of hours needs days, from and to.")
            continue
        days = _text_list(period.get("days"))
        opens, closes = str(period.get("from", "")), str(period.get("to", ""))
        bad_days = [d for d in days if d not in DAYS]
        if not days or bad_days:
            problems.append(f"{where}: hours days must be some of {', '.join(DAYS)}.")
        elif not (TIME.match(opens) and TIME.match(closes)) or opens >= closes:
            problems.append(f"{where}: hours need from and to times like \"09:30\" and \"16:00\", from before to.")
        else:
            periods.append(OpeningTimes(days=days, opens=opens, closes=closes))
    return False, tuple(periods)


def _add_topic(entry: Dict, file_name: Text, result: CheckResult, today: date) -> None:
    problems = result.problems
    where = entry["_where"]
    if not _check_common(entry, TOPIC_FIELDS, TOPIC_REQUIRED, problems):
        return
    messages = _text_list(entry.get("messages"))
    for message in messages:
        if not message.strip():
            problems.append(f"{where}: one of the messages is empty.")
        for placeholder in set(re.findall(r"\{[^}]*\}", message)) - PLACEHOLDERS:
            problems.append(f"{where}: {placeholder} is not something the assistant can fill in. Use only {', '.join(PLACEHOLDERS)}.")
    if len(str(entry["label"])) > MAX_LABEL_LENGTH:
        problems.append(f"{where}: the label is longer than {MAX_LABEL_LENGTH} characters, too long for a button.")
    if entry.get("need") is not None and entry["need"] not in NEEDS:
        problems.append(f"{where}: need '{entry['need']}' is not one of: {', '.join(NEEDS)}.")
    if entry["id"] in result.topics:
        problems.append(f"{where}: another topic already has the id '{entry['id']}'.")
    _review_notes(entry, "topic", result, today)
    result.topics[entry["id"]] = Topic(
        id=entry["id"], label=str(entry["label"]), messages=messages, source=str(entry["source"]),
        verified=bool(entry["verified"]), reviewed=entry["reviewed"], review_by=_optional_date(entry.get("review_by")),
        services=_text_list(entry.get("services")), buttons=_text_list(entry.get("buttons")), need=entry.get("need"),
        owner=_optional(entry.get("owner")),
    )


def _check_references(result: CheckResult) -> None:
    for topic in result.topics.values():
        for service_id in topic.services:
            if service_id not in result.services:
                result.problems.append(f"Topic '{topic.id}' lists the service '{service_id}', which services.yml does not have.")
        for button in topic.buttons:
            if button not in result.topics:
                result.problems.append(f"Topic '{topic.id}' has a button for '{button}', which no topic file has.")


def _check_coverage(intents: Set[Text], result: CheckResult) -> None:
    for topic_id in sorted(intents | set(SPECIAL_TOPICS)):
        if topic_id not in result.topics:
            result.problems.append(f"There is no topic '{topic_id}': the assistant would have nothing to say. Add it to a file in topics/.")


def _add_translation(code: Text, raw: Any, result: CheckResult) -> None:
    """A language's file: its topics and labels must be real, every number and placeholder of
    the English must be kept (a translation that lost 999 or 55 is refused), labels short."""
    where = f"translations/{code}.yml"
    problems = result.problems
    if code not in LANGUAGES or code == ENGLISH:
        problems.append(f"{where}: '{code}' is not a language the assistant supports ({', '.join(LANGUAGES)}).")
        return
    try:
        about, retention = raw["language"], raw["retention"]
        labels = {str(k): str(v) for k, v in (raw.get("labels") or {}).items()}
        messages = {str(k): tuple(str(m) for m in v["messages"]) for k, v in (raw.get("topics") or {}).items()}
    except (KeyError, TypeError, AttributeError) as missing:
        problems.append(f"{where}: something is missing or misplaced near {missing}. Compare it with bot/content/README.md.")
        return
    if about.get("code") != code:
        problems.append(f"{where}: language code must be '{code}', as the file is named.")
    for topic_id, label in labels.items():
        if topic_id not in result.topics:
            problems.append(f"{where}: there is no topic '{topic_id}' to give a label to.")
        elif not label.strip() or len(label) > MAX_LABEL_LENGTH:
            problems.append(f"{where}: the label for '{topic_id}' must be 1 to {MAX_LABEL_LENGTH} characters.")
    for topic_id, translated in list(messages.items()):
        topic = result.topics.get(topic_id)
        if topic is None:
            problems.append(f"{where}: there is no topic '{topic_id}' to translate.")
            continue
        for name, pattern in (("number", r"\d+"), ("placeholder", r"\{[^}]*\}")):
            english = sorted(x for m in topic.messages for x in re.findall(pattern, m))
            theirs = sorted(x for m in translated for x in re.findall(pattern, m))
            if english != theirs and topic_id in messages:
                del messages[topic_id]
                result.stale_translations.append(
                    f"{where}: topic '{topic_id}' must keep every {name} of the English ({', '.join(english) or 'none'}), "
                    "no more and no fewer; said in English until the translation is updated.")
    if "{hours}" not in str(retention.get("many", "")):
        problems.append(f"{where}: retention 'many' must contain {{hours}}.")
    handoff_words = _translated_handoff(where, raw.get("handoff") or {}, result.handoff, problems)
    cards = _card_words(f"{where}, cards", raw["cards"], problems) if "cards" in raw else None
    summaries = _translated_summaries(where, raw.get("services") or {}, result, problems)
    finder_labels = _translated_finder(where, raw.get("finder") or {}, result.finder, problems)
    verified = about.get("verified") is True
    if not verified:
        result.review_notes.append(f"Not verified: the {LANGUAGES[code].english_name} translation ({where}); "
                                   "have a qualified translator check it.")
    result.translations[code] = Translation(
        code=code, english_name=LANGUAGES[code].english_name, verified=verified,
        retention_one=str(retention.get("one", "")), retention_many=str(retention.get("many", "")),
        labels=labels, messages=messages, handoff=handoff_words, cards=cards, summaries=summaries,
        finder_labels=finder_labels,
    )


def _translated_handoff(where: Text, raw: Any, english: Optional[HandoffOptions],
                        problems: List[Text]) -> Dict[Text, Dict[Text, Text]]:
    """The contact form's words in a translation: only ids the English has, short enough."""
    if english is None or not isinstance(raw, dict):
        return {}
    known = {
        "topics": {c.id for c in english.topics}, "methods": {c.id for c in english.methods},
        "someone_else_answers": {c.id for c in english.someone_else_answers},
        "summary_labels": set(english.summary_labels), "buttons": set(english.button_labels),
    }
    words: Dict[Text, Dict[Text, Text]] = {}
    for part, entries in raw.items():
        if part not in known or not isinstance(entries, dict):
            problems.append(f"{where}: handoff '{part}' is not a part of the contact form ({', '.join(known)}).")
            continue
        words[part] = {}
        for key, label in entries.items():
            key, label = str(key), str(label)
            if key not in known[part]:
                problems.append(f"{where}: handoff {part} has no '{key}' in handoff.yml.")
            elif not label.strip() or len(label) > MAX_LABEL_LENGTH:
                problems.append(f"{where}: the words for handoff {part} '{key}' must be 1 to {MAX_LABEL_LENGTH} characters.")
            else:
                words[part][key] = label
    return words


def _card_words(where: Text, raw: Any, problems: List[Text]) -> Optional[CardWords]:
    """A card's words: every phrase the cards need, each with exactly its placeholders, and
    seven day names."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: the card words are missing (compare them with bot/content/cards.yml).")
        return None
    before = len(problems)
    for key, needed in CARD_WORDS.items():
        text = raw.get(key)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: the words for '{key}' are missing.")
        elif sorted(re.findall(r"\{([^}]*)\}", text)) != sorted(needed):
            shown = ", ".join("{" + name + "}" for name in needed) or "none"
            problems.append(f"{where}: the words for '{key}' must keep these words in braces, and no others: {shown}.")
    for key in sorted(set(raw) - set(CARD_WORDS) - {"days"}):
        problems.append(f"{where}: '{key}' is not a card word we know ({', '.join(CARD_WORDS)}, days).")
    days = raw.get("days")
    if not isinstance(days, list) or len(days) != 7 or not all(isinstance(d, str) and d.strip() for d in days):
        problems.append(f"{where}: 'days' must list the seven day names, Monday first.")
        return None
    if len(problems) > before:
        return None
    return CardWords(phrases={key: str(raw[key]) for key in CARD_WORDS}, days=tuple(str(d) for d in days))


def _translated_summaries(where: Text, raw: Any, result: CheckResult, problems: List[Text]) -> Dict[Text, Text]:
    """Services' summaries in a translation: real services only; one that does not keep every
    number of the English is not used (the card is said in English) and listed as stale."""
    services = result.services
    summaries: Dict[Text, Text] = {}
    if not isinstance(raw, dict):
        problems.append(f"{where}: 'services' must be service ids, each with a 'summary'.")
        return summaries
    for service_id, entry in raw.items():
        service = services.get(str(service_id))
        summary = entry.get("summary") if isinstance(entry, dict) else None
        if service is None:
            problems.append(f"{where}: there is no service '{service_id}' to translate.")
        elif not isinstance(summary, str) or not summary.strip():
            problems.append(f"{where}: service '{service_id}' needs a 'summary'.")
        elif sorted(re.findall(r"\d+", summary)) != sorted(re.findall(r"\d+", service.summary)):
            result.stale_translations.append(
                f"{where}: service '{service_id}' must keep every number of the English summary, no more and no "
                "fewer; its card is said in English until the translation is updated.")
        else:
            summaries[service.id] = summary
    return summaries


def _translated_finder(where: Text, raw: Any, finder: Optional[Finder], problems: List[Text]) -> Dict[Text, Text]:
    """The support finder's button words in a translation: real ids only, short enough."""
    if finder is None or not isinstance(raw, dict):
        return {}
    known = {a.id for a in finder.areas} | {g.id for g in finder.groups} | {OUTSIDE, UNKNOWN_AREA}
    labels: Dict[Text, Text] = {}
    for key, label in raw.items():
        key, label = str(key), str(label)
        if key not in known:
            problems.append(f"{where}: finder has no '{key}' (areas and groups of finder.yml, outside, unknown).")
        elif not label.strip() or len(label) > MAX_LABEL_LENGTH:
            problems.append(f"{where}: the finder's words for '{key}' must be 1 to {MAX_LABEL_LENGTH} characters.")
        else:
            labels[key] = label
    return labels


def _check_finder(finder_yaml: Any, problems: List[Text]) -> Optional[Finder]:
    if not isinstance(finder_yaml, dict):
        problems.append("finder.yml: the file must have 'areas:', 'outside:', 'unknown:' and 'groups:'.")
        return None
    try:
        areas = tuple(Area(id=a["id"], label=a["label"], places=_text_list(a["places"])) for a in finder_yaml["areas"])
        groups = tuple(Group(id=g["id"], label=g["label"], words=_text_list(g.get("words"))) for g in finder_yaml["groups"])
        outside, unknown = finder_yaml["outside"], finder_yaml["unknown"]
        finder = Finder(
            areas=areas, outside_places=_text_list(outside["places"]), outside_label=str(outside["label"]),
            unknown_label=str(unknown["label"]), groups=groups,
            other_nation_places=_text_list(finder_yaml.get("other_nations")),
        )
    except (KeyError, TypeError) as missing:
        problems.append(f"finder.yml: something is missing or misplaced near {missing}. Compare it with bot/content/README.md.")
        return None
    for group in groups:
        if group.id not in GROUPS:
            problems.append(f"finder.yml: group '{group.id}' is not one of: {', '.join(GROUPS)}.")
    return finder


def _choices(items: Any, allowed: Optional[Set[Text]], name: Text, problems: List[Text]) -> Tuple[Choice, ...]:
    choices = tuple(Choice(id=str(c["id"]), label=str(c["label"])) for c in items)
    for choice in choices:
        if allowed is not None and choice.id not in allowed:
            problems.append(f"handoff.yml: {name} '{choice.id}' is not one of: {', '.join(sorted(allowed))}.")
        if len(choice.label) > MAX_LABEL_LENGTH:
            problems.append(f"handoff.yml: the label '{choice.label}' is longer than {MAX_LABEL_LENGTH} characters.")
    return choices


def _check_handoff(handoff_yaml: Any, problems: List[Text]) -> Optional[HandoffOptions]:
    try:
        options = HandoffOptions(
            consent_version=str(handoff_yaml["consent_version"]),
            topics=_choices(handoff_yaml["topics"], HANDOFF_TOPICS, "topic", problems),
            methods=_choices(handoff_yaml["methods"], HANDOFF_METHODS, "method", problems),
            someone_else_answers=_choices(handoff_yaml["someone_else_answers"], None, "answer", problems),
            summary_labels={str(k): str(v) for k, v in handoff_yaml["summary_labels"].items()},
            button_labels={str(k): str(v) for k, v in handoff_yaml["buttons"].items()},
        )
    except (KeyError, TypeError, AttributeError) as missing:
        problems.append(f"handoff.yml: something is missing or misplaced near {missing}. Compare it with bot/content/README.md.")
        return None
    if any(isinstance(key, bool) for key in handoff_yaml["buttons"]):
        problems.append('handoff.yml: under buttons, write "yes" and "no" in quotes, or YAML reads them as true and false.')
    for key in sorted(set(HANDOFF_BUTTONS) - set(options.button_labels)):
        problems.append(f"handoff.yml: buttons must give the words for '{key}'.")
    for key, label in options.button_labels.items():
        if key in ("True", "False"):
            continue  # said above
        if key not in HANDOFF_BUTTONS:
            problems.append(f"handoff.yml: '{key}' is not a button of the form: {', '.join(HANDOFF_BUTTONS)}.")
        elif not label.strip() or len(label) > MAX_LABEL_LENGTH:
            problems.append(f"handoff.yml: the words for the '{key}' button must be 1 to {MAX_LABEL_LENGTH} characters.")
    for question in QUESTIONS:
        if question.read_back and question.slot not in options.summary_labels:
            problems.append(f"handoff.yml: summary_labels must give the words for '{question.slot}' in the read-back.")
    missing_methods = HANDOFF_METHODS - {m.id for m in options.methods}
    if missing_methods:
        problems.append(f"handoff.yml: methods must include {', '.join(sorted(missing_methods))}.")
    return options
