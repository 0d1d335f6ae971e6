"""Empty text next to tool calls, empty tool output, empty user parts: Claude rejects all of them.

Upstream fact (research/databricks-api.md §3.1): Claude rejects empty text blocks with ``{"error_code":
"BAD_REQUEST","message":"{\\"message\\":\\"messages: text content blocks must be non-empty\\"}"}``
[issue: ai-bridge PR #333]. Databricks itself *returns* ``content: ""`` for tool-only turns, so replaying a
turn verbatim fails [issue: tidyverse/ellmer #932]; opencode replays ``"content": ""`` next to ``tool_calls``.
LiteLLM drops empty or whitespace-only text and removes ``content`` when nothing is left [code: LiteLLM
``_sanitize_empty_content``]; we do the same, and use a short placeholder where the shape needs content.
"""

from __future__ import annotations

from typing import Any

from brickgate.quirks.copy_on_change import map_items

JSON = dict[str, Any]

EMPTY_PLACEHOLDER = "(empty)"
NO_OUTPUT_PLACEHOLDER = "(no output)"
_DROPPED: JSON = {}  # a block's fix: drop it


def _is_blank_text(value: Any) -> bool:
    # not value.strip(): that copies every tool output ending in a newline, the whole history per request
    return isinstance(value, str) and (not value or value.isspace())


def _is_blank_text_part(part: Any) -> bool:
    return isinstance(part, dict) and part.get("type") == "text" and _is_blank_text(part.get("text", ""))


def _without_blank_text_parts(parts: list[Any]) -> list[Any] | None:
    """The parts minus blank text parts, or None when there were none to drop."""
    kept = [p for p in parts if not _is_blank_text_part(p)]
    return kept if len(kept) != len(parts) else None


def _chat_content_fix(message: JSON) -> JSON | None:
    """The repaired chat message ({} = drop it), or None when it needs nothing."""
    content = message.get("content")
    if isinstance(content, list):
        kept = _without_blank_text_parts(content)
        if kept is None:
            return None
        if kept:
            return {**message, "content": kept}
    elif not _is_blank_text(content):
        return None
    return _fill_blank_chat_content(message)


def _fill_blank_chat_content(message: JSON) -> JSON:
    role = message.get("role")
    fixed = dict(message)
    if role == "assistant" and message.get("tool_calls"):
        del fixed["content"]
    elif role == "tool":
        fixed["content"] = NO_OUTPUT_PLACEHOLDER
    elif role == "system":
        return {}  # an empty system message says nothing: drop it
    else:
        fixed["content"] = EMPTY_PLACEHOLDER
    return fixed


def drop_empty_text_chat(body: JSON) -> JSON:
    """Chat Completions: no blank text reaches a family that rejects empty text blocks.

    Prevents ``messages: text content blocks must be non-empty`` (Claude, §3.1). Assistant ``content: ""``
    (or blank) next to ``tool_calls`` is removed; blank text parts are dropped; a blank tool result
    becomes ``"(no output)"``; a blank user or assistant turn becomes ``"(empty)"``; a blank system message
    is removed.
    """
    messages = body.get("messages")
    if not isinstance(messages, list):
        return body
    out: list[Any] = []
    changed = False
    for message in messages:
        fixed = _chat_content_fix(message) if isinstance(message, dict) else None
        if fixed is None:
            out.append(message)
            continue
        changed = True
        if fixed:
            out.append(fixed)
    return {**body, "messages": out} if changed else body


def _tool_result_fix(block: JSON) -> JSON | None:
    content = block.get("content")
    if isinstance(content, list):
        kept = _without_blank_text_parts(content)
        if kept:
            return {**block, "content": kept}
        if kept is None and content:
            return None
    elif content is not None and not _is_blank_text(content):
        return None
    return {**block, "content": NO_OUTPUT_PLACEHOLDER}


def _anthropic_blocks_fix(blocks: list[Any]) -> list[Any] | None:
    """The blocks without blank text and with tool results filled, or None when none needed it. The copy
    starts at the first change: nearly every turn of a long history needs none."""
    out: list[Any] | None = None
    for i, block in enumerate(blocks):
        kind = block.get("type") if isinstance(block, dict) else None
        fixed = None
        if kind == "text" and _is_blank_text(block.get("text", "")):
            fixed = _DROPPED
        elif kind == "tool_result":
            fixed = _tool_result_fix(block)
        if fixed is not None and out is None:
            out = blocks[:i]
        if out is not None and fixed is not _DROPPED:
            out.append(block if fixed is None else fixed)
    if out is None:
        return None
    return out or [{"type": "text", "text": EMPTY_PLACEHOLDER}]


def _anthropic_message_fix(message: Any) -> JSON | None:
    if not isinstance(message, dict):
        return None
    content = message.get("content")
    if isinstance(content, list):
        blocks = _anthropic_blocks_fix(content)
        return None if blocks is None else {**message, "content": blocks}
    if _is_blank_text(content):
        return {**message, "content": EMPTY_PLACEHOLDER}
    return None


def _anthropic_system_fix(body: JSON) -> JSON:
    system = body.get("system")
    if isinstance(system, list):
        kept = _without_blank_text_parts(system)
        if kept is None:
            return body
        system = kept or ""
    if not _is_blank_text(system):
        return body if system is body.get("system") else {**body, "system": system}
    return {k: v for k, v in body.items() if k != "system"}


def drop_empty_text_anthropic(body: JSON) -> JSON:
    """Anthropic Messages: no blank text block reaches a family that rejects empty text blocks.

    Prevents ``messages: text content blocks must be non-empty`` (Claude, §3.1). Blank text blocks are
    dropped; a blank ``tool_result`` becomes ``"(no output)"``; a turn left with nothing gets ``"(empty)"``;
    blank ``system`` blocks are dropped.
    """
    repaired = _anthropic_system_fix(body)
    return map_items(repaired, "messages", _anthropic_message_fix)
