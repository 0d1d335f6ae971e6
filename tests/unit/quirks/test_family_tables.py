"""The per-model tables for sampling refusals, Kimi tool names, Gemini schemas and Claude server tools."""

from __future__ import annotations

from typing import Any

import pytest

from brickgate.quirks.messages import developer_as_system, name_tool_results
from brickgate.quirks.sampling import DROP_REFUSED_SAMPLING, refused_fields
from brickgate.quirks.schema_unions import flatten_unions
from brickgate.quirks.server_tools import drop_unserved_server_tools
from tests.unit.quirks.factory import model_named


@pytest.mark.parametrize(
    ("endpoint", "api", "refused"),
    [
        ("databricks-claude-opus-4-7", "messages", ("temperature", "top_p", "top_k")),
        ("databricks-claude-haiku-5-5", "chat", ("temperature", "top_p", "top_k", "frequency_penalty",
                                                  "presence_penalty")),
        ("databricks-claude-sonnet-4-5", "chat", ("frequency_penalty", "presence_penalty")),
        ("databricks-claude-sonnet-4-5", "messages", ()),
        ("databricks-gpt-5-2", "chat", ("temperature", "top_p", "frequency_penalty", "presence_penalty",
                                        "stop")),
        ("databricks-gpt-5-2", "responses", ("temperature", "top_p")),
        ("databricks-gemini-3-8-flash", "chat", ("temperature", "top_p", "top_k")),
        ("databricks-gemini-3-5-flash", "chat", ()),
        ("databricks-kimi-k3", "chat", ("temperature", "top_p", "n", "frequency_penalty",
                                        "presence_penalty")),
        ("databricks-grok-4-6", "chat", ("frequency_penalty", "presence_penalty", "stop", "logprobs",
                                         "top_logprobs")),
        ("databricks-gpt-oss-120b", "chat", ()),
    ],
)  # fmt: skip
def test_refused_sampling_fields_per_model_and_api(endpoint: str, api: Any, refused: tuple[str, ...]) -> None:
    assert refused_fields(model_named(endpoint), api) == refused


def test_stop_is_dropped_under_its_messages_name() -> None:
    body = {"model": "m", "stop_sequences": ["x"], "temperature": 1, "max_tokens": 5}
    out = DROP_REFUSED_SAMPLING["messages"](body, model_named("databricks-claude-sonnet-5"))
    assert out == {"model": "m", "stop_sequences": ["x"], "max_tokens": 5}


CALLS = [
    {"id": "functions.bash:0", "type": "function", "function": {"name": "bash", "arguments": "{}"}},
    {"id": "functions.read:1", "type": "function", "function": {"name": "read", "arguments": "{}"}},
]


def test_tool_results_get_the_name_of_the_call_they_answer() -> None:
    body = {
        "messages": [
            {"role": "assistant", "content": None, "tool_calls": CALLS},
            {"role": "tool", "tool_call_id": "functions.read:1", "content": "r"},
            {"role": "tool", "tool_call_id": "functions.bash:0", "content": "b"},
            {"role": "tool", "tool_call_id": "unknown", "content": "?"},
        ]
    }
    out = name_tool_results(body)["messages"]
    assert [m.get("name") for m in out[1:]] == ["read", "bash", None]
    assert [m["tool_call_id"] for m in out[1:3]] == ["functions.read:1", "functions.bash:0"]


def test_developer_messages_become_system_messages() -> None:
    body = {"messages": [{"role": "developer", "content": "a"}, {"role": "user", "content": "b"}]}
    assert developer_as_system(body)["messages"][0] == {"role": "system", "content": "a"}
    plain = {"messages": [{"role": "user", "content": "b"}]}
    assert developer_as_system(plain) is plain


def test_unions_keep_their_first_member_and_say_so() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "path"},
            "b": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
            "c": {"type": ["number", "null"]},
            "d": {
                "type": "array",
                "items": {"anyOf": [{"type": "object", "properties": {}}, {"type": "null"}]},
            },
            "e": {"type": "array"},
            "f": {"type": "array", "items": {"properties": {"x": {"type": "string"}}}},
        },
    }
    props = flatten_unions(schema)["properties"]
    assert props["a"] == {"type": "string", "description": "path", "nullable": True}
    assert props["b"] == {"type": "integer", "description": "(also accepts: string)"}
    assert props["c"] == {"type": "number", "nullable": True}
    assert props["d"]["items"] == {"type": "object", "properties": {}, "nullable": True}
    assert props["e"]["items"] == {"type": "string"}
    assert props["f"]["items"]["type"] == "object"


def test_a_schema_without_unions_is_returned_unchanged() -> None:
    schema = {"type": "object", "properties": {"q": {"type": "array", "items": {"type": "string"}}}}
    assert flatten_unions(schema) is schema


def test_server_tools_go_and_a_tool_choice_naming_one_goes_with_them() -> None:
    body = {
        "model": "m",
        "container": "c1",
        "tools": [{"type": "web_fetch_20250910", "name": "web_fetch"}, {"name": "bash", "input_schema": {}}],
        "tool_choice": {"type": "tool", "name": "web_fetch"},
    }
    out = drop_unserved_server_tools(body)
    assert out == {"model": "m", "tools": [{"name": "bash", "input_schema": {}}]}


def test_only_server_tools_leaves_no_tools_at_all() -> None:
    body = {"model": "m", "tools": [{"type": "web_search_20250305", "name": "web_search"}]}
    assert drop_unserved_server_tools(body) == {"model": "m"}
    plain = {"model": "m", "tools": [{"name": "bash", "input_schema": {}}]}
    assert drop_unserved_server_tools(plain) is plain
