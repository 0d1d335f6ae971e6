"""About 1,250 malformed or hostile requests against a live gateway (hypothesis, derandomized): wrong types,
huge strings, deep nesting, bad UTF-8, bodies over the limit. Each is answered below 500 in the caller's
own error shape, and the gateway keeps serving."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brickgate.emulator import RunningEmulator
from brickgate.gateway.server import RunningGateway
from tests.gateway_harness import DIALECTS, FAMILY_MODELS, Answer, call, running_gateway

LIMIT = 64 * 1024
_FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture,  # the autouse private home; nothing in it changes per example
    ],
)


def fuzz(examples: int) -> settings:
    """Fixed examples (derandomized, no database) so CI sees the same ~1,000 requests every run."""
    return settings(_FUZZ, max_examples=examples)


PATHS = {api: DIALECTS[api].path for api in DIALECTS} | {"count_tokens": "/v1/messages/count_tokens"}
# Field names each API reads, so fuzzed values land where decoders and repairs look.
FIELDS = [
    "model", "messages", "input", "stream", "tools", "tool_choice", "system", "max_tokens",
    "max_output_tokens", "stream_options", "temperature", "reasoning", "thinking", "instructions",
    "include", "metadata", "stop", "response_format", "text", "parallel_tool_calls",
]  # fmt: skip
MODELS = [*FAMILY_MODELS.values(), "claude-sonnet-4-5", "gpt-5.2", "no-such-model"]


@pytest.fixture(scope="module")
def gateway(emulator_server: RunningEmulator) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token, max_body_bytes=LIMIT) as gw:
        yield gw


def post(gw: RunningGateway, path: str, data: bytes) -> Answer:
    parts = urlsplit(gw.url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        conn.request("POST", path, body=data, headers={"content-type": "application/json"})
        resp = conn.getresponse()
        return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def assert_answered_without_server_error(answer: Answer, api: str) -> None:
    assert answer.status < 500, answer.body[:500]
    if answer.status >= 400:
        doc = answer.json()
        error = doc["error"]
        assert isinstance(error["message"], str) and error["message"]
        if api in ("messages", "count_tokens"):
            assert doc["type"] == "error"


def assert_still_serving(gw: RunningGateway) -> None:
    body = DIALECTS["chat"].request(FAMILY_MODELS["llama"], "still there?", stream=False)
    assert call(gw.url, "POST", "/v1/chat/completions", body).status == 200


json_leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
message_like = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "system", "tool", "developer", "x"]) | json_values},
    optional={
        "content": json_values | st.lists(st.dictionaries(st.sampled_from(["type", "text"]), json_values)),
        "tool_calls": json_values,
        "tool_call_id": json_values,
    },
)
# Values that break code expecting another JSON type (iterating a number, indexing a string ...).
odd_values = st.sampled_from([None, 0, 2.5, True, "x", [], {}, [1], {"a": 1}, [{"type": "text"}]])
# Each API's content parts and items, with the fields its decoder reads.
PART_FIELDS = {
    "text": ["text", "thoughtSignature", "cache_control"],
    "refusal": ["refusal"],
    "image_url": ["image_url"],
    "reasoning": ["summary", "encrypted_content", "id"],
    "image": ["source"],
    "tool_use": ["id", "name", "input"],
    "tool_result": ["tool_use_id", "content", "is_error"],
    "thinking": ["thinking", "signature"],
    "redacted_thinking": ["data"],
    "input_text": ["text"],
    "output_text": ["text"],
    "input_image": ["image_url", "detail"],
    "function_call": ["call_id", "name", "arguments", "id"],
    "function_call_output": ["call_id", "output"],
    "message": ["role", "content", "id"],
}
API_PARTS = {
    "chat": ["text", "refusal", "image_url", "reasoning"],
    "messages": ["text", "image", "tool_use", "tool_result", "thinking", "redacted_thinking"],
    "responses": [
        "input_text", "output_text", "refusal", "input_image", "reasoning", "function_call",
        "function_call_output", "message",
    ],
}  # fmt: skip


def part_of(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    fields = {name: odd_values | json_values for name in PART_FIELDS[kind]}
    return st.fixed_dictionaries({"type": st.just(kind), **fields})


def parts_for(api: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(st.one_of(*(part_of(kind) for kind in API_PARTS[api])), min_size=1, max_size=3)


part_like = st.one_of(*(part_of(kind) for kind in PART_FIELDS))
field_values = (
    json_values
    | st.lists(message_like, max_size=3)
    | st.lists(part_like, min_size=1, max_size=3)
    | st.sampled_from(MODELS)
)


@fuzz(250)
@given(
    api=st.sampled_from(sorted(PATHS)),
    edits=st.dictionaries(st.sampled_from(FIELDS), field_values, min_size=1, max_size=4),
    drops=st.lists(st.sampled_from(FIELDS), max_size=2),
    model=st.sampled_from(MODELS),
    stream=st.booleans(),
)
def test_fields_of_the_wrong_type_or_shape_are_refused_not_crashed_on(
    gateway: RunningGateway, api: str, edits: dict[str, Any], drops: list[str], model: str, stream: bool
) -> None:
    dialect = DIALECTS["messages" if api == "count_tokens" else api]
    body = dialect.request(model, "hi", stream=stream, tools=True)
    body.update(edits)
    for name in drops:
        body.pop(name, None)
    answer = post(gateway, PATHS[api], json.dumps(body).encode())
    assert_answered_without_server_error(answer, api)


# Models whose API differs from the caller's, so the body is decoded and translated, not relayed.
TRANSLATED = {
    "chat": [FAMILY_MODELS["claude"], FAMILY_MODELS["gpt"]],
    "messages": [FAMILY_MODELS["llama"], FAMILY_MODELS["gpt"]],
    "responses": [FAMILY_MODELS["claude"], FAMILY_MODELS["gemini"]],
}


@fuzz(300)
@given(
    api=st.sampled_from(sorted(DIALECTS)),
    choice=st.integers(min_value=0, max_value=1),
    role=st.sampled_from(["user", "assistant", "system", "developer", "tool"]),
    where=st.sampled_from(["content", "tool_calls", "items"]),
    stream=st.booleans(),
    data=st.data(),
)
def test_hostile_content_parts_are_refused_not_crashed_on(
    gateway: RunningGateway, api: str, choice: int, role: str, where: str, stream: bool, data: st.DataObject
) -> None:
    parts = data.draw(parts_for(api))
    body = DIALECTS[api].request(TRANSLATED[api][choice], "hi", stream=stream, tools=True)
    valid = {"role": "user", "content": "hi"}
    if where == "items" and api == "responses":
        items: list[Any] = [valid, *parts]  # Responses input items are parts of their own
    elif where == "tool_calls":
        items = [valid, {"role": "assistant", "content": "", "tool_calls": parts}]
    else:
        items = [valid, {"role": role, "content": parts, "tool_call_id": "call_1"}]
    body["input" if api == "responses" else "messages"] = items
    answer = post(gateway, PATHS[api], json.dumps(body).encode())
    assert_answered_without_server_error(answer, api)


@fuzz(250)
@given(api=st.sampled_from(sorted(PATHS)), document=json_values)
def test_any_json_document_is_answered_below_500(gateway: RunningGateway, api: str, document: Any) -> None:
    answer = post(gateway, PATHS[api], json.dumps(document).encode())
    assert_answered_without_server_error(answer, api)


@fuzz(150)
@given(
    api=st.sampled_from(sorted(PATHS)),
    depth=st.integers(min_value=1, max_value=3000),
    where=st.sampled_from(["top", "content", "tools", "system", "input"]),
    opener=st.sampled_from(["[", '{"a":']),
)
def test_deep_nesting_is_refused_not_a_recursion_crash(
    gateway: RunningGateway, api: str, depth: int, where: str, opener: str
) -> None:
    closer = "]" if opener == "[" else "}"
    nested = opener * depth + "1" + closer * depth
    model = FAMILY_MODELS["claude"]
    if where == "top":
        text = nested
    elif where == "content":
        text = f'{{"model":"{model}","max_tokens":5,"messages":[{{"role":"user","content":{nested}}}]}}'
    else:
        head = f'{{"model":"{model}","max_tokens":5,"messages":[{{"role":"user","content":"hi"}}]'
        text = f'{head},"{where}":{nested}}}'
    answer = post(gateway, PATHS[api], text.encode())
    assert_answered_without_server_error(answer, api)


@fuzz(150)
@given(
    api=st.sampled_from(sorted(PATHS)),
    junk=st.binary(min_size=1, max_size=64),
    inside_a_string=st.booleans(),
)
def test_bytes_that_are_not_utf8_json_are_400(
    gateway: RunningGateway, api: str, junk: bytes, inside_a_string: bool
) -> None:
    bad = b"\xff\xfe" + junk + b"\xc3"  # never valid UTF-8 (0xff cannot start a sequence)
    data = b'{"model": "' + bad + b'", "messages": []}' if inside_a_string else bad
    answer = post(gateway, PATHS[api], data)
    assert answer.status == 400
    assert_answered_without_server_error(answer, api)


@fuzz(100)
@given(
    api=st.sampled_from(sorted(DIALECTS)),
    size=st.integers(min_value=1, max_value=LIMIT - 512),
    char=st.sampled_from(["x", "é", "\u2603", "\\n", "\U0001f600"]),
)
def test_huge_strings_under_the_limit_are_answered(
    gateway: RunningGateway, api: str, size: int, char: str
) -> None:
    text = char * max(1, size // len(char.encode()) // 2)
    body = DIALECTS[api].request(FAMILY_MODELS["llama"], text, stream=False)
    body["metadata"] = {"note": text[:100]}
    answer = post(gateway, PATHS[api], json.dumps(body).encode())
    assert_answered_without_server_error(answer, api)


@fuzz(100)
@given(
    api=st.sampled_from(sorted(PATHS)),
    over=st.integers(min_value=1, max_value=LIMIT * 4),
    valid_json=st.booleans(),
)
def test_bodies_over_the_limit_are_413(
    gateway: RunningGateway, api: str, over: int, valid_json: bool
) -> None:
    filler = "a" * (LIMIT + over)
    data = (
        json.dumps({"model": FAMILY_MODELS["llama"], "pad": filler}).encode()
        if valid_json
        else filler.encode()
    )
    answer = post(gateway, PATHS[api], data)
    assert answer.status == 413
    assert_answered_without_server_error(answer, api)


@pytest.mark.parametrize(
    ("api", "field", "value", "says"),
    [
        ("messages", "metadata", "x", "`metadata` must be an object, not a string"),
        ("chat", "max_tokens", True, "`max_tokens` must be an integer, not a boolean"),
        ("responses", "input", [1], "`input[0]` must be an object, not a number"),
        ("chat", "tools", {"a": [[[[]]]]}, "`tools` must be an array, not an object"),
    ],
)
def test_a_field_of_the_wrong_type_is_400_naming_it(
    gateway: RunningGateway, api: str, field: str, value: Any, says: str
) -> None:
    body = DIALECTS[api].request(FAMILY_MODELS["llama"], "hi", stream=False)
    answer = post(gateway, PATHS[api], json.dumps({**body, field: value}).encode())
    assert answer.status == 400
    assert says in answer.body.decode()


def test_a_body_too_deep_to_re_encode_is_400_saying_so(gateway: RunningGateway) -> None:
    body = DIALECTS["messages"].request(FAMILY_MODELS["llama"], "hi", stream=False)  # translated to Chat
    deep = '{"type":"array","items":' * 300 + "{}" + "}" * 300
    tools = f'[{{"name":"t","input_schema":{{"type":"object","properties":{{"a":{deep}}}}}}}]'
    answer = post(gateway, PATHS["messages"], (json.dumps(body)[:-1] + f', "tools": {tools}}}').encode())
    assert answer.status == 400
    assert "nested too deeply" in answer.json()["error"]["message"]


def test_a_deep_but_encodable_body_is_answered(gateway: RunningGateway) -> None:
    body = DIALECTS["chat"].request(FAMILY_MODELS["llama"], "hi", stream=False)
    deep = "[" * 150 + "]" * 150
    answer = post(
        gateway, PATHS["chat"], (json.dumps(body)[:-1] + f', "metadata": {{"a": {deep}}}}}').encode()
    )
    assert answer.status == 200


def test_gateway_still_serves_after_the_fuzzing(gateway: RunningGateway) -> None:
    assert_still_serving(gateway)
