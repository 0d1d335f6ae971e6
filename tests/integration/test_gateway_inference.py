"""Every inbound API answers with every model family: plain text, streaming and not, and a tool round trip.

The gateway runs in-process on a real socket in front of the emulator; requests are plain HTTP.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from brickgate.gateway.server import RunningGateway
from tests.gateway_harness import DIALECTS, FAMILY_MODELS, call, running_gateway

APIS = sorted(DIALECTS)
FAMILIES = sorted(FAMILY_MODELS)


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("api", APIS)
def test_plain_answer_without_streaming(
    gateway: RunningGateway, emulator: Any, api: str, family: str
) -> None:
    dialect = DIALECTS[api]
    model = FAMILY_MODELS[family]
    answer = call(gateway.url, "POST", dialect.path, dialect.request(model, "say hi", stream=False))
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"].startswith("application/json")
    assert f"Hello from {model}" in dialect.text(answer)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("api", APIS)
def test_plain_answer_streams(gateway: RunningGateway, emulator: Any, api: str, family: str) -> None:
    dialect = DIALECTS[api]
    model = FAMILY_MODELS[family]
    answer = call(gateway.url, "POST", dialect.path, dialect.request(model, "say hi", stream=True))
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"].startswith("text/event-stream")
    assert f"Hello from {model}" in dialect.text(answer)


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "json"])
@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("api", APIS)
def test_tool_round_trip_echoes_the_tool_output(
    gateway: RunningGateway, emulator: Any, api: str, family: str, stream: bool
) -> None:
    dialect = DIALECTS[api]
    first = dialect.request(FAMILY_MODELS[family], "please run the marker command", stream=stream, tools=True)
    answer = call(gateway.url, "POST", dialect.path, first)
    assert answer.status == 200, answer.body
    tool_call = dialect.tool_call(answer)
    assert tool_call[1] == "bash"
    assert "echo brickgate-tool-ok" in tool_call[2]

    output = f"brickgate-tool-ok {api}-{family}"
    second = call(gateway.url, "POST", dialect.path, dialect.follow_up(first, tool_call, output))
    assert second.status == 200, second.body
    assert output in dialect.text(second)


def test_chat_stream_reports_usage_when_asked(gateway: RunningGateway, emulator: Any) -> None:
    body = DIALECTS["chat"].request(FAMILY_MODELS["gemini"], "say hi", stream=True)
    answer = call(gateway.url, "POST", "/v1/chat/completions", body)
    usage = [e for e in answer.events() if e.data != "[DONE]" and '"usage"' in e.data]
    assert usage, "include_usage was requested but no chunk carried usage"


def test_chat_stream_ends_with_done(gateway: RunningGateway, emulator: Any) -> None:
    body = DIALECTS["chat"].request(FAMILY_MODELS["claude"], "say hi", stream=True)
    answer = call(gateway.url, "POST", "/v1/chat/completions", body)
    assert answer.events()[-1].data == "[DONE]"


def test_messages_stream_ends_with_message_stop(gateway: RunningGateway, emulator: Any) -> None:
    body = DIALECTS["messages"].request(FAMILY_MODELS["llama"], "say hi", stream=True)
    answer = call(gateway.url, "POST", "/v1/messages", body)
    assert answer.events()[-1].event == "message_stop"


def test_request_reaches_databricks_under_the_endpoint_name(gateway: RunningGateway, emulator: Any) -> None:
    body = DIALECTS["messages"].request("claude-sonnet-4-5-20250929", "say hi", stream=False)
    answer = call(gateway.url, "POST", "/v1/messages", body)
    assert answer.status == 200, answer.body
    assert [r["body"]["model"] for r in emulator.requests()] == ["databricks-claude-sonnet-4-5"]


def access_line(caplog: pytest.LogCaptureFixture) -> str:
    """The one access-log line, waited for: it is written once the response has fully gone out."""
    deadline = time.monotonic() + 3
    while not (lines := [r.getMessage() for r in caplog.records if r.name == "brickgate.access"]):
        assert time.monotonic() < deadline, "no access log line"
        time.sleep(0.01)
    (line,) = lines
    return line


def test_access_log_reports_the_translated_route_and_tokens(
    gateway: RunningGateway, emulator: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="brickgate.access")
    body = DIALECTS["messages"].request(FAMILY_MODELS["codex"], "say hi", stream=True)
    assert call(gateway.url, "POST", "/v1/messages", body).status == 200
    line = access_line(caplog)
    assert "model=databricks-gpt-5-2-codex upstream=responses path=translated status=200" in line
    assert re.search(r" in=[1-9]\d* out=[1-9]\d* ms=\d+$", line), line


def test_anthropic_beta_header_reaches_databricks_on_the_fast_path(
    gateway: RunningGateway, emulator: Any
) -> None:
    body = DIALECTS["messages"].request(FAMILY_MODELS["claude"], "say hi", stream=True)
    betas = "claude-code-20250219,extended-cache-ttl-2025-04-11"
    assert call(gateway.url, "POST", "/v1/messages", body, {"anthropic-beta": betas}).status == 200
    (recorded,) = emulator.requests()
    assert recorded["headers"]["anthropic-beta"] == betas


def test_same_api_relay_passes_upstream_bytes_through_unchanged(
    gateway: RunningGateway, emulator: Any
) -> None:
    from tests.unit.quirks.upstream_http import CHAT_PATH, post

    body = DIALECTS["chat"].request(FAMILY_MODELS["llama"], "say hi", stream=True)
    through_gateway = call(gateway.url, "POST", "/v1/chat/completions", body)
    assert through_gateway.status == 200
    sent = emulator.requests()[-1]["body"]  # what the gateway sent upstream, repaired
    direct = post(emulator, CHAT_PATH, sent)
    assert through_gateway.body.decode() == direct.text  # the emulator is deterministic per request


def test_access_log_counts_tokens_on_the_pass_through_path(
    gateway: RunningGateway, emulator: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="brickgate.access")
    body = DIALECTS["chat"].request(FAMILY_MODELS["llama"], "say hi", stream=True)
    assert call(gateway.url, "POST", "/v1/chat/completions", body).status == 200
    line = access_line(caplog)
    assert "path=relay" in line or "path=fast" in line, line
    assert re.search(r" in=[1-9]\d* out=[1-9]\d* ms=\d+$", line), line


CALLER_ONLY_FIELDS = {
    # Codex CLI's Responses fields, meaningless to (and refused as unknown by) Messages and Chat upstreams
    "responses": {
        "store": False,
        "include": ["reasoning.encrypted_content"],
        "prompt_cache_key": "thread-1",
        "client_metadata": {"thread_id": "thread-1"},
        "text": {"verbosity": "low"},
        "reasoning": {"summary": "auto"},
    },
    "chat": {"stream_options": {"include_usage": True}, "seed": 7},  # opencode, llm, the openai SDK
    "messages": {"context_management": {"edits": [{"type": "clear_thinking_20251015", "keep": "all"}]}},
}


@pytest.mark.parametrize(
    ("api", "model"),
    [("responses", FAMILY_MODELS["claude"]), ("responses", FAMILY_MODELS["gemini"]),
     ("chat", FAMILY_MODELS["codex"]), ("chat", "databricks-gpt-5-5-pro"),
     ("messages", FAMILY_MODELS["gpt"]), ("messages", FAMILY_MODELS["llama"])],
)  # fmt: skip
def test_translated_request_leaves_the_callers_own_fields_behind(
    gateway: RunningGateway, emulator: Any, api: str, model: str
) -> None:
    """Pairs where the model does not declare the caller's API (a declared one is relayed as it is)."""
    dialect = DIALECTS[api]
    body = dialect.request(model, "say hi", stream=True) | CALLER_ONLY_FIELDS[api]
    assert call(gateway.url, "POST", dialect.path, body).status == 200
    (recorded,) = emulator.requests()
    assert not set(CALLER_ONLY_FIELDS[api]) & set(recorded["body"]), sorted(recorded["body"])


def test_translated_request_keeps_a_field_the_upstream_api_defines(
    gateway: RunningGateway, emulator: Any
) -> None:
    body = DIALECTS["responses"].request(FAMILY_MODELS["claude"], "say hi", stream=False) | {"top_k": 5}
    assert call(gateway.url, "POST", "/v1/responses", body).status == 200
    (recorded,) = emulator.requests()
    assert recorded["body"]["top_k"] == 5
