"""Answers: a topic for each question, the emergency message, and the notices.

Words come from bot/content/topics at reply time; these actions only decide
which topic to send and in what order.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.content_model import Content, Topic
from bot.actions.content_store import content_store
from bot.actions.opening_hours import uk_now
from bot.actions.languages import not_understood_in_english, remember_language, reply_language
from bot.actions.topic_search import topics_like
from connectors.languages import ENGLISH
from bot.actions.oversight import count
from bot.actions.rendering import Reply, render_services, render_topic
from bot.actions.young_people import young_person_age

DANGER_TOPIC = "danger_now"
FALLBACK_TOPIC = "nlu_fallback"
MENU_TOPIC = "menu"
SERVICE_TOPIC = "service_contact"
UNDER_18_TOPIC = "under_18"
OTHER_NATION_TOPIC = "outside_england_and_wales"
INTRO_TOPIC = "intro"
# Intents that are not questions, so never worth answering after an emergency message.
NOT_QUESTIONS = {"greet", "goodbye", "thank", "affirm", "deny", "stop", "inform", "nlu_fallback", "danger_now", "out_of_scope"}
# How sure the classifier must be before the question that came with an emergency is answered too.
FOLLOW_UP_CONFIDENCE = 0.6
# When the assistant did not understand, its best guesses above this are offered as buttons.
GUESS_CONFIDENCE = 0.1
# How sure the classifier must be of `inform` when no question was asked (intent_to_answer).
SURE_OF_AN_UNPROMPTED_ANSWER = 0.5
MAX_GUESSES = 3
# A message can carry two needs ("he controls my money and I need somewhere to stay"): when
# the classifier's second guess is at least this sure, it is offered as the first button.
SECOND_NEED_CONFIDENCE = 0.2


def send(dispatcher: CollectingDispatcher, replies: List[Reply]) -> None:
    for reply in replies:
        # `lang`: the widget marks each message up with its language (issue 18).
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None, lang=reply.language)


def latest_intent(tracker: Tracker) -> Text:
    return (tracker.latest_message.get("intent") or {}).get("name") or FALLBACK_TOPIC


def intent_to_answer(tracker: Tracker) -> Text:
    """The latest intent, except that an unsure `inform` outside a form is treated as not
    understood: with no question asked, a word the model half-recognises as a place or an
    answer is more often a typo or keys pressed in a hurry than news to thank someone for."""
    intent = latest_intent(tracker)
    confidence = (tracker.latest_message.get("intent") or {}).get("confidence") or 0
    if intent == "inform" and confidence < SURE_OF_AN_UNPROMPTED_ANSWER:
        return FALLBACK_TOPIC
    if intent == FALLBACK_TOPIC and not_understood_in_english(tracker):
        return MENU_TOPIC  # typed in another language: the menu, in it, says what can be done
    return intent


def intro_if_not_shown(tracker: Tracker, content: Content) -> List[Reply]:
    """The one-time notice: automated, not monitored, what is kept."""
    if tracker.get_slot("intro_shown"):
        return []
    return render_topic(content, content.topics[INTRO_TOPIC], uk_now(), with_buttons=False)


def leave_active_form(tracker: Tracker) -> List[EventType]:
    if tracker.active_loop.get("name"):
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
    return []


def likely_topics(ranking: List[Dict[Text, Any]], has_topic: Callable[[Text], Any] = lambda name: True) -> List[Text]:
    """Intents from the classifier's ranking worth offering as "did you mean" buttons
    (scripts/evaluate.py counts with the same rule)."""
    guesses = [
        r["name"] for r in ranking
        if r.get("name") not in NOT_QUESTIONS and (r.get("confidence") or 0) >= GUESS_CONFIDENCE and has_topic(r["name"])
    ]
    return guesses[:MAX_GUESSES]


def best_guesses(tracker: Tracker, content: Content) -> List[Text]:
    """Topics the classifier thought likely, for "did you mean" buttons."""
    return likely_topics(tracker.latest_message.get("intent_ranking") or [], content.topic)


def second_need(ranking: List[Dict[Text, Any]], answered: Text, has_topic: Callable[[Text], Any] = lambda name: True) -> List[Text]:
    """The other question a two-need message asked, if the classifier saw one: the
    best-ranked question topic after the one answered, when it is sure enough."""
    for ranked in ranking:
        name = ranked.get("name")
        if not isinstance(name, str) or name == answered or name in NOT_QUESTIONS:
            continue
        sure = (ranked.get("confidence") or 0) >= SECOND_NEED_CONFIDENCE
        return [name] if sure and has_topic(name) else []
    return []


def young_person(tracker: Tracker) -> Tuple[bool, Optional[int]]:
    """(said just now for the first time, age) when the writer is under 18 (young_people.py)."""
    known = tracker.get_slot("young_age")
    said = young_person_age(tracker.latest_message.get("text") or "")
    age = said if said is not None else known
    return said is not None and known is None, (int(age) if age is not None else None)


def emergency_line(content: Content) -> List[Reply]:
    """The emergency message's first line (999, and 55 when it is not safe to speak)."""
    messages, written_in = content.messages_of(content.topics[DANGER_TOPIC])
    return [Reply(messages[0], language=written_in)]


def count_answer(tracker: Tracker, content: Content, topic: Topic, started: bool) -> None:
    """For the oversight figures: the conversation's start, the topic answered, or a message
    not understood (with "did you mean" buttons or without) and the classifier's top guess."""
    if started:
        count(tracker, "conversation_started")
    if topic.id != FALLBACK_TOPIC:
        count(tracker, "topic_answered", topic.id)
        return
    count(tracker, "did_you_mean" if best_guesses(tracker, content) else "not_understood")
    ranking = tracker.latest_message.get("intent_ranking") or []
    top = next((r.get("name") for r in ranking if r.get("name") not in NOT_QUESTIONS and content.topic(r.get("name"))),
               None)
    count(tracker, "unanswered_guess", top or "none")


def topic_events(topic: Topic) -> List[EventType]:
    return [SlotSet("support_need", topic.need)] if topic.need else []


class ActionAnswerTopic(Action):
    """Answers the question the latest intent asks, from its topic in content."""

    def name(self) -> Text:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        content = content_store().current().in_language(reply_language(tracker))
        intent = intent_to_answer(tracker)
        topic = content.topic(intent) or content.topics[FALLBACK_TOPIC]
        intro = intro_if_not_shown(tracker, content)
        if intro and topic.id == "greet":
            topic = content.topics["menu"]  # the notice already says hello
        named = content.services_named_in(tracker.latest_message.get("text") or "") if topic.id == FALLBACK_TOPIC else []
        count_answer(tracker, content, content.topics[SERVICE_TOPIC] if named else topic, started=bool(intro))
        remembered = remember_language(tracker)
        if named:
            # Not understood, but a service was named ("refuge no."): its details beat "sorry".
            send(dispatcher, intro + render_services(content, named, content.topics[SERVICE_TOPIC].buttons, uk_now()))
            return [SlotSet("intro_shown", True)] + remembered + leave_active_form(tracker)
        first_time, age = young_person(tracker)
        other_nation_note = self._other_nation_note(tracker, content)
        # Typed in a language the classifier cannot read: the emergency line comes first.
        safety_first = emergency_line(content) if not_understood_in_english(tracker) else []
        intro += other_nation_note
        said_group = content.finder.group_said_in(tracker.latest_message.get("text") or "") if content.finder else None
        group = said_group or tracker.get_slot("support_group")
        send(dispatcher, safety_first + intro + self._answer(content, topic, tracker, first_time, age, group))
        if said_group:
            remembered.append(SlotSet("support_group", said_group))
        if other_nation_note:
            remembered.append(SlotSet("outside_england_and_wales", True))
        return ([SlotSet("intro_shown", True), SlotSet("young_age", age)] + remembered + topic_events(topic)
                + leave_active_form(tracker))

    @staticmethod
    def _other_nation_note(tracker: Tracker, content: Content) -> List[Reply]:
        """For someone who says they are in Scotland or Northern Ireland, once: the routes
        that follow are for England and Wales, and 999 works everywhere."""
        if tracker.get_slot("outside_england_and_wales") or content.finder is None:
            return []
        if not content.finder.says_outside_england_and_wales(tracker.latest_message.get("text") or ""):
            return []
        return render_topic(content, content.topics[OTHER_NATION_TOPIC], uk_now(), with_buttons=False)

    @staticmethod
    def _answer(content: Content, topic: Topic, tracker: Tracker, just_said_under_18: bool,
                age: Optional[int], group: Optional[Text]) -> List[Reply]:
        """The topic, without services closed to someone of `age`; for someone who has just
        said they are under 18, the under-18 answer first (alone, if nothing else was understood)."""
        under_18 = content.topics[UNDER_18_TOPIC]
        if just_said_under_18 and topic.id == FALLBACK_TOPIC:
            return render_topic(content, under_18, uk_now())
        first = render_topic(content, under_18, uk_now(), with_buttons=False) if just_said_under_18 else []
        ranking = tracker.latest_message.get("intent_ranking") or []
        if not_understood_in_english(tracker):
            # Typed in another language: the topics most like it, before the menu's buttons.
            extra = topics_like(content, tracker.latest_message.get("text") or "")
        elif topic.id == FALLBACK_TOPIC:
            extra = best_guesses(tracker, content)
        else:
            extra = second_need(ranking, topic.id, content.topic)
        return first + render_topic(content, topic, uk_now(), extra_buttons=extra, age=age, group=group)


class ActionEmergency(Action):
    """Danger now: the emergency message first, on any turn, then carry on."""

    def name(self) -> Text:
        return "action_emergency"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        content = content_store().current().in_language(reply_language(tracker))
        follow_up = None if tracker.active_loop.get("name") else self._question_asked_too(tracker, content)
        now = uk_now()
        emergency = render_topic(content, content.topics[DANGER_TOPIC], now, with_buttons=follow_up is None)
        intro = intro_if_not_shown(tracker, content)
        # Danger in another language is counted under its language: its classifier raises
        # more false alarms than the English one (docs/languages.md), so they can be told apart.
        count(tracker, "danger_now", "" if content.language == ENGLISH else content.language)
        if intro:
            count(tracker, "conversation_started")
        if follow_up:
            count(tracker, "topic_answered", follow_up.id)
        replies = emergency + intro
        if follow_up:
            replies += render_topic(content, follow_up, now)
        send(dispatcher, replies)
        # An age given with the danger still shapes every answer after it.
        _, age = young_person(tracker)
        return ([SlotSet("intro_shown", True), SlotSet("young_age", age)] + remember_language(tracker)
                + (topic_events(follow_up) if follow_up else []))

    @staticmethod
    def _question_asked_too(tracker: Tracker, content: Content) -> Optional[Topic]:
        """The topic the classifier saw beside the danger, e.g. "he's outside, what is Clare's Law"."""
        for ranked in tracker.latest_message.get("intent_ranking") or []:
            name = ranked.get("name")
            if name in NOT_QUESTIONS:
                continue
            if (ranked.get("confidence") or 0) >= FOLLOW_UP_CONFIDENCE:
                return content.topic(name)
            return None
        return None


class ActionCoreFallback(Action):
    """When the dialogue does not know what to do next: say so kindly, keep nothing odd."""

    def name(self) -> Text:
        return "action_core_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        content = content_store().current().in_language(reply_language(tracker))
        count(tracker, "not_understood")
        send(dispatcher, render_topic(content, content.topics[FALLBACK_TOPIC], uk_now()))
        return [UserUtteranceReverted()]
