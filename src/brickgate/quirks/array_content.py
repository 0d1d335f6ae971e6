"""Gemini's array content, flattened for callers, with its thought signatures kept for the next turn.

Upstream fact (research/databricks-api.md §2.6, §3.2): Gemini via Chat Completions returns ``content`` as an
array ``[{"type":"text","text":...,"thoughtSignature":...}]`` in stream and non-stream [issue: goose #7997,
PR #8042]; OpenAI-compatible clients expect a string and break ("list content that breaks Agents SDK parsing",
ai-bridge ``test_utils/fmapi.py``). Gemini 3 then requires the signature back on replayed function calls
(400 ``Function call is missing a thought_signature in functionCall parts``), but agents replay plain
strings. So the text is flattened and each signature is remembered by tool-call id, process-wide, for
``thought_signatures.attach_thought_signatures`` to put back on the next request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from brickgate.quirks.copy_on_change import map_items

JSON = dict[str, Any]


class SignatureStore:
    """Thought signatures by tool-call id: a bounded LRU shared by every request of this process."""

    def __init__(self, capacity: int = 50_000) -> None:
        self._capacity = capacity
        self._data: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, call_id: str, signature: str) -> None:
        with self._lock:
            self._data[call_id] = signature
            self._data.move_to_end(call_id)
            while len(self._data) > self._capacity:
                self._data.popitem(last=False)

    def get(self, call_id: str) -> str | None:
        with self._lock:
            return self._data.get(call_id)


SIGNATURES = SignatureStore()


class ArrayContentFlattener:
    """Per-response state: pairs signatures with the tool calls they sign (Gemini signs the first call of a
    step; the signature part may come before or after the call), and flattens each content array."""

    __slots__ = ("_calls", "_signatures", "changed")

    def __init__(self) -> None:
        self._signatures: list[str] = []
        self._calls: list[str] = []
        self.changed = False

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
        for part in content:
            if not isinstance(part, dict):
                continue
            if isinstance(part.get("thoughtSignature"), str) and part["thoughtSignature"]:
                self._signatures.append(part["thoughtSignature"])
            if part.get("type", "text") == "text" and isinstance(part.get("text"), str):
                texts.append(part["text"])
        self._pair()
        self.changed = True
        text = "".join(texts)
        flattened = {**message, "content": text if text or not calls else None}
        return flattened

    def _pair(self) -> None:
        while self._signatures and self._calls:
            SIGNATURES.put(self._calls.pop(0), self._signatures.pop(0))


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


def drop_null_usage(data: JSON) -> JSON:
    """A chat chunk without a ``usage`` whose fields are all null (the same object when it has none).

    Fact: Gemini via Databricks sends ``"usage":{"prompt_tokens":null,...}`` on every chunk
    (research/databricks-api.md §2.6; goose #7997); Continue CLI 1.5.47 then drops the turn silently.
    """
    usage = data.get("usage")
    if not isinstance(usage, dict) or not usage or any(v is not None for v in usage.values()):
        return data
    return {k: v for k, v in data.items() if k != "usage"}
