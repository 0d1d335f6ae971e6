"""Chat Completions message-list repairs: system merging, names, one tool call per assistant turn."""

from __future__ import annotations

from typing import Any

from brickgate.quirks.copy_on_change import map_items

JSON = dict[str, Any]


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def merge_system_messages(body: JSON) -> JSON:
    """Several system messages merged into the first one, in order (texts joined by a blank line).

    Fact: Gemini takes one system instruction (families.py ``single_system_message``); Claude Code sends
    ``role: "system"`` entries in the middle of ``messages`` (research/real-clients.md §3). The emulator
    answers a second system message with a Google-shaped 400 (an assumption; the research has no string).
    """
    messages = body.get("messages")
    if not isinstance(messages, list):
        return body
    system_at = [i for i, m in enumerate(messages) if isinstance(m, dict) and m.get("role") == "system"]
    if len(system_at) < 2:
        return body
    texts = [_text_of(messages[i].get("content")) for i in system_at]
    merged = {**messages[system_at[0]], "content": "\n\n".join(t for t in texts if t)}
    out: list[Any] = []
    for i, message in enumerate(messages):
        if i == system_at[0]:
            out.append(merged)
        elif i not in system_at:
            out.append(message)
    return {**body, "messages": out}


def strip_message_names(body: JSON) -> JSON:
    """``name`` removed from every non-user message.

    Fact: "`name` on non-user messages is unsupported; it is stripped, and user `name` has been accepted
    since 2025-01" [code: LiteLLM ``strip_name_from_message``; issue: microsoft/autogen #4761] (§3.10).
    """
    return map_items(body, "messages", _without_name)


def _without_name(message: Any) -> JSON | None:
    if isinstance(message, dict) and "name" in message and message.get("role") != "user":
        return {k: v for k, v in message.items() if k != "name"}
    return None


def _tool_results_after(messages: list[Any], start: int) -> tuple[list[JSON], int]:
    """The run of ``role: "tool"`` messages starting at ``start``, and the index after it."""
    end = start
    while end < len(messages) and isinstance(messages[end], dict) and messages[end].get("role") == "tool":
        end += 1
    return list(messages[start:end]), end


def _split_turn(assistant: JSON, results: list[JSON]) -> list[JSON]:
    """One assistant message per tool call, each followed by its own result; leftovers keep their order."""
    out: list[JSON] = []
    remaining = list(results)
    for n, call in enumerate(assistant["tool_calls"]):
        turn = {**assistant, "tool_calls": [call]}
        if n > 0 and "content" in turn:
            turn["content"] = None  # the turn's text belongs to the first call only
        out.append(turn)
        call_id = call.get("id") if isinstance(call, dict) else None
        match = next((r for r in remaining if r.get("tool_call_id") == call_id), None)
        if match is not None:
            remaining.remove(match)
            out.append(match)
    return out + remaining


def split_parallel_tool_calls(body: JSON) -> JSON:
    """An assistant turn with several ``tool_calls`` becomes sequential assistant/tool pairs, order kept.

    Prevents ``{"error_code":"BAD_REQUEST","message":"Multiple tool calls are not supported.\\n"}``
    (HTTP 400, ``databricks-gpt-oss-120b`` on ``/serving-endpoints/chat/completions``)
    [issue: LiteLLM PR #31633] (§3.5a).
    """
    messages = body.get("messages")
    if not isinstance(messages, list):
        return body
    out: list[Any] = []
    changed = False
    i = 0
    while i < len(messages):
        message = messages[i]
        calls = message.get("tool_calls") if isinstance(message, dict) else None
        if not isinstance(calls, list) or len(calls) < 2 or message.get("role") != "assistant":
            out.append(message)
            i += 1
            continue
        results, i = _tool_results_after(messages, i + 1)
        out.extend(_split_turn(message, results))
        changed = True
    return {**body, "messages": out} if changed else body


def developer_as_system(body: JSON) -> JSON:
    """``developer`` messages sent as ``system`` messages (merged into one by ``merge_system_messages``).

    Fact: Gemini takes one system instruction, and a ``developer`` message is one (issue 13: Codex sends
    two developer messages, and Codex with Gemini failed with the second-system-message refusal).
    """
    return map_items(body, "messages", _developer_as_system)


def _developer_as_system(message: Any) -> JSON | None:
    if isinstance(message, dict) and message.get("role") == "developer":
        return {**message, "role": "system"}
    return None


def name_tool_results(body: JSON) -> JSON:
    """Each ``role: "tool"`` message carries ``name``: the tool of the assistant call it answers.

    Prevents Kimi K3's ``Upstream error: INVALID_ARGUMENT: Kimi K3 tool messages need a resolvable tool
    name: carry `tool`/`name`, or match a preceding assistant tool_call by order.`` (research
    databricks-2026.md §1.5, find_string id 69386333278). The call id (``functions.<name>:<idx>``) is not
    touched. Runs after ``strip_message_names``, which removes ``name`` from other roles.
    """
    messages = body.get("messages")
    if not isinstance(messages, list):
        return body
    names: dict[str, str] = {}
    for message in messages:
        if isinstance(message, dict) and message.get("role") == "assistant":
            for call in message.get("tool_calls") or ():
                function = call.get("function") if isinstance(call, dict) else None
                if isinstance(function, dict) and isinstance(function.get("name"), str):
                    names[str(call.get("id"))] = function["name"]

    def named(message: Any) -> JSON | None:
        if not isinstance(message, dict) or message.get("role") != "tool" or message.get("name"):
            return None
        name = names.get(str(message.get("tool_call_id")))
        return {**message, "name": name} if name else None

    return map_items(body, "messages", named)
