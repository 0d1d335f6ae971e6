"""Chat chunks relayed as OpenAI clients read them: usage only on the final chunk, and a ``finish_reason``.

Upstream facts and what they break:
- Inkling's stream ends without a ``finish_reason``, then ``data: [DONE]`` (research databricks-2026.md §1.5;
  find_string ids 56607941087, 56237971973); Pi fails with "Stream ended without finish_reason" and the
  openai SDK's stream helpers find no finished choice. One is added before ``[DONE]``: ``tool_calls`` when
  the answer made calls, else ``stop`` (what the decoder infers on translated paths).
- Gemini on chat puts an all-null ``usage`` on every chunk, Claude a partial one (``completion_tokens:
  null``) (research databricks-api.md §2.6); Continue CLI drops the turn silently on such a chunk
  (agents-2026.md §7). OpenAI sends no usage until the final chunk, so intermediate chunks lose theirs; a
  complete usage seen early (Inkling puts it on its last content chunk) moves to the chunk that finishes.

Only the same-API relay needs this: translated paths decode the upstream stream and emit chunks of their own.
Cheap on the hot path: each relayed block is scanned as bytes, and only events that carry a ``usage``
object (or a finish while usage is held back) are parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import orjson

JSON = dict[str, Any]
_FINISHED = re.compile(rb'"finish_reason"\s*:\s*"')
_USAGE_OBJECT = re.compile(rb'"usage"\s*:\s*\{')
_DATA_OBJECT = re.compile(rb"^data: ?(\{.*)$", re.MULTILINE)
_DONE = b"[DONE]"


def usage_is_complete(usage: Any) -> bool:
    """Both counts present: the usage a final chunk reports (partial ones have nulls)."""
    return (
        isinstance(usage, dict)
        and isinstance(usage.get("prompt_tokens"), int)
        and isinstance(usage.get("completion_tokens"), int)
    )


def _finishes(chunk: JSON) -> bool:
    choices = chunk.get("choices")
    if choices == []:  # OpenAI's closing usage chunk
        return True
    return isinstance(choices, list) and any(isinstance(c, dict) and c.get("finish_reason") for c in choices)


class ChatChunkRepair:
    """Response repair for one relayed chat answer (see the module docstring)."""

    __slots__ = ("_applied", "_calls", "_finished", "_held", "_last_block")

    def __init__(self) -> None:
        self._applied: dict[str, None] = {}
        self._finished = False  # a chunk with a finish_reason went by
        self._calls = False  # a tool call went by
        self._held: JSON | None = None  # a complete usage taken off a chunk that did not finish
        self._last_block = b""  # the latest block with a chunk in it: the synthesised chunk's id and model

    @property
    def applied(self) -> Iterable[str]:
        return self._applied

    def scan(self, block: bytes) -> bool:
        if _FINISHED.search(block):
            self._finished = True
        if b'"tool_calls"' in block:
            self._calls = True
        if b"{" in block:
            self._last_block = block
        return (
            _USAGE_OBJECT.search(block) is not None
            or (self._held is not None and self._finished)
            or (_DONE in block and not self._finished)
        )

    def raw_event(self, raw: bytes) -> bytes | None:
        if raw.endswith(_DONE):
            return raw if self._finished else self._finish_chunk() + b"\n\n" + raw
        if _USAGE_OBJECT.search(raw) or (self._held is not None and _FINISHED.search(raw)):
            return None
        return raw

    def event(self, data: JSON) -> JSON:
        usage = data.get("usage")
        if _finishes(data):
            self._finished = True
            if usage_is_complete(usage) or (self._held is None and usage is None):
                return data
            held, self._held = self._held, None  # the usage taken off an earlier chunk, or none at all
            self._applied["hold_usage_until_final_chunk"] = None
            return {**data, "usage": held} if held is not None else _without_usage(data)
        if usage is None:
            return data
        if usage_is_complete(usage):
            self._held = usage
        self._applied["hold_usage_until_final_chunk"] = None
        return _without_usage(data)

    def response(self, body: JSON) -> JSON:
        """A completion body whose choices lack a finish_reason gets one per choice."""
        choices = body.get("choices")
        if not isinstance(choices, list) or all(
            not isinstance(c, dict) or c.get("finish_reason") for c in choices
        ):
            return body
        fixed = [
            {**c, "finish_reason": "tool_calls" if _has_calls(c.get("message")) else "stop"}
            if isinstance(c, dict) and not c.get("finish_reason")
            else c
            for c in choices
        ]
        self._applied["synthesise_finish_reason"] = None
        return {**body, "choices": fixed}

    def _finish_chunk(self) -> bytes:
        """The chunk an Inkling-style stream never sent: the last chunk's id and model, a finish_reason, and
        the usage held back from it."""
        self._finished = True
        self._applied["synthesise_finish_reason"] = None
        head = _last_chunk(self._last_block)
        chunk: JSON = {k: head[k] for k in ("id", "object", "created", "model") if k in head}
        chunk["choices"] = [
            {"index": 0, "delta": {}, "finish_reason": "tool_calls" if self._calls else "stop"}
        ]
        if self._held is not None:
            chunk["usage"], self._held = self._held, None
        return b"data: " + orjson.dumps(chunk)


def _without_usage(data: JSON) -> JSON:
    return {k: v for k, v in data.items() if k != "usage"}


def _has_calls(message: Any) -> bool:
    return isinstance(message, dict) and bool(message.get("tool_calls"))


def _last_chunk(block: bytes) -> JSON:
    """The last JSON chunk in ``block`` (empty when there is none or it does not parse)."""
    matches = _DATA_OBJECT.findall(block)
    for raw in reversed(matches):
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        if isinstance(doc, dict):
            return doc
    return {}
