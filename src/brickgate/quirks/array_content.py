"""Gemini's array content, flattened for callers, with its thought signatures kept for the next turn.

Upstream fact (research/databricks-api.md §2.6, §3.2): Gemini via Chat Completions returns ``content`` as an
array ``[{"type":"text","text":...,"thoughtSignature":...}]`` in stream and non-stream [issue: goose #7997,
PR #8042]; OpenAI-compatible clients expect a string and break ("list content that breaks Agents SDK parsing",
ai-bridge ``test_utils/fmapi.py``). Gemini 3 then requires the signature back on replayed function calls
(400 ``Function call is missing a thought_signature in functionCall parts``), but agents replay plain
strings. So the text is flattened and each signature is remembered by tool-call id, in the workspace's
``RepairMemory``, for ``thought_signatures.attach_thought_signatures`` to put back on the next request.

Reasoning parts (``{"type":"reasoning","summary":[{"type":"summary_text","text":..}]}``, api §2.4/§2.6:
Claude, Gemini 3 with ``reasoning_effort``, gpt-oss) become ``reasoning_content``, the field OpenAI-style
clients read thinking from; encrypted summaries have no text to show and are left out. The same-API relay
applies this to every chat model (the decoder reads the parts, signatures included, on translated paths).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from brickgate.quirks.copy_on_change import map_items
from brickgate.quirks.memory import RepairMemory, SignatureStore

JSON = dict[str, Any]
# what an event holding array content or a tool call looks like in its bytes (compact or spaced JSON)
_ARRAY_OR_CALL = re.compile(rb'"content"\s*:\s*\[|"tool_calls"')


class ArrayContentFlattener:
    """Response repair for one answer: flattens each content array and pairs signatures with the tool calls
    they sign (Gemini signs the first call of a step; the signature part may come before or after it)."""

    __slots__ = ("_calls", "_signatures", "_store", "changed")

    def __init__(self, memory: RepairMemory) -> None:
        self._store: SignatureStore = memory.signatures
        self._signatures: list[str] = []
        self._calls: list[str] = []
        self.changed = False

    @property
    def applied(self) -> Iterable[str]:
        return ("flatten_array_content",) if self.changed else ()

    def event(self, data: JSON) -> JSON:
        """A chat chunk with every choice's delta flattened (the same object when nothing was)."""
        return flatten_chat_chunk(data, self)

    def response(self, body: JSON) -> JSON:
        """A non-streaming completion with every choice's message flattened."""
        return flatten_chat_chunk(body, self)

    def raw_event(self, raw: bytes) -> bytes | None:
        """Only chunks with array content or a tool call (whose signature may need pairing) are parsed."""
        return None if _ARRAY_OR_CALL.search(raw) else raw

    def scan(self, block: bytes) -> bool:
        return _ARRAY_OR_CALL.search(block) is not None

    def message(self, message: JSON) -> JSON:
        """A delta or a message, flattened (the same object when it carried no array)."""
        content = message.get("content")
        calls = message.get("tool_calls")
        if isinstance(calls, list):
            for call in calls:
                if isinstance(call, dict) and isinstance(call.get("id"), str):
                    self._calls.append(call["id"])
                    own = call.get("thoughtSignature")
                    if isinstance(own, str) and own:
                        self._signatures.append(own)
        if not isinstance(content, list):
            self._pair()
            return message
        texts: list[str] = []
        thoughts: list[str] = []
        for part in content:
            if not isinstance(part, dict):
                continue
            if isinstance(part.get("thoughtSignature"), str) and part["thoughtSignature"]:
                self._signatures.append(part["thoughtSignature"])
            kind = part.get("type", "text")
            if kind == "text" and isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif kind == "reasoning":
                thoughts.extend(summary_texts(part))
        self._pair()
        self.changed = True
        text = "".join(texts)
        flat = {**message, "content": text if text or not calls else None}
        thought = "".join(thoughts)
        if thought:
            flat["reasoning_content"] = (message.get("reasoning_content") or "") + thought
        return flat

    def _pair(self) -> None:
        while self._signatures and self._calls:
            self._store.put(self._calls.pop(0), self._signatures.pop(0))


def flatten_chat_chunk(data: JSON, flattener: ArrayContentFlattener) -> JSON:
    """A chat chunk or completion with every choice's delta/message flattened."""

    def flattened(choice: Any) -> JSON | None:
        if not isinstance(choice, dict):
            return None
        for key in ("delta", "message"):
            inner = choice.get(key)
            if isinstance(inner, dict):
                fixed = flattener.message(inner)
                if fixed is not inner:
                    return {**choice, key: fixed}
        return None

    return map_items(data, "choices", flattened)


def summary_texts(part: JSON) -> list[str]:
    """The readable text of a reasoning part's summaries (encrypted ones have none)."""
    summaries = part.get("summary")
    if not isinstance(summaries, list):
        return []
    return [
        s["text"]
        for s in summaries
        if isinstance(s, dict)
        and s.get("type", "summary_text") == "summary_text"
        and isinstance(s.get("text"), str)
    ]
