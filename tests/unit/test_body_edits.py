"""The fast path makes the rename and the repairs' top-level edits on the caller's own bytes, and only when
that is certain; otherwise the body is encoded whole."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from bench.agent_bodies import agent_body, encoded
from hypothesis import given
from hypothesis import strategies as st

from brickgate.body_edits import edited
from brickgate.catalog.model import Model
from brickgate.quirks import RepairMemory, repair_request
from brickgate.routing import renamed_body
from tests.unit.quirks.factory import CLAUDE, CODEX, GEMINI_3, GEMINI_25, GPT, GPT_OSS, LLAMA, OPUS_5

NEW = "databricks-claude-sonnet-4-5"


def edited_(raw: bytes, before: Any, after: Any) -> bytes | None:
    return edited(raw, before, after, worth=0)  # these bodies are small; the walk is what is tested


def test_a_body_too_small_to_be_worth_it_is_encoded_whole() -> None:
    before = {"model": "a", "messages": [{"role": "user", "content": "hi"}]}
    assert edited(orjson.dumps(before), before, {**before, "model": "b"}) is None
    assert edited(orjson.dumps(before), before, before) is not None  # unchanged: the bytes as they came


def renamed(raw: bytes, old: Any, new: str) -> bytes | None:
    before = orjson.loads(raw)
    return edited_(raw, before, {**before, "model": new})


def test_the_top_level_model_is_renamed_and_every_other_byte_kept() -> None:
    raw = b'{ "max_tokens" : 5,\n  "model" :  "claude-sonnet-4-5", "x": 1e2, "t": "caf\\u00e9"}'
    out = renamed(raw, "claude-sonnet-4-5", NEW)
    assert (
        out
        == b'{ "max_tokens" : 5,\n  "model" :  "databricks-claude-sonnet-4-5", "x": 1e2, "t": "caf\\u00e9"}'
    )
    assert orjson.loads(out or b"")["model"] == NEW


def test_a_body_no_edit_changed_keeps_its_bytes() -> None:
    raw = b'{"model":"databricks-claude-sonnet-4-5"}'
    before = orjson.loads(raw)
    assert edited_(raw, before, before) is raw


def test_the_same_text_inside_a_string_is_not_a_key() -> None:
    inner = orjson.dumps({"model": "claude-sonnet-4-5"}).decode()  # a file the agent read, quoted in a string
    raw = orjson.dumps({"messages": [{"role": "user", "content": inner}], "model": "claude-sonnet-4-5"})
    out = renamed(raw, "claude-sonnet-4-5", NEW)
    assert out is not None
    doc = orjson.loads(out)
    assert doc["model"] == NEW and doc["messages"][0]["content"] == inner


def test_a_nested_key_of_the_same_name_is_left_alone() -> None:
    raw = orjson.dumps({"metadata": {"model": "claude-sonnet-4-5"}, "model": "claude-sonnet-4-5"})
    assert orjson.loads(renamed(raw, "claude-sonnet-4-5", NEW) or b"") == {
        "metadata": {"model": "claude-sonnet-4-5"},
        "model": NEW,
    }


def test_a_member_between_two_big_ones_falls_back_to_encoding() -> None:
    big = [{"role": "user", "content": "x"}] * 100
    before = {"messages": big, "store": False, "tools": big}
    assert edited_(orjson.dumps(before), before, {"messages": big, "tools": big}) is None


def test_a_tool_schema_property_of_the_same_name_is_no_doubt() -> None:
    schema = {"type": "object", "properties": {"model": {"type": "string"}}}
    raw = orjson.dumps({"tools": [{"name": "Task", "input_schema": schema}], "model": "claude-sonnet-4-5"})
    out = renamed(raw, "claude-sonnet-4-5", NEW)
    assert out is not None and orjson.loads(out)["tools"][0]["input_schema"] == schema


def test_a_value_spelt_with_escapes_falls_back_to_encoding() -> None:
    raw = b'{"model":"claude\\u002dsonnet-4-5"}'
    assert renamed(raw, "claude-sonnet-4-5", NEW) is None


def test_a_value_spelt_with_spaces_falls_back_to_encoding() -> None:
    raw = b'{"model": "m", "stream_options": {"include_usage": true}}'
    before = orjson.loads(raw)
    assert edited_(raw, before, {"model": "m"}) is None


def test_opencodes_stream_options_are_removed_on_the_bytes() -> None:
    history = [{"role": "user", "content": "x" * 10_000}]
    before = {"model": "a", "messages": history, "stream": True, "stream_options": {"include_usage": True}}
    raw = orjson.dumps(before)
    after = {"model": NEW, "messages": history, "stream": True}
    out = edited_(raw, before, after)
    assert out is not None and orjson.loads(out) == after


def test_a_field_a_repair_adds_goes_first() -> None:
    before = {"model": "a", "messages": []}
    out = edited_(orjson.dumps(before), before, {**before, "max_tokens": 32000})
    assert out == b'{"max_tokens":32000,"model":"a","messages":[]}'
    assert edited_(b"{ }", {}, {"a": 1}) == b'{"a":1 }'


def test_a_rebuilt_history_is_encoded_whole() -> None:
    before = {"model": "a", "messages": [{"role": "user", "content": "x"}] * 100}
    after = {**before, "messages": [{"role": "user", "content": "y"}] * 100}
    assert edited_(orjson.dumps(before), before, after) is None


def test_neighbours_removed_at_the_end_fall_back_to_encoding() -> None:
    before = {"a": 1, "b": 2, "c": 3}
    assert edited_(orjson.dumps(before), before, {"a": 1}) is None


keys = st.sampled_from(["model", "stream", "thinking", "store", "include", "messages", "a\\", 'q"'])
scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(keys | st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)

big = st.lists(st.integers(0, 9), min_size=65, max_size=66)  # too big to walk past: a history


@given(
    before=st.dictionaries(keys, values | big, max_size=6),
    changes=st.dictionaries(keys, values | st.just(...), max_size=4),
    spaced=st.booleans(),
)
def test_an_edit_is_exact_or_declined(before: dict[str, Any], changes: dict[str, Any], spaced: bool) -> None:
    after = {k: v for k, v in {**before, **changes}.items() if v is not ...}
    raw = orjson.dumps(before, option=orjson.OPT_INDENT_2) if spaced else orjson.dumps(before)
    out = edited_(raw, before, after)
    if out is not None:
        assert orjson.loads(out) == after


AGENTS = {"claude-code": "messages", "codex": "responses", "opencode": "chat"}
MODELS = [CLAUDE, OPUS_5, GEMINI_25, GEMINI_3, LLAMA, GPT_OSS, GPT, CODEX]


# the agent on a model that declares its API: the repairs touch top-level members only
EDITED = {("claude-code", CLAUDE.id), ("claude-code", OPUS_5.id), ("codex", GPT.id), ("codex", CODEX.id)}
EDITED |= {("opencode", m.id) for m in (LLAMA, GPT_OSS, GPT, CODEX)}


@pytest.mark.parametrize("agent", sorted(AGENTS))
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.id)
def test_a_recorded_agent_body_edited_for_any_model_is_exactly_its_repair(agent: str, model: Model) -> None:
    """The fast path's invariant on real agent bodies: the repairs leave the caller's body as it was
    (edits are found by identity), and edited bytes decode to the repaired body; a repair deeper than
    the top level (Gemini's, the cache breakpoints of Claude on Chat) has the body encoded whole."""
    api = AGENTS[agent]
    raw = encoded(agent_body(agent, 80_000, model="caller-name"))
    body = orjson.loads(raw)
    repaired = repair_request(renamed_body(body, api, model.id), model, api, RepairMemory())
    assert body == orjson.loads(raw)
    out = edited(raw, body, repaired.body)
    assert (out is not None) == ((agent, model.id) in EDITED)
    if out is not None:
        assert orjson.loads(out) == orjson.loads(orjson.dumps(repaired.body))
