"""Nobody is left without an answer.

If the assistant produces nothing for a message (the action server is down or failing:
Rasa then logs the error and carries on in silence), the channel answers with this,
which needs nothing but the channel itself to be working. It says how to get help now
first, as every answer must when it cannot know what was asked.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

logger = logging.getLogger(__name__)

NO_ANSWER = (
    "Sorry, I can't answer just now. If you are in danger now, call 999. If you can't speak, "
    "call 999 from a mobile, stay on the line and press 55 when asked. For anything else, call 101, "
    "or try again in a few minutes."
)


def never_silent(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[None]]:
    """Rasa's message handler, followed by the safe answer whenever it gave none."""

    async def handle(message: UserMessage) -> None:
        await on_new_message(message)
        output = message.output_channel
        if isinstance(output, CollectingOutputChannel) and not output.messages:
            logger.warning("The assistant gave no answer (is the action server running?); the safe answer was sent.")
            await output.send_text_message(message.sender_id, NO_ANSWER)

    return handle
