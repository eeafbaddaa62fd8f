"""The shape of the content comms staff edit: services, topics, areas and groups.

Plain dataclasses, built from the YAML in bot/content/ by content_store.py once
content_validation.py has found nothing wrong with it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Dict, List, Optional, Text, Tuple

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

    def suits_age(self, age: Optional[int]) -> bool:
        """Whether someone of this age may use it; any service suits an unknown age."""
        if age is None:
            return True
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age <= self.max_age)

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

    @staticmethod
    def label_of(choices: Tuple[Choice, ...], choice_id: Optional[Text]) -> Optional[Text]:
        return next((c.label for c in choices if c.id == choice_id), None)


@dataclass
class Content:
    services: Dict[Text, Service] = field(default_factory=dict)
    topics: Dict[Text, Topic] = field(default_factory=dict)
    finder: Optional[Finder] = None
    handoff: Optional[HandoffOptions] = None

    def topic(self, topic_id: Text) -> Optional[Topic]:
        return self.topics.get(topic_id)

    def services_for(self, topic: Topic, age: Optional[int] = None) -> List[Service]:
        """The topic's services, leaving out those not open to someone of `age`."""
        return [self.services[s] for s in topic.services if s in self.services and self.services[s].suits_age(age)]

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


def _contains(words: Text, phrase: Text) -> bool:
    return f" {_normalise(phrase)} " in f" {words} "
