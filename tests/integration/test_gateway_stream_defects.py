"""Stream defects that are repaired the same way for every family, in pairs: the emulator shows the upstream
defect, and the gateway's answer (read by the real openai/anthropic SDKs where their parsing matters) is
right on every path, same-API relay and translated.

- Inkling ends its stream without a ``finish_reason`` (research databricks-2026.md §1.5).
- Gemini puts an all-null ``usage`` on every chat chunk, Claude a partial one (api §2.6); Continue CLI drops
  such a turn (agents-2026.md §7), so chunks carry no usage until the final one.
- Claude Messages streams carry ``amazon-bedrock-invocationMetrics`` (2026 §1.5 [LLc]).
- An answer cut at the output limit stops with each API's own reason (``length``, ``max_tokens``,
  ``incomplete`` + ``incomplete_details``), whatever API the model was called with.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.server import RunningGateway
from tests.gateway_harness import BASH_TOOL, call, running_gateway
from tests.unit.quirks.upstream_http import ANTHROPIC_PATH, CHAT_PATH, post

anthropic = pytest.importorskip("anthropic")
openai = pytest.importorskip("openai")

INKLING = "databricks-inkling"
GEMINI = "databricks-gemini-2-5-flash"
CURRENT_CLAUDE = "databricks-claude-sonnet-4-6"  # its Messages streams carry the Bedrock metrics
CHAT_TOOL = {"type": "function", "function": BASH_TOOL}
RUN = "run the marker command"


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


@pytest.fixture(autouse=True)
def inkling_in_service(emulator: EmulatorControl) -> None:
    emulator.set_today("2026-09-01")  # Inkling retires on 2026-10-30 (§1.6)


def openai_client(base_url: str, api_key: str = "any") -> Any:
    return openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0)


def final_chat_completion(client: Any, **request: Any) -> Any:
    with client.chat.completions.stream(**request) as events:
        for _ in events:
            pass
        return events.get_final_completion()


def chat_chunks(answer: Any) -> list[dict[str, Any]]:
    return [json.loads(e.data) for e in answer.events() if e.data != "[DONE]"]


# -- a finish_reason on every stream -------------------------------------------------------------------


def test_inkling_streams_end_without_a_finish_reason(emulator: EmulatorControl) -> None:
    body = {"model": INKLING, "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    chunks = post(emulator, CHAT_PATH, body).sse_payloads()
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks)
    direct = openai_client(emulator.url + "/serving-endpoints", emulator.token)
    completion = final_chat_completion(direct, model=INKLING, messages=body["messages"])
    assert completion.choices[0].finish_reason is None  # what Pi and SDK users get straight from Databricks


@pytest.mark.parametrize(
    ("prompt", "tools", "reason"),
    [("hi", None, "stop"), (RUN, [CHAT_TOOL], "tool_calls")],
    ids=["text", "tool call"],
)
def test_openai_sdk_gets_a_finish_reason_from_inkling_through_the_gateway(
    gateway: RunningGateway, prompt: str, tools: Any, reason: str
) -> None:
    request: dict[str, Any] = {"model": INKLING, "messages": [{"role": "user", "content": prompt}]}
    if tools:
        request["tools"] = tools
    completion = final_chat_completion(openai_client(gateway.url + "/v1"), **request)
    assert completion.choices[0].finish_reason == reason


@pytest.mark.parametrize(("prompt", "reason"), [("hi", "end_turn"), (RUN, "tool_use")])
def test_claude_code_gets_a_stop_reason_from_inkling(
    gateway: RunningGateway, prompt: str, reason: str
) -> None:
    client = anthropic.Anthropic(base_url=gateway.url, api_key="any", max_retries=0)
    tool = {"name": "bash", "description": "Run", "input_schema": BASH_TOOL["parameters"]}
    with client.messages.stream(
        model=INKLING, max_tokens=1024, tools=[tool], messages=[{"role": "user", "content": prompt}]
    ) as events:
        assert events.get_final_message().stop_reason == reason


def test_codex_gets_a_completed_response_from_inkling(gateway: RunningGateway) -> None:
    with openai_client(gateway.url + "/v1").responses.stream(model=INKLING, input="hi") as events:
        assert events.get_final_response().status == "completed"


# -- chat chunks carry usage only at the end --------------------------------------------------------------


def test_gemini_chat_chunks_carry_all_null_usage(emulator: EmulatorControl) -> None:
    body = {"model": GEMINI, "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    chunks = post(emulator, CHAT_PATH, body).sse_payloads()
    assert chunks[0]["usage"] == {"prompt_tokens": None, "completion_tokens": None, "total_tokens": None}


@pytest.mark.parametrize(
    "model",
    [GEMINI, INKLING, "databricks-claude-sonnet-4-5", "databricks-gpt-5-2"],
    ids=["gemini relayed", "inkling relayed", "claude translated", "gpt translated"],
)
def test_chat_chunks_from_the_gateway_carry_usage_only_at_the_end(
    gateway: RunningGateway, model: str
) -> None:
    body = {
        "model": model,
        "stream": True,
        "stream_options": {"include_usage": True},
        "messages": [{"role": "user", "content": "hi"}],
    }
    chunks = chat_chunks(call(gateway.url, "POST", "/v1/chat/completions", body))
    with_usage = [i for i, c in enumerate(chunks) if c.get("usage") is not None]
    assert with_usage == [len(chunks) - 1]
    assert chunks[-1]["usage"]["completion_tokens"] > 0


def test_claude_on_chat_partial_usage_reaches_no_chunk_but_the_last(
    emulator: EmulatorControl, isolated_env: Path
) -> None:
    isolated_env.mkdir(parents=True, exist_ok=True)
    config = isolated_env / "config.toml"
    config.write_text('[models."databricks-claude-sonnet-4-5"]\napi = "chat"\n')
    config.chmod(0o600)
    body = {
        "model": "databricks-claude-sonnet-4-5",
        "stream": True,
        "messages": [{"role": "user", "content": "hi"}],
    }
    assert post(emulator, CHAT_PATH, body).sse_payloads()[0]["usage"]["completion_tokens"] is None
    with running_gateway(emulator.url, emulator.token) as gw:
        chunks = chat_chunks(call(gw.url, "POST", "/v1/chat/completions", body))
    assert emulator.requests()[-1]["path"].endswith("/chat/completions")  # relayed to Claude on chat
    assert [c.get("usage") is not None for c in chunks] == [False] * (len(chunks) - 1) + [True]


# -- Bedrock's metrics stay out of Messages streams -------------------------------------------------------


def test_current_claude_streams_carry_bedrock_metrics(emulator: EmulatorControl) -> None:
    body = {
        "model": CURRENT_CLAUDE,
        "max_tokens": 100,
        "stream": True,
        "messages": [{"role": "user", "content": "hi"}],
    }
    assert "amazon-bedrock-invocationMetrics" in post(emulator, ANTHROPIC_PATH, body).text


def test_messages_streams_from_the_gateway_have_no_bedrock_metrics(gateway: RunningGateway) -> None:
    body = {
        "model": CURRENT_CLAUDE,
        "max_tokens": 100,
        "stream": True,
        "messages": [{"role": "user", "content": "hi"}],
    }
    answer = call(gateway.url, "POST", "/v1/messages", body)
    assert answer.status == 200
    assert b"invocationMetrics" not in answer.body
    assert [e.event for e in answer.events()][-1] == "message_stop"


# -- stop reasons at the output limit, across APIs ------------------------------------------------------

LONG = "please answer at length, with every detail you can think of " * 4
UPSTREAMS = {
    "chat": "databricks-meta-llama-3-3-70b-instruct",
    "responses": "databricks-gpt-5-2",
    "messages": "databricks-claude-sonnet-4-5",
}


def chat_stop(client: Any, model: str, stream: bool) -> list[str]:
    messages = [{"role": "user", "content": LONG}]
    if stream:  # (the SDK's stream helper raises LengthFinishReasonError on it: read the chunks)
        chunks = client.chat.completions.create(model=model, max_tokens=5, messages=messages, stream=True)
        return [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    done = client.chat.completions.create(model=model, max_tokens=5, messages=messages)
    return [done.choices[0].finish_reason]


def responses_stop(client: Any, model: str, stream: bool) -> Any:
    if stream:  # (the SDK's stream helper wants `response.completed`: OpenAI's own API ends these alike)
        events = list(client.responses.create(model=model, max_output_tokens=5, input=LONG, stream=True))
        assert events[-1].type == "response.incomplete"
        response = events[-1].response
    else:
        response = client.responses.create(model=model, max_output_tokens=5, input=LONG)
    return response.status, response.incomplete_details.reason


def messages_stop(client: Any, model: str, stream: bool) -> Any:
    request: dict[str, Any] = {
        "model": model,
        "max_tokens": 5,
        "messages": [{"role": "user", "content": LONG}],
    }
    if stream:
        with client.messages.stream(**request) as events:
            return events.get_final_message().stop_reason
    return client.messages.create(**request).stop_reason


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("upstream", sorted(UPSTREAMS))
def test_an_answer_cut_at_the_output_limit_says_so_in_every_api(
    gateway: RunningGateway, upstream: str, stream: bool
) -> None:
    model = UPSTREAMS[upstream]
    oa = openai_client(gateway.url + "/v1")
    claude = anthropic.Anthropic(base_url=gateway.url, api_key="any", max_retries=0)
    assert chat_stop(oa, model, stream) == ["length"]
    assert responses_stop(oa, model, stream) == ("incomplete", "max_output_tokens")
    assert messages_stop(claude, model, stream) == "max_tokens"
