"""Counting what happens, for the oversight figures (connectors/counters.py): the event,
its category, the channel and the partner site. Never the text, never who."""
from __future__ import annotations

from typing import Optional, Text, Tuple

from rasa_sdk import Tracker

from connectors import counters


def source_of(tracker: Tracker) -> Tuple[Text, Optional[Text]]:
    """The channel, and the partner site the widget ran on. The widget channel sets the
    partner from its own partner list; other channels (the REST channel passes on any
    metadata a client sends) are not trusted with it."""
    channel = tracker.get_latest_input_channel() or "unknown"
    if channel != "widget":
        return channel, None
    metadata = (tracker.latest_message or {}).get("metadata")
    partner_id = metadata.get("partner_id") if isinstance(metadata, dict) else None
    return channel, partner_id if isinstance(partner_id, str) else None


def count(tracker: Tracker, event: Text, category: Text = "") -> None:
    channel, partner = source_of(tracker)
    counters.count(event, category, channel, partner)
