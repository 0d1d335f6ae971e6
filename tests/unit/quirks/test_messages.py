from __future__ import annotations

from brickgate.quirks.messages import merge_system_messages, split_parallel_tool_calls, strip_message_names


def call(n: int) -> dict:
    return {"id": f"call_{n}", "type": "function", "function": {"name": "f", "arguments": "{}"}}


def result(n: int) -> dict:
    return {"role": "tool", "tool_call_id": f"call_{n}", "content": f"out {n}"}


def test_several_system_messages_merge_into_the_first_in_order() -> None:
    body = {
        "messages": [
            {"role": "system", "content": "one"},
            {"role": "user", "content": "hi"},
            {"role": "system", "content": [{"type": "text", "text": "two"}]},
        ]
    }
    assert merge_system_messages(body)["messages"] == [
        {"role": "system", "content": "one\n\ntwo"},
        {"role": "user", "content": "hi"},
    ]


def test_single_system_message_is_unchanged() -> None:
    body = {"messages": [{"role": "system", "content": "one"}, {"role": "user", "content": "hi"}]}
    assert merge_system_messages(body) is body


def test_name_is_stripped_from_assistant_and_tool_messages() -> None:
    body = {"messages": [{"role": "assistant", "content": "x", "name": "bot"}, {**result(1), "name": "f"}]}
    assert [m.get("name") for m in strip_message_names(body)["messages"]] == [None, None]


def test_name_is_kept_on_user_messages() -> None:
    body = {"messages": [{"role": "user", "content": "x", "name": "ana"}]}
    assert strip_message_names(body) is body


def test_parallel_tool_calls_become_sequential_pairs() -> None:
    body = {
        "messages": [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": "doing", "tool_calls": [call(1), call(2)]},
            result(2),
            result(1),
            {"role": "user", "content": "next"},
        ]
    }
    assert split_parallel_tool_calls(body)["messages"] == [
        {"role": "user", "content": "go"},
        {"role": "assistant", "content": "doing", "tool_calls": [call(1)]},
        result(1),
        {"role": "assistant", "content": None, "tool_calls": [call(2)]},
        result(2),
        {"role": "user", "content": "next"},
    ]


def test_pending_parallel_calls_without_results_are_still_split() -> None:
    body = {"messages": [{"role": "assistant", "tool_calls": [call(1), call(2)]}]}
    assert split_parallel_tool_calls(body)["messages"] == [
        {"role": "assistant", "tool_calls": [call(1)]},
        {"role": "assistant", "tool_calls": [call(2)]},
    ]


def test_unmatched_tool_results_keep_their_place_after_the_turn() -> None:
    body = {"messages": [{"role": "assistant", "tool_calls": [call(1), call(2)]}, result(1), result(9)]}
    out = split_parallel_tool_calls(body)["messages"]
    assert out[-1] == result(9)


def test_single_tool_call_turns_are_unchanged() -> None:
    body = {"messages": [{"role": "assistant", "tool_calls": [call(1)]}, result(1)]}
    assert split_parallel_tool_calls(body) is body
