"""The contact form ("ask the police to contact me"), described once.

QUESTIONS is the form: each question's slot, the topic that holds its words
(bot/content/topics/handoff.yml), its buttons, when it is asked, which earlier answers
it follows from, and whether it can be changed at the read-back. Everything else is
derived from it: which questions a person is asked, the "Change an answer" buttons,
which answers a change clears, the read-back, the answers wiped when the form ends, the
topics the content must have, and the `action_ask_<slot>` actions
(bot/actions/handoff_asking.py). tests/unit/test_handoff_form.py checks that
bot/domain/handoff.yml lists the same slots, in the same order, with the same actions.

To add a question: add a Question here, its slot, form entry and action to
bot/domain/handoff.yml, its words as a topic, and its read-back label to
bot/content/handoff.yml (`summary_labels`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from bot.actions.content_model import OUTSIDE, Choice, Content
from bot.actions.handoff_answers import CONTACTED_BY_US, NEEDS_A_NUMBER, SKIPPED

Answers = Mapping[Text, Any]
Button = Dict[Text, Text]


# ---- when a question is asked --------------------------------------------------------

def going_ahead(answers: Answers) -> bool:
    return answers.get("handoff_go_ahead") is not False


def method_is(*methods: Text) -> Callable[[Answers], bool]:
    return lambda answers: going_ahead(answers) and answers.get("contact_method") in methods


def others_may_answer(answers: Answers) -> bool:
    return method_is(*CONTACTED_BY_US)(answers) and answers.get("others_may_answer") == "yes"


def in_warwickshire(answers: Answers) -> bool:
    """Outside the force's area the form ends at the area question, with other numbers."""
    return going_ahead(answers) and answers.get("handoff_area") != OUTSIDE


def changing_an_answer(answers: Answers) -> bool:
    return in_warwickshire(answers) and answers.get("handoff_confirm") == "change"


# ---- buttons -------------------------------------------------------------------------

def no_buttons(content: Content, tracker: Tracker) -> List[Button]:
    return []


def button(key: Text, payload: Text) -> Callable[[Content, Tracker], List[Button]]:
    """One button; its words are content (bot/content/handoff.yml `buttons`)."""
    return lambda content, tracker: [content.handoff.button(key, payload)]


def yes_no(content: Content, tracker: Tracker) -> List[Button]:
    return [content.handoff.button("yes", "/affirm"), content.handoff.button("no", "/deny")]


def go_ahead_or_not(content: Content, tracker: Tracker) -> List[Button]:
    return [content.handoff.button("go_ahead", "/affirm"), content.handoff.button("no_thanks", "/deny")]


def choice_buttons(choices: Tuple[Choice, ...], entity: Text) -> List[Button]:
    return [{"title": c.label, "payload": f'/inform{{"{entity}":"{c.id}"}}'} for c in choices]


def topics(content: Content) -> Tuple[Choice, ...]:
    return content.handoff.topics


def methods(content: Content) -> Tuple[Choice, ...]:
    return content.handoff.methods


def someone_else_answers(content: Content) -> Tuple[Choice, ...]:
    return content.handoff.someone_else_answers


def areas(content: Content) -> Tuple[Choice, ...]:
    finder = content.finder
    return tuple(Choice(a.id, a.label) for a in finder.areas) + (Choice(OUTSIDE, finder.outside_label),)


# ---- the form --------------------------------------------------------------------------

@dataclass(frozen=True)
class Question:
    slot: Text
    topic_id: Text  # the question's words: a topic in bot/content/topics/handoff.yml
    asked_when: Callable[[Answers], bool] = going_ahead
    buttons: Callable[[Content, Tracker], List[Button]] = no_buttons
    # Offered as buttons, and read back by their labels; `entity` is what the buttons fill.
    choices: Optional[Callable[[Content], Tuple[Choice, ...]]] = None
    entity: Optional[Text] = None
    label_of: Optional[Callable[[Content, Any], Text]] = None  # read back by this, if set
    follows_from: Tuple[Text, ...] = ()  # asked again when one of these answers changes
    changeable: bool = False  # offered under "Change an answer"
    read_back: bool = True

    def buttons_for(self, content: Content, tracker: Tracker) -> List[Button]:
        if self.choices is not None:
            return choice_buttons(self.choices(content), self.entity or self.slot)
        return self.buttons(content, tracker)

    def shown(self, content: Content, value: Any) -> Text:
        """The answer as the person will recognise it."""
        if self.label_of is not None:
            return self.label_of(content, value)
        if self.choices is not None:
            label = next((c.label for c in self.choices(content) if c.id == value), None)
            if label:
                return label
        return "not given" if value == SKIPPED else str(value)


QUESTIONS: Tuple[Question, ...] = (
    Question("handoff_go_ahead", "handoff_ask_go_ahead", asked_when=lambda answers: True, buttons=go_ahead_or_not,
             read_back=False),
    Question("handoff_topic", "handoff_ask_topic", choices=topics, changeable=True),
    Question("handoff_name", "handoff_ask_name", buttons=button("skip", "skip"), changeable=True),
    Question("contact_method", "handoff_ask_method", choices=methods, changeable=True),
    Question("contact_phone", "handoff_ask_phone", asked_when=method_is(*NEEDS_A_NUMBER),
             follows_from=("contact_method",)),
    Question("safe_times", "handoff_ask_safe_times", asked_when=method_is(*NEEDS_A_NUMBER),
             buttons=button("any_time", "any time"), follows_from=("contact_method",), changeable=True),
    Question("voicemail_ok", "handoff_ask_voicemail", asked_when=method_is("call"), buttons=yes_no,
             follows_from=("contact_method",), changeable=True),
    Question("contact_email", "handoff_ask_email", asked_when=method_is("email"), follows_from=("contact_method",)),
    Question("others_may_answer", "handoff_ask_others", asked_when=method_is(*CONTACTED_BY_US), buttons=yes_no,
             follows_from=("contact_method",), changeable=True),
    Question("if_someone_else_answers", "handoff_ask_if_someone_else", asked_when=others_may_answer,
             choices=someone_else_answers, follows_from=("contact_method", "others_may_answer"), changeable=True),
    Question("handoff_area", "handoff_ask_area", choices=areas, entity="area", changeable=True,
             label_of=lambda content, area: content.finder.area_label(area)),
    Question("access_needs", "handoff_ask_needs", asked_when=in_warwickshire, buttons=button("no_needs", "no"),
             changeable=True),
    Question("handoff_confirm", "handoff_consent", asked_when=in_warwickshire, read_back=False),
    Question("handoff_change", "handoff_ask_change", asked_when=changing_an_answer, read_back=False),
)
BY_SLOT = {question.slot: question for question in QUESTIONS}
CHANGEABLE = tuple(question.slot for question in QUESTIONS if question.changeable)
# Kept beside the answers while the form runs, and wiped with them.
BOOKKEEPING_SLOTS = ("handoff_read_back", "handoff_unclear_answers", "handoff_failed_tries")
HANDOFF_SLOTS = tuple(question.slot for question in QUESTIONS) + BOOKKEEPING_SLOTS


def slots_to_ask(tracker: Tracker) -> List[Text]:
    """The questions this person needs, given their answers so far, in order."""
    answers = tracker.current_slot_values()
    return [question.slot for question in QUESTIONS if question.asked_when(answers)]


def cleared_by_changing(slot: Text) -> Tuple[Text, ...]:
    """The answer itself and every answer that follows from it."""
    return (slot,) + tuple(question.slot for question in QUESTIONS if slot in question.follows_from)


def clear_handoff() -> List[EventType]:
    return [SlotSet(slot, None) for slot in HANDOFF_SLOTS]


def read_back(content: Content, tracker: Tracker) -> Text:
    """The person's answers, in the words they will recognise."""
    labels = content.handoff.summary_labels
    lines = []
    for slot in slots_to_ask(tracker):
        question, value = BY_SLOT[slot], tracker.get_slot(slot)
        if question.read_back and value is not None:
            lines.append(f"{labels[slot]}: {question.shown(content, value)}")
    return "\n".join(lines)
