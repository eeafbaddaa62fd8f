"""The shape of the content comms staff edit: services, topics, areas and groups.

Plain dataclasses, built from the YAML in bot/content/ by content_store.py once
content_validation.py has found nothing wrong with it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Dict, Iterable, List, Optional, Text, Tuple

from connectors.languages import ENGLISH

NEEDS = (
    "domestic_abuse",
    "sexual_violence",
    "stalking_harassment",
    "honour_based_abuse",
    "intimate_image_abuse",
    "unsafe_spaces",
    "police_abuse",
    "reporting",
    "victim_support",
    "emotional_support",
    "worried_about_someone",
    "perpetrator",
)
GROUPS = ("everyone", "women", "men", "lgbt", "young_people")
# How people say where they are: "i live in glasgow", "im in belfast", "from scotland".
SAYING_WHERE_I_AM = ("live in", "living in", "im in", "i am in", "im from", "i am from", "based in", "we are in",
                     "here in", "stay in", "staying in")
# The need of someone asking for another person: services are for that person, not the writer.
ON_BEHALF_OF_SOMEONE = "worried_about_someone"
# How people say who they are: "im a man", "as a gay man", "i am trans".
SAYING_WHO_I_AM = ("im a", "i am a", "im", "i am", "as a", "being a")
OUTSIDE = "outside"
UNKNOWN_AREA = "unknown"


@dataclass(frozen=True)
class OpeningTimes:
    days: Tuple[Text, ...]
    opens: Text  # "HH:MM"
    closes: Text


@dataclass(frozen=True)
class Service:
    id: Text
    name: Text
    summary: Text
    areas: Tuple[Text, ...]
    serves: Tuple[Text, ...]
    needs: Tuple[Text, ...]
    source: Text
    verified: bool
    reviewed: date
    run_by: Optional[Text] = None
    phone: Optional[Text] = None
    textphone: Optional[Text] = None
    text: Optional[Text] = None
    url: Optional[Text] = None
    free: bool = False
    always_open: bool = False
    opening_times: Tuple[OpeningTimes, ...] = ()
    # Other names people use for it ("refuge", "samaritans"), so "<name> number" finds it.
    also_called: Tuple[Text, ...] = ()
    closed_on_bank_holidays: bool = False
    # Whether the opening hours themselves were checked (the entry's `verified` unless said).
    hours_verified: bool = False
    # Who it is for by age, when it is limited: Blue Sky Centre 18+, Childline under 19.
    min_age: Optional[int] = None
    max_age: Optional[int] = None
    # The date by which the entry must be checked again (`scripts/content check` fails after it).
    review_by: Optional[date] = None
    # Who keeps it right (a team or role), for the content studio's review page.
    owner: Optional[Text] = None

    def suits_age(self, age: Optional[int]) -> bool:
        """Whether someone of this age may use it; any service suits an unknown age."""
        if age is None:
            return True
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age <= self.max_age)

    def suits_group(self, group: Optional[Text]) -> bool:
        """Whether someone who said they are of `group` may use it: a service only for
        women is not for a man, and one only for men not for a woman. Anything else
        (LGBT+, young people, unsaid) is left to the service's own limits, such as age."""
        if group not in ("men", "women") or "everyone" in self.serves or group in self.serves:
            return True
        return ("women" if group == "men" else "men") not in self.serves

    @property
    def has_hours(self) -> bool:
        return self.always_open or bool(self.opening_times)


@dataclass(frozen=True)
class Topic:
    id: Text
    label: Text
    messages: Tuple[Text, ...]
    source: Text
    verified: bool
    reviewed: date
    services: Tuple[Text, ...] = ()
    buttons: Tuple[Text, ...] = ()
    need: Optional[Text] = None
    review_by: Optional[date] = None
    owner: Optional[Text] = None


@dataclass(frozen=True)
class Area:
    id: Text
    label: Text
    places: Tuple[Text, ...]


@dataclass(frozen=True)
class Group:
    id: Text
    label: Text
    words: Tuple[Text, ...]


@dataclass(frozen=True)
class Finder:
    """What the support finder needs to understand where someone is and who for."""

    areas: Tuple[Area, ...]
    outside_places: Tuple[Text, ...]
    outside_label: Text
    unknown_label: Text
    groups: Tuple[Group, ...]
    # Scotland, Northern Ireland and their towns: the helplines and schemes here do not apply.
    other_nation_places: Tuple[Text, ...] = ()

    def match_area(self, answer: Text) -> Text:
        """A district id, OUTSIDE, or UNKNOWN_AREA for a free-text answer."""
        words = _normalise(answer)
        for area in self.areas:
            if area.id == answer or any(_contains(words, place) for place in area.places):
                return area.id
        if answer == OUTSIDE or any(_contains(words, place) for place in self.outside_places):
            return OUTSIDE
        if "not in warwickshire" in words or "outside warwickshire" in words:
            return OUTSIDE
        return UNKNOWN_AREA

    def match_group(self, answer: Text) -> Text:
        """A group id; "everyone" when the answer names none."""
        words = _normalise(answer)
        if answer in GROUPS:
            return answer
        if any(10 <= int(n) <= 17 for n in re.findall(r"\b\d{1,2}\b", words)):
            return "young_people"
        for group in self.groups:
            if any(_contains(words, word) for word in group.words):
                return group.id
        return "everyone"

    def says_outside_england_and_wales(self, text: Text) -> bool:
        """Whether the writer says they are in Scotland or Northern Ireland ("i live in
        glasgow", "im in belfast"), not merely names the place ("my ex moved to scotland")."""
        return _said_of_oneself(text, SAYING_WHERE_I_AM, self.other_nation_places) is not None

    def group_said_in(self, text: Text) -> Optional[Text]:
        """The group someone says they belong to, in words about themselves ("I'm a man",
        "as a gay man", "im trans"): never from a word alone, since "a man followed me"
        says nothing about the writer."""
        for group in self.groups:
            if group.id in ("men", "women", "lgbt") and _said_of_oneself(text, SAYING_WHO_I_AM, group.words):
                return group.id
        return None

    def translated(self, labels: Dict[Text, Text]) -> "Finder":
        """This finder with the button words `labels` gives, by area or group id, "outside"
        and "unknown"; places and words to match stay as they are."""
        return replace(
            self,
            areas=tuple(replace(a, label=labels.get(a.id, a.label)) for a in self.areas),
            groups=tuple(replace(g, label=labels.get(g.id, g.label)) for g in self.groups),
            outside_label=labels.get(OUTSIDE, self.outside_label),
            unknown_label=labels.get(UNKNOWN_AREA, self.unknown_label),
        )

    def area_label(self, area_id: Text) -> Text:
        for area in self.areas:
            if area.id == area_id:
                return area.label
        return self.outside_label if area_id == OUTSIDE else self.unknown_label


@dataclass(frozen=True)
class Choice:
    id: Text
    label: Text


@dataclass(frozen=True)
class HandoffOptions:
    """Choices offered when someone asks the police to contact them."""

    consent_version: Text
    topics: Tuple[Choice, ...]
    methods: Tuple[Choice, ...]
    someone_else_answers: Tuple[Choice, ...]
    summary_labels: Dict[Text, Text]
    # The words on the form's other buttons, by what the button does (content/handoff.yml).
    button_labels: Dict[Text, Text] = field(default_factory=dict)

    def button(self, key: Text, payload: Text) -> Dict[Text, Text]:
        return {"title": self.button_labels[key], "payload": payload}

    def translated(self, words: Dict[Text, Dict[Text, Text]]) -> "HandoffOptions":
        """These options with the words `words` gives (by part, then id); the rest as they are."""
        def choices(part: Text, items: Tuple[Choice, ...]) -> Tuple[Choice, ...]:
            return tuple(Choice(c.id, words.get(part, {}).get(c.id, c.label)) for c in items)

        return replace(
            self, topics=choices("topics", self.topics), methods=choices("methods", self.methods),
            someone_else_answers=choices("someone_else_answers", self.someone_else_answers),
            summary_labels={**self.summary_labels, **words.get("summary_labels", {})},
            button_labels={**self.button_labels, **words.get("buttons", {})},
        )

    @staticmethod
    def label_of(choices: Tuple[Choice, ...], choice_id: Optional[Text]) -> Optional[Text]:
        return next((c.label for c in choices if c.id == choice_id), None)


@dataclass(frozen=True)
class CardWords:
    """The words of a service card around the service's own details (content/cards.yml in
    English, a translation's `cards:`): phrases by key, with {placeholders}, and day names."""

    phrases: Dict[Text, Text]
    days: Tuple[Text, ...]  # Monday first

    def say(self, key: Text, **values: Text) -> Text:
        # Not str.format: a brace typed in a translation must not break the card.
        text = self.phrases[key]
        for name, value in values.items():
            text = text.replace("{" + name + "}", value)
        return text


@dataclass(frozen=True)
class Translation:
    """One language's words for some topics (bot/content/translations/<code>.yml); anything
    not translated is said in English."""

    code: Text
    english_name: Text
    verified: bool
    retention_one: Text  # "1 hour"
    retention_many: Text  # "{hours} hours"
    labels: Dict[Text, Text] = field(default_factory=dict)  # topic id -> button words
    messages: Dict[Text, Tuple[Text, ...]] = field(default_factory=dict)  # topic id -> messages
    # The contact form's words (handoff.yml): part (topics, methods, someone_else_answers,
    # summary_labels, buttons) -> id -> words.
    handoff: Dict[Text, Dict[Text, Text]] = field(default_factory=dict)
    # Service cards: their words, and each service's summary (service id -> summary).
    cards: Optional[CardWords] = None
    summaries: Dict[Text, Text] = field(default_factory=dict)
    # The support finder's buttons: area or group id, "outside" or "unknown" -> words.
    finder_labels: Dict[Text, Text] = field(default_factory=dict)


@dataclass
class Content:
    finder: Finder
    handoff: HandoffOptions
    cards: CardWords
    services: Dict[Text, Service] = field(default_factory=dict)
    topics: Dict[Text, Topic] = field(default_factory=dict)
    translations: Dict[Text, Translation] = field(default_factory=dict)
    # The language this content answers in (in_language): topics are rendered in it where
    # translated, and `handoff` holds the contact form's words in it.
    language: Text = ENGLISH

    def in_language(self, language: Text) -> "Content":
        """The same content, answering in `language` (English where not translated)."""
        translation = self.translations.get(language)
        if translation is None:
            return self
        return replace(self, language=language, handoff=self.handoff.translated(translation.handoff),
                       finder=self.finder.translated(translation.finder_labels))

    def messages_of(self, topic: Topic) -> Tuple[Tuple[Text, ...], Text]:
        """The topic's messages in this content's language if translated, else in English;
        and which language they are in."""
        translation = self.translations.get(self.language)
        if translation and topic.id in translation.messages:
            return translation.messages[topic.id], self.language
        return topic.messages, ENGLISH

    def card_of(self, service: Service) -> Tuple[CardWords, Text, Text]:
        """The words and summary of the service's card, and their language: this content's
        language where both the card words and this service's summary are translated, so a
        card is never half in one language and half in another; else English."""
        translation = self.translations.get(self.language)
        if translation and translation.cards and service.id in translation.summaries:
            return translation.cards, translation.summaries[service.id], self.language
        return self.cards, service.summary, ENGLISH

    def label_of(self, topic: Topic) -> Text:
        translation = self.translations.get(self.language)
        return translation.labels.get(topic.id, topic.label) if translation else topic.label

    def topic(self, topic_id: Text) -> Optional[Topic]:
        return self.topics.get(topic_id)

    def services_for(self, topic: Topic, age: Optional[int] = None, group: Optional[Text] = None) -> List[Service]:
        """The topic's services, leaving out those not open to someone of `age` or `group`;
        for a man or an LGBT+ person, the services for them with the topic's need come first,
        so that a women's service is never the only answer to a man."""
        listed = [self.services[s] for s in topic.services if s in self.services]
        if topic.need == ON_BEHALF_OF_SOMEONE:
            group = None  # the writer's own group says nothing about the person they worry about
        theirs = []
        if group in ("men", "lgbt") and topic.need:
            theirs = [s for s in self.services.values()
                      if group in s.serves and topic.need in s.needs and s not in listed]
        return [s for s in theirs + listed if s.suits_age(age) and s.suits_group(group)]

    def services_named_in(self, text: Text, most: int = 3) -> List[Service]:
        """The services whose name, or another name they go by (`also_called`), is in the
        text ("refuge number"): the most specific name first, at most `most`."""
        words = _normalise(text)
        found = []
        for service in self.services.values():
            named = [len(name) for name in (service.name, *service.also_called) if _contains(words, name)]
            if named:
                found.append((max(named), service))
        found.sort(key=lambda pair: -pair[0])
        return [service for _, service in found[:most]]


def _normalise(text: Text) -> Text:
    return " ".join(re.sub(r"[^a-z0-9+ ]", " ", text.lower().replace("-", " ")).split())


def _said_of_oneself(text: Text, openings: Tuple[Text, ...], phrases: Iterable[Text]) -> Optional[Text]:
    """The first of `phrases` the writer says of themselves, after one of `openings`
    ("im a" + "man", "live in" + "glasgow"); None when a phrase only stands alone."""
    words = _normalise(text.replace("’", "'").replace("'", ""))  # "i'm" reads as "im"
    return next((phrase for phrase in phrases
                 if any(_contains(words, f"{opening} {phrase}") for opening in openings)), None)


def _contains(words: Text, phrase: Text) -> bool:
    return f" {_normalise(phrase)} " in f" {words} "
