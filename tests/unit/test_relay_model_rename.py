"""The fast path renames the model on the caller's own bytes, and only when that is certain."""

from __future__ import annotations

import orjson

from brickgate.relay import renamed_model

NEW = "databricks-claude-sonnet-4-5"


def test_the_top_level_model_is_renamed_and_every_other_byte_kept() -> None:
    raw = b'{ "max_tokens" : 5,\n  "model" :  "claude-sonnet-4-5", "x": 1e2, "t": "caf\\u00e9"}'
    out = renamed_model(raw, "claude-sonnet-4-5", NEW)
    assert (
        out == b'{ "max_tokens" : 5,\n  "model":"databricks-claude-sonnet-4-5", "x": 1e2, "t": "caf\\u00e9"}'
    )
    assert orjson.loads(out or b"")["model"] == NEW


def test_a_model_already_named_as_the_endpoint_keeps_the_bytes() -> None:
    raw = b'{"model":"databricks-claude-sonnet-4-5"}'
    assert renamed_model(raw, NEW, NEW) is raw


def test_the_same_text_inside_a_string_is_not_a_key() -> None:
    inner = orjson.dumps({"model": "claude-sonnet-4-5"}).decode()  # a file the agent read, quoted in a string
    raw = orjson.dumps({"messages": [{"role": "user", "content": inner}], "model": "claude-sonnet-4-5"})
    out = renamed_model(raw, "claude-sonnet-4-5", NEW)
    assert out is not None
    doc = orjson.loads(out)
    assert doc["model"] == NEW and doc["messages"][0]["content"] == inner


def test_a_nested_model_key_with_the_same_value_falls_back_to_encoding() -> None:
    raw = orjson.dumps({"metadata": {"model": "claude-sonnet-4-5"}, "model": "claude-sonnet-4-5"})
    assert renamed_model(raw, "claude-sonnet-4-5", NEW) is None


def test_a_model_spelt_with_escapes_falls_back_to_encoding() -> None:
    raw = b'{"model":"claude\\u002dsonnet-4-5"}'
    assert renamed_model(raw, "claude-sonnet-4-5", NEW) is None


def test_a_model_that_is_not_a_string_falls_back_to_encoding() -> None:
    assert renamed_model(b'{"model":5}', 5, NEW) is None
