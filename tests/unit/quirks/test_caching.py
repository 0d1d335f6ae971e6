from __future__ import annotations

import pytest

from brickgate.quirks.caching import (
    EPHEMERAL,
    add_cache_breakpoints_anthropic,
    add_cache_breakpoints_chat,
    strip_cache_control,
)


def count_breakpoints(node: object) -> int:
    if isinstance(node, dict):
        return ("cache_control" in node) + sum(count_breakpoints(v) for v in node.values())
    if isinstance(node, list):
        return sum(count_breakpoints(v) for v in node)
    return 0


def anthropic_body() -> dict:
    return {
        "system": "be brief",
        "tools": [
            {"name": "a", "input_schema": {"type": "object"}},
            {"name": "b", "input_schema": {"type": "object"}},
        ],
        "messages": [
            {"role": "user", "content": "one"},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": [{"type": "text", "text": "two"}]},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": "three"},
        ],
    }


def test_anthropic_system_becomes_a_marked_block() -> None:
    fixed = add_cache_breakpoints_anthropic(anthropic_body())
    assert fixed["system"] == [{"type": "text", "text": "be brief", "cache_control": EPHEMERAL}]


def test_anthropic_last_tool_is_marked() -> None:
    tools = add_cache_breakpoints_anthropic(anthropic_body())["tools"]
    assert ["cache_control" in t for t in tools] == [False, True]


def test_anthropic_last_two_user_turns_are_marked() -> None:
    messages = add_cache_breakpoints_anthropic(anthropic_body())["messages"]
    assert messages[4]["content"] == [{"type": "text", "text": "three", "cache_control": EPHEMERAL}]
    assert messages[2]["content"][-1]["cache_control"] == EPHEMERAL
    assert messages[0]["content"] == "one"


def test_at_most_four_breakpoints_are_added() -> None:
    assert count_breakpoints(add_cache_breakpoints_anthropic(anthropic_body())) == 4


def test_caller_breakpoints_are_left_as_they_are() -> None:
    body = anthropic_body()
    body["messages"][0] = {
        "role": "user",
        "content": [{"type": "text", "text": "x", "cache_control": EPHEMERAL}],
    }
    assert add_cache_breakpoints_anthropic(body) is body


def test_thinking_block_is_never_marked() -> None:
    body = {
        "messages": [{"role": "user", "content": [{"type": "thinking", "thinking": "t", "signature": "s"}]}]
    }
    assert add_cache_breakpoints_anthropic(body) is body


def test_chat_system_and_user_turns_become_marked_block_arrays() -> None:
    body = {
        "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"}],
        "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
    }
    fixed = add_cache_breakpoints_chat(body)
    assert fixed["messages"] == [
        {"role": "system", "content": [{"type": "text", "text": "sys", "cache_control": EPHEMERAL}]},
        {"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": EPHEMERAL}]},
    ]
    assert fixed["tools"][0]["function"]["cache_control"] == EPHEMERAL


def test_adding_breakpoints_does_not_mutate_input() -> None:
    body = anthropic_body()
    add_cache_breakpoints_anthropic(body)
    assert count_breakpoints(body) == 0


def test_cache_control_is_stripped_everywhere() -> None:
    marked = {"type": "text", "text": "x", "cache_control": EPHEMERAL}
    result = {"type": "tool_result", "tool_use_id": "t", "content": [marked]}
    body = {
        "system": [marked],
        "messages": [
            {"role": "user", "cache_control": EPHEMERAL, "content": [marked]},
            {"role": "user", "content": [result]},
        ],
        "tools": [
            {
                "type": "function",
                "function": {"name": "f", "cache_control": EPHEMERAL},
                "cache_control": EPHEMERAL,
            }
        ],
    }
    assert count_breakpoints(strip_cache_control(body)) == 0


def test_body_without_cache_control_is_unchanged_by_strip() -> None:
    body = {"messages": [{"role": "user", "content": [{"type": "text", "text": "x"}]}]}
    assert strip_cache_control(body) is body


MARKED = {"type": "text", "text": "x", "cache_control": EPHEMERAL}
# each place a caller can put a breakpoint, alone in an otherwise unmarked body
ONE_BREAKPOINT = {
    "on a message": {"messages": [{"role": "user", "content": "x", "cache_control": EPHEMERAL}]},
    "on a block": {"messages": [{"role": "user", "content": [MARKED]}]},
    "in a tool result's blocks": {
        "messages": [
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": [MARKED]}]},
            {"role": "assistant", "content": "ok"},
        ]
    },
    "on a system block": {"system": [MARKED], "messages": []},
    "on a tool": {"tools": [{"name": "f", "cache_control": EPHEMERAL}], "messages": []},
    "on a chat tool's function": {
        "tools": [{"type": "function", "function": {"name": "f", "cache_control": EPHEMERAL}}],
        "messages": [],
    },
}


@pytest.mark.parametrize("where", sorted(ONE_BREAKPOINT))
def test_one_caller_breakpoint_anywhere_keeps_the_body(where: str) -> None:
    body = ONE_BREAKPOINT[where]
    assert add_cache_breakpoints_anthropic(body) is body
    assert add_cache_breakpoints_chat(body) is body


@pytest.mark.parametrize("where", sorted(ONE_BREAKPOINT))
def test_one_breakpoint_anywhere_is_stripped(where: str) -> None:
    assert count_breakpoints(strip_cache_control(ONE_BREAKPOINT[where])) == 0
