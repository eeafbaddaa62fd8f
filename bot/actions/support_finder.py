""""Find support near me": where the person is, who the support is for, then services.

Both questions can be skipped. Answers are matched against bot/content/finder.yml,
so an unknown village or "rather not say" still gets county-wide and national help.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.content_model import OUTSIDE, UNKNOWN_AREA, Content, Service
from bot.actions.content_store import content_store
from bot.actions.languages import reply_language
from bot.actions.opening_hours import uk_now
from bot.actions.oversight import count
from bot.actions.questions import AskQuestion
from bot.actions.rendering import Reply, render_service, render_topic, topic_buttons
from bot.actions.topics import send
from bot.actions.young_people import AGE_WHEN_ONLY_SCHOOL_IS_SAID

FORM_SLOTS = ("area", "support_group", "requested_slot")
MAX_SERVICES = 5
# When nobody said what the support is for.
DEFAULT_NEED = "victim_support"
NEXT_STEPS = ("report_options", "support_options", "menu")


def find_services(content: Content, need: Optional[Text], area: Text, group: Text,
                  age: Optional[int] = None) -> List[Service]:
    """Services for the need, local first, then those for the person's group, then the rest;
    none that is closed to someone of `age` (a young person of unknown age counts as 15)."""
    if age is None and group == "young_people":
        age = AGE_WHEN_ONLY_SCHOOL_IS_SAID
    need = need or DEFAULT_NEED

    def covers_area(service: Service) -> bool:
        if "national" in service.areas:
            return True
        if area == OUTSIDE:
            return False
        return "warwickshire" in service.areas or area in service.areas

    def for_their_group(service: Service) -> bool:
        # Someone who skipped the question is most often a woman (this service is for women
        # and girls first), so women's services count as theirs.
        return group in service.serves or (group == "everyone" and "women" in service.serves)

    def serves_group(service: Service) -> bool:
        return "everyone" in service.serves or for_their_group(service)

    matches = [
        s for s in content.services.values()
        if need in s.needs and covers_area(s) and serves_group(s) and s.phone != "999" and s.suits_age(age)
    ]
    matches.sort(key=lambda s: ("national" in s.areas, not for_their_group(s), not s.always_open))
    return matches[:MAX_SERVICES]


def _buttons_for_question(content: Content, slot: Text) -> List[Dict[Text, Text]]:
    finder = content.finder
    if slot == "area":
        options = [(a.id, a.label) for a in finder.areas]
        options += [(OUTSIDE, finder.outside_label), (UNKNOWN_AREA, finder.unknown_label)]
    else:
        options = [(g.id, g.label) for g in finder.groups]
    return [{"title": label, "payload": f'/inform{{"{slot}":"{value}"}}'} for value, label in options]


class ActionAskArea(AskQuestion, Action):
    slot, topic_id = "area", "finder_ask_area"

    def buttons(self, content: Content, tracker: Tracker) -> List[Dict[Text, Text]]:
        return _buttons_for_question(content, "area")


class ActionAskSupportGroup(AskQuestion, Action):
    slot, topic_id = "support_group", "finder_ask_group"

    def buttons(self, content: Content, tracker: Tracker) -> List[Dict[Text, Text]]:
        return _buttons_for_question(content, "support_group")


class ValidateSupportFinderForm(FormValidationAction):
    """Turns free-text answers into an area and a group; never asks twice."""

    def name(self) -> Text:
        return "validate_support_finder_form"

    def validate_area(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return {"area": content_store().current().finder.match_area(str(value))}

    def validate_support_group(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return {"support_group": content_store().current().finder.match_group(str(value))}


class ActionShowLocalSupport(Action):
    def name(self) -> Text:
        return "action_show_local_support"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        content = content_store().current().in_language(reply_language(tracker))
        area = tracker.get_slot("area") or UNKNOWN_AREA
        group = tracker.get_slot("support_group") or "everyone"
        age = tracker.get_slot("young_age")
        services = find_services(content, tracker.get_slot("support_need"), area, group, age)
        count(tracker, "finder_used", f"{area}/{tracker.get_slot('support_need') or 'any'}")
        now = uk_now()
        replies: List[Reply] = []
        if area == OUTSIDE:
            replies += render_topic(content, content.topics["outside_warwickshire"], now, with_buttons=False)
        lead_in = "finder_results" if services else "finder_no_results"
        services = services or find_services(content, None, area, "everyone", age)
        replies += render_topic(content, content.topics[lead_in], now, with_buttons=False)
        replies += [render_service(s, content, now) for s in services]
        replies[-1].buttons = topic_buttons(content, NEXT_STEPS)
        send(dispatcher, replies)
        return [SlotSet(slot, None) for slot in FORM_SLOTS]
