"""Every wire API by name: the one place an API is registered (mypy checks each module against ``Wire``)."""

from __future__ import annotations

from collections.abc import Mapping

from brickgate.wire import anthropic_messages, gemini, openai_chat, openai_responses
from brickgate.wire.contract import Api, Wire

WIRES: Mapping[Api, Wire] = {
    "chat": openai_chat,
    "responses": openai_responses,
    "messages": anthropic_messages,
    "gemini": gemini,
}
