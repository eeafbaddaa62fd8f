"""Turns topics and services into the messages the assistant sends.

Messages are plain text with buttons, so they read the same in the REST channel,
the terminal and the website widget.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Dict, List, Optional, Sequence, Text

from bot.actions.content_model import CardWords, Content, Service, Topic
from bot.actions.opening_hours import describe_hours, is_open, next_opening
from bot.settings import load_settings
from connectors.languages import ENGLISH


@dataclass
class Reply:
    text: Text
    buttons: List[Dict[Text, Text]] = field(default_factory=list)
    language: Text = ENGLISH  # the language the text is in (the widget marks it up with it)


def fill_placeholders(text: Text, content: Optional[Content] = None, language: Text = ENGLISH) -> Text:
    hours = load_settings().conversation_retention_hours
    translation = content.translations.get(language) if content else None
    if translation:
        period = translation.retention_one if hours == 1 else translation.retention_many.replace("{hours}", str(hours))
    else:
        period = "1 hour" if hours == 1 else f"{hours} hours"
    return text.replace("{retention_period}", period)


def topic_buttons(content: Content, topic_ids: Sequence[Text]) -> List[Dict[Text, Text]]:
    """A button for each topic, in the content's language where translated; its payload is
    the topic's intent."""
    return [
        {"title": content.label_of(content.topics[t]), "payload": f"/{t}"}
        for t in topic_ids if t in content.topics
    ]


def render_topic(
    content: Content, topic: Topic, now: datetime, with_buttons: bool = True, extra_buttons: Sequence[Text] = (),
    age: Optional[int] = None, group: Optional[Text] = None,
) -> List[Reply]:
    """The topic's messages (in the content's language where translated: Content.in_language),
    then its services (those open to someone of `age` and `group`), with the buttons on the
    last message."""
    messages, written_in = content.messages_of(topic)
    replies = [Reply(fill_placeholders(m, content, written_in), language=written_in) for m in messages]
    replies += [render_service(s, content, now) for s in content.services_for(topic, age, group)]
    if with_buttons:
        button_ids = list(dict.fromkeys(list(extra_buttons) + list(topic.buttons)))
        replies[-1].buttons = topic_buttons(content, button_ids)
    return replies


def render_services(content: Content, services: Sequence[Service], button_ids: Sequence[Text], now: datetime) -> List[Reply]:
    """A card for each service, with the buttons on the last one."""
    replies = [render_service(service, content, now) for service in services]
    replies[-1].buttons = topic_buttons(content, button_ids)
    return replies


def render_service(service: Service, content: Content, now: datetime) -> Reply:
    """The service's card, in the content's language where its card is translated
    (Content.card_of); names, numbers and addresses as they are."""
    words, summary, language = content.card_of(service)
    run_by_not_in_name = service.run_by and service.run_by not in service.name
    name = f"{service.name} ({service.run_by})" if run_by_not_in_name else service.name
    lines = [name, summary]
    if service.phone:
        lines.append(words.say("call_free" if service.free else "call", phone=service.phone))
    if service.textphone:
        lines.append(words.say("textphone", number=service.textphone))
    if service.text:
        lines.append(words.say("text", number=service.text))
    if service.url:
        lines.append(service.url)
    lines += _open_now_lines(service, content, words, now)
    return Reply("\n".join(lines), language=language)


def _open_now_lines(service: Service, content: Content, words: CardWords, now: datetime) -> List[Text]:
    hours = describe_hours(service, words)
    if hours is None or service.always_open:
        return [hours] if hours else []
    if not service.hours_verified:
        # Hours nobody has confirmed are never turned into "open now".
        return [hours, words.say("hours_unconfirmed")] + _help_now(service, content, words)
    if is_open(service, now):
        return [hours, words.say("open_now")]
    opens = next_opening(service, now, words)
    closed = words.say("closed_now_opens", when=opens) if opens else words.say("closed_now")
    return [hours, closed] + _help_now(service, content, words)


def _help_now(service: Service, content: Content, words: CardWords) -> List[Text]:
    alternative = always_open_alternative(service, content)
    if alternative is None:
        return []
    return [words.say("help_now", name=alternative.name, contact=alternative.phone or alternative.url or "")]


def always_open_alternative(service: Service, content: Content) -> Optional[Service]:
    """A 24/7 service that helps with the same need, for when this one is closed."""
    for need in list(service.needs) + ["victim_support"]:
        for other in content.services.values():
            is_helpline = other.phone != "999" and "national" in other.areas
            if other.always_open and other.id != service.id and need in other.needs and is_helpline:
                return other
    return None
