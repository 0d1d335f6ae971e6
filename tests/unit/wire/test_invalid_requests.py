"""A body a decoder cannot read is one InvalidRequest that says where and what, in JSON's words."""

from __future__ import annotations

import re
from typing import Any

import pytest

from brickgate.errors import InvalidRequest
from brickgate.wire.contract import Api
from brickgate.wire.registry import WIRES

PYTHON_WORDS = re.compile(r"\b(NoneType|None|True|False|dict|list|int|float|str|bool|tuple)\b")
ODD_VALUES: list[Any] = [None, 5, 2.5, True, "x", [], {}, [1], {"a": 1}]
USER = {"role": "user", "content": "hi"}
GEMINI_USER = {"role": "user", "parts": [{"text": "hi"}]}


def malformed_bodies(api: Api) -> list[dict[str, Any]]:
    """Bodies that put each odd value where a decoder looks: the top level, a message, a part, a tool."""
    bodies: list[dict[str, Any]] = []
    for odd in ODD_VALUES:
        if api == "gemini":
            bodies += [
                {"model": odd, "contents": [GEMINI_USER]},
                {"model": "m", "contents": odd},
                {"model": "m", "contents": [odd]},
                {"model": "m", "contents": [{"role": odd, "parts": [{"text": "hi"}]}]},
                {"model": "m", "contents": [{"role": "user", "parts": odd}]},
                {"model": "m", "contents": [{"role": "user", "parts": [odd]}]},
                {"model": "m", "contents": [{"role": "user", "parts": [{"text": odd}]}]},
                {"model": "m", "contents": [{"role": "model", "parts": [{"functionCall": odd}]}]},
                {"model": "m", "contents": [{"role": "user", "parts": [{"functionResponse": odd}]}]},
                {"model": "m", "contents": [GEMINI_USER], "systemInstruction": odd},
                {"model": "m", "contents": [GEMINI_USER], "tools": odd},
                {"model": "m", "contents": [GEMINI_USER], "tools": [{"functionDeclarations": odd}]},
                {
                    "model": "m",
                    "contents": [GEMINI_USER],
                    "tools": [{"functionDeclarations": [{"name": odd}]}],
                },
                {"model": "m", "contents": [GEMINI_USER], "generationConfig": odd},
                {"model": "m", "contents": [GEMINI_USER], "generationConfig": {"thinkingConfig": odd}},
            ]
        elif api == "responses":
            bodies += [
                {"model": odd, "input": "hi"},
                {"model": "m", "input": odd},
                {"model": "m", "input": [{"role": odd, "content": "hi"}]},
                {"model": "m", "input": [{"role": "user", "content": odd}]},
                {"model": "m", "input": [{"role": "user", "content": [{"type": odd}]}]},
                {"model": "m", "input": [{"type": "message", "role": "assistant", "content": odd}]},
                {"model": "m", "input": [{"type": "reasoning", "summary": odd}]},
                {"model": "m", "input": "hi", "tools": odd},
                {"model": "m", "input": "hi", "tools": [{"type": "function", "name": odd}]},
            ]
        else:
            bodies += [
                {"model": odd, "messages": [USER]},
                {"model": "m", "messages": odd},
                {"model": "m", "messages": [{"role": odd, "content": "hi"}]},
                {"model": "m", "messages": [{"role": "user", "content": odd}]},
                {"model": "m", "messages": [{"role": "user", "content": [{"type": odd}]}]},
                {"model": "m", "messages": [{"role": "assistant", "content": "", "tool_calls": odd}]},
                {
                    "model": "m",
                    "messages": [{"role": "assistant", "content": [{"type": "reasoning", "summary": odd}]}],
                },
                {"model": "m", "messages": [USER], "tools": odd},
                {"model": "m", "messages": [USER], "tools": [{"name": odd, "input_schema": {}}]},
                {"model": "m", "messages": [USER], "tools": [{"type": "function", "function": odd}]},
            ]
    return bodies


@pytest.mark.parametrize("api", sorted(WIRES))
def test_malformed_bodies_are_invalid_requests_described_without_python_words(api: Api) -> None:
    for body in malformed_bodies(api):
        try:
            WIRES[api].decode_request(body)
        except InvalidRequest as err:
            assert not PYTHON_WORDS.search(err.message), (body, err.message)
        # anything else escaping is a decoder bug, and fails the test


def test_a_missing_array_is_called_missing() -> None:
    with pytest.raises(InvalidRequest, match="`messages` is missing: it must be an array of messages"):
        WIRES["chat"].decode_request({"model": "m", "messages": None})
