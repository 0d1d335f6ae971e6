"""Anthropic-style prompt caching: automatic breakpoints for Claude, none for anyone else.

Upstream facts (research/databricks-api.md §3.8): ``cache_control: {"type": "ephemeral"}`` on content blocks
and on ``tools[].function`` is accepted on Chat Completions for Claude and ignored for other models
[code: LiteLLM]. Goose marks the system message, the last 2 user messages and the last tool [code: goose
``apply_cache_control_for_claude``]. Anthropic allows at most 4 breakpoints per request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

JSON = dict[str, Any]

EPHEMERAL = {"type": "ephemeral"}
MAX_BREAKPOINTS = 4  # Anthropic's limit per request
_UNMARKABLE_BLOCKS = ("thinking", "redacted_thinking")


def _tree_has_cache_control(node: Any) -> bool:
    """Any ``cache_control`` in ``node``'s tree: a list's items, their ``content`` and ``function`` ..."""
    if isinstance(node, list):
        return _any_item_has_cache_control(node)
    return isinstance(node, dict) and _any_item_has_cache_control((node,))


def _any_item_has_cache_control(items: Iterable[Any]) -> bool:
    """``_tree_has_cache_control`` over ``items``, their blocks looked at in the same loop: this runs over
    whole histories on every request, and a call per message and per block cost more than the looking."""
    for item in items:
        if isinstance(item, dict):
            if "cache_control" in item:
                return True
            content = item.get("content")
            if isinstance(content, list):
                for block in content:
                    if isinstance(block, dict):
                        if "cache_control" in block or (
                            ("content" in block or "function" in block)
                            and _any_item_has_cache_control((block,))
                        ):
                            return True
                    elif isinstance(block, list) and _any_item_has_cache_control(block):
                        return True
            elif isinstance(content, dict) and _any_item_has_cache_control((content,)):
                return True
            function = item.get("function")  # a chat tool's (marked, or holding deeper content)
            if isinstance(function, dict) and (
                "cache_control" in function
                or (
                    ("content" in function or "function" in function)
                    and _any_item_has_cache_control((function,))
                )
            ):
                return True
        elif isinstance(item, list) and _any_item_has_cache_control(item):
            return True
    return False


def caller_set_cache_control(body: JSON) -> bool:
    """True when the caller placed any ``cache_control`` (system, tools or messages): theirs wins. Agents
    mark the system prompt and the latest turns, so those are looked at first (a long history is walked
    only when nothing is marked)."""
    if _tree_has_cache_control(body.get("system")) or _tree_has_cache_control(body.get("tools")):
        return True
    messages = body.get("messages")
    if not isinstance(messages, list):
        return _tree_has_cache_control(messages)
    return _any_item_has_cache_control(reversed(messages))


def _marked_content(content: Any) -> Any:
    """Content with a breakpoint on its last block, or None when it cannot carry one."""
    if isinstance(content, str):
        return [{"type": "text", "text": content, "cache_control": EPHEMERAL}] if content else None
    if isinstance(content, list) and content and isinstance(content[-1], dict):
        if content[-1].get("type") in _UNMARKABLE_BLOCKS:
            return None
        return [*content[:-1], {**content[-1], "cache_control": EPHEMERAL}]
    return None


def _mark_last_user_turns(messages: list[Any], budget: int) -> tuple[list[Any], int]:
    out = list(messages)
    marked = 0
    for i in range(len(out) - 1, -1, -1):
        if marked >= min(2, budget):
            break
        message = out[i]
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = _marked_content(message.get("content"))
        if content is not None:
            out[i] = {**message, "content": content}
            marked += 1
    return out, marked


def _mark_last_tool(tools: Any, chat_shape: bool) -> list[Any] | None:
    if not isinstance(tools, list) or not tools or not isinstance(tools[-1], dict):
        return None
    last = tools[-1]
    if chat_shape and isinstance(last.get("function"), dict):
        last = {**last, "function": {**last["function"], "cache_control": EPHEMERAL}}
    else:
        last = {**last, "cache_control": EPHEMERAL}
    return [*tools[:-1], last]


def _mark_chat_system(messages: list[Any]) -> list[Any] | None:
    for i in range(len(messages) - 1, -1, -1):
        message = messages[i]
        if isinstance(message, dict) and message.get("role") == "system":
            content = _marked_content(message.get("content"))
            if content is None:
                return None
            return [*messages[:i], {**message, "content": content}, *messages[i + 1 :]]
    return None


def _add_breakpoints(body: JSON, chat_shape: bool) -> JSON:
    if caller_set_cache_control(body):
        return body
    out = dict(body)
    used = 0
    messages: list[Any] = body["messages"] if isinstance(body.get("messages"), list) else []
    system = _mark_chat_system(messages) if chat_shape else None
    if system is not None:
        messages, used = system, 1
    elif not chat_shape and (marked := _marked_content(body.get("system"))) is not None:
        out["system"], used = marked, 1
    tools = _mark_last_tool(body.get("tools"), chat_shape)
    if tools is not None:
        out["tools"], used = tools, used + 1
    messages, marked_turns = _mark_last_user_turns(messages, MAX_BREAKPOINTS - used)
    if used + marked_turns == 0:
        return body
    if "messages" in body:
        out["messages"] = messages
    return out


def add_cache_breakpoints_chat(body: JSON) -> JSON:
    """Chat Completions for Claude: ``cache_control`` on the system prompt, last tool and last two user turns.

    Only when the caller set none; string content becomes a one-block array (as LiteLLM and goose send it).
    Saves cost and latency; it prevents no error. At most ``MAX_BREAKPOINTS``.
    """
    return _add_breakpoints(body, chat_shape=True)


def add_cache_breakpoints_anthropic(body: JSON) -> JSON:
    """Anthropic Messages: ``cache_control`` on ``system``, the last tool and the last two user turns.

    Only when the caller set none (Claude Code and opencode set their own). At most ``MAX_BREAKPOINTS``.
    """
    return _add_breakpoints(body, chat_shape=False)


def _without_cache_control(node: Any) -> Any:
    """``node`` with every ``cache_control`` removed from its content tree; the same object if none."""
    if isinstance(node, list):
        items = [_without_cache_control(item) for item in node]
        return items if any(a is not b for a, b in zip(items, node, strict=True)) else node
    if not isinstance(node, dict):
        return node
    fixed = {k: v for k, v in node.items() if k != "cache_control"} if "cache_control" in node else node
    for key in ("content", "function"):
        if key in fixed:
            sub = _without_cache_control(fixed[key])
            if sub is not fixed[key]:
                fixed = {**fixed, key: sub}
    return fixed


def strip_cache_control(body: JSON) -> JSON:
    """Every ``cache_control`` removed (messages, content blocks, system, tools).

    Fact: Databricks ignores ``cache_control`` for non-Claude models (§3.8), so this only keeps bodies
    clean for families without prompt caching, and spares the strict open-model decoders (§3.4) a field.
    """
    out = body
    for key in ("messages", "system", "tools"):
        if key in body and _tree_has_cache_control(body[key]):  # looking is cheaper than rebuilding
            cleaned = _without_cache_control(body[key])
            if cleaned is not body[key]:
                out = {**out, key: cleaned}
    return out
