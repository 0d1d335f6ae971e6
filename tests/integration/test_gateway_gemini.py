"""The Gemini API on the gateway: Gemini 3.x relayed on the Gemini API, every other family translated, each
way streamed (SSE and Google's JSON array) and not, with a tool round trip.

The gateway runs in-process on a real socket in front of the emulator; requests are plain HTTP.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from brickgate.gateway.server import RunningGateway
from tests import gemini_harness as g
from tests.gateway_harness import DIALECTS, call, running_gateway

FAMILIES = sorted(g.MODELS)
WAYS = {
    "generate": ("generateContent", True),
    "sse": ("streamGenerateContent", True),
    "array": ("streamGenerateContent", False),
}


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


def access_line(caplog: pytest.LogCaptureFixture) -> str:
    deadline = time.monotonic() + 3
    while not (lines := [r.getMessage() for r in caplog.records if r.name == "brickgate.access"]):
        assert time.monotonic() < deadline, "no access log line"
        time.sleep(0.01)
    return lines[-1]


@pytest.mark.parametrize("way", sorted(WAYS))
@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_answers_a_gemini_caller(
    gateway: RunningGateway, emulator: Any, family: str, way: str
) -> None:
    model = g.MODELS[family]
    method, sse = WAYS[way]
    answer = call(gateway.url, "POST", g.path(model, method, sse=sse), g.request("say hi"))
    assert answer.status == 200, answer.body
    expected_type = "text/event-stream" if way == "sse" else "application/json"
    assert answer.headers["content-type"].startswith(expected_type)
    assert g.text(answer).startswith(f"Hello from {model}")
    assert g.finish_reason(answer) == "STOP"
    usage = [c["usageMetadata"] for c in g.chunks(answer) if "usageMetadata" in c][-1]
    assert usage["promptTokenCount"] > 0 and usage["candidatesTokenCount"] > 0


@pytest.mark.parametrize("sse", [True, False], ids=["sse", "generate"])
@pytest.mark.parametrize("family", FAMILIES)
def test_tool_round_trip_for_a_gemini_caller(
    gateway: RunningGateway, emulator: Any, family: str, sse: bool
) -> None:
    model = g.MODELS[family]
    method = "streamGenerateContent" if sse else "generateContent"
    first = g.request("please run the marker command", tools=True)
    answer = call(gateway.url, "POST", g.path(model, method), first)
    assert answer.status == 200, answer.body
    part = g.function_call_part(answer)
    assert part["functionCall"]["name"] == "bash"
    assert part["functionCall"]["args"] == {"command": "echo brickgate-tool-ok"}
    assert g.finish_reason(answer) == "STOP"  # Gemini's reason after a function call, whatever the family's

    output = f"brickgate-tool-ok gemini-{family}"
    second = call(gateway.url, "POST", g.path(model, method), g.follow_up(first, part, output))
    assert second.status == 200, second.body
    assert output in g.text(second)


def test_gemini_3_is_relayed_on_the_gemini_api_as_the_caller_sent_it(
    gateway: RunningGateway, emulator: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="brickgate.access")
    body = {
        **g.request("say hi"),
        "generationConfig": {"temperature": 0.5, "thinkingConfig": {"includeThoughts": True}},
    }
    answer = call(gateway.url, "POST", g.path(g.GEMINI_3), body)
    assert answer.status == 200
    (upstream,) = emulator.requests()
    assert upstream["path"] == f"/ai-gateway/gemini/v1beta/models/{g.GEMINI_3}:streamGenerateContent"
    assert upstream["query"] == "alt=sse"
    assert upstream["body"] == body  # no model field, nothing translated
    line = access_line(caplog)
    assert f"model={g.GEMINI_3} upstream=gemini path=fast status=200" in line
    assert re.search(r" in=[1-9]\d* out=[1-9]\d* ms=\d+$", line), line  # usageMetadata read on the way


@pytest.mark.parametrize(
    ("family", "upstream_path", "api"),
    [
        ("claude", "/ai-gateway/anthropic/v1/messages", "messages"),
        ("gpt", "/ai-gateway/openai/v1/responses", "responses"),
        ("llama", "/ai-gateway/mlflow/v1/chat/completions", "chat"),
    ],
)
def test_other_models_are_translated_to_their_own_api(
    gateway: RunningGateway,
    emulator: Any,
    caplog: pytest.LogCaptureFixture,
    family: str,
    upstream_path: str,
    api: str,
) -> None:
    caplog.set_level(logging.INFO, logger="brickgate.access")
    answer = call(gateway.url, "POST", g.path(g.MODELS[family], "generateContent"), g.request("say hi"))
    assert answer.status == 200
    (upstream,) = emulator.requests()
    assert upstream["path"] == upstream_path
    assert upstream["body"]["model"] == g.MODELS[family]
    assert f"upstream={api} path=translated status=200" in access_line(caplog)


@pytest.mark.parametrize("api", sorted(DIALECTS))
def test_a_gemini_api_override_keeps_other_callers_tool_replays_on_chat(
    isolated_env: Any, emulator_server: Any, emulator: Any, api: str
) -> None:
    """``api = "gemini"`` in config.toml: Gemini callers are relayed on it, but a Chat, Messages or
    Responses caller replays a tool call without its thought signature, which the Gemini API refuses: they
    go over Chat, where the signature is put back."""
    g.write_config(f'[models."{g.GEMINI_3}"]\napi = "gemini"\n')
    dialect = DIALECTS[api]
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        first = dialect.request(g.GEMINI_3, "please run the marker command", stream=True, tools=True)
        answer = call(gw.url, "POST", dialect.path, first)
        assert answer.status == 200, answer.body
        follow_up = dialect.follow_up(first, dialect.tool_call(answer), "brickgate-tool-ok override")
        second = call(gw.url, "POST", dialect.path, follow_up)
        assert second.status == 200, second.body
        assert "brickgate-tool-ok override" in dialect.text(second)
        assert call(gw.url, "POST", g.path(g.GEMINI_3), g.request("hi")).status == 200
    paths = [r["path"] for r in emulator.requests()]
    assert paths[:2] == ["/ai-gateway/mlflow/v1/chat/completions"] * 2
    assert paths[2] == f"/ai-gateway/gemini/v1beta/models/{g.GEMINI_3}:streamGenerateContent"


def test_the_json_array_stream_grows_chunk_by_chunk(gateway: RunningGateway, emulator: Any) -> None:
    answer = call(gateway.url, "POST", g.path(g.GEMINI_3, sse=False), g.request("say hi"))
    assert answer.body.startswith(b"[{") and answer.body.endswith(b"}]")
    assert len(answer.json()) > 2  # the emulator's chunks, one array element each
    (upstream,) = emulator.requests()
    assert upstream["query"] == "alt=sse"  # asked upstream as SSE, reframed for the caller


def test_a_replayed_call_without_its_signature_gets_googles_refusal(
    gateway: RunningGateway, emulator: Any
) -> None:
    first = g.request("please run the marker command", tools=True)
    part = g.function_call_part(call(gateway.url, "POST", g.path(g.GEMINI_3), first))
    unsigned = {k: v for k, v in part.items() if k != "thoughtSignature"}
    answer = call(gateway.url, "POST", g.path(g.GEMINI_3), g.follow_up(first, unsigned, "ok"))
    assert answer.status == 400
    error = g.google_error(answer)
    assert error["status"] == "INVALID_ARGUMENT"
    assert "missing a thought_signature" in error["message"]


def test_upstream_rate_limits_reach_a_gemini_caller_in_googles_shape(
    gateway: RunningGateway, emulator: Any
) -> None:
    emulator.fault({"kind": "429", "retry_after": 7, "count": 5})
    answer = call(gateway.url, "POST", g.path(g.GEMINI_3, "generateContent"), g.request("say hi"))
    assert answer.status == 429
    assert g.google_error(answer)["status"] == "RESOURCE_EXHAUSTED"
    assert answer.headers["retry-after"] == "7"


@pytest.mark.parametrize("family", ["gemini3", "claude"])
def test_a_stream_cut_upstream_ends_in_a_google_error_chunk(
    gateway: RunningGateway, emulator: Any, family: str
) -> None:
    emulator.fault({"kind": "cut_stream", "after_events": 2})
    answer = call(gateway.url, "POST", g.path(g.MODELS[family]), g.request("say hi"))
    assert answer.status == 200
    last = g.chunks(answer)[-1]
    assert set(last) == {"error"} and last["error"]["code"] >= 500 and last["error"]["status"]


def test_a_gemini_caller_must_send_json(gateway: RunningGateway, emulator: Any) -> None:
    answer = call(gateway.url, "POST", g.path(g.GEMINI_3), b"{not json")
    assert answer.status == 400
    assert "not valid JSON" in g.google_error(answer)["message"]
    answer = call(gateway.url, "POST", g.path(g.GEMINI_3), {"contents": "hi"})
    assert answer.status == 400
    assert "`contents` must be an array" in g.google_error(answer)["message"]
    answer = call(
        gateway.url, "POST", g.path("databricks-claude-sonnet-4-5"), {"contents": [{"role": "bot"}]}
    )
    assert answer.status == 400
    assert "contents[0].role must be user or model" in g.google_error(answer)["message"]
    assert emulator.requests() == []


def test_a_model_the_workspace_lacks_is_a_google_404_with_close_names(
    gateway: RunningGateway, emulator: Any
) -> None:
    answer = call(gateway.url, "POST", g.path("databricks-claude-sonet-4-5"), g.request("hi"))
    assert answer.status == 404
    error = g.google_error(answer)
    assert error["status"] == "NOT_FOUND"
    assert "databricks-claude-sonnet-4-5" in error["message"]
    assert error["details"] == [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "model_not_found",
            "domain": "brickgate",
        }
    ]


def test_the_python_sdks_default_v1_paths_work_too(gateway: RunningGateway, emulator: Any) -> None:
    answer = call(gateway.url, "POST", f"/v1/models/{g.GEMINI_3}:generateContent", g.request("say hi"))
    assert answer.status == 200
    assert json.loads(answer.body)["candidates"][0]["content"]["parts"][0]["text"].startswith("Hello from")


def test_gemini_calls_carry_request_tags_relayed_and_translated(
    gateway: RunningGateway, emulator: Any
) -> None:
    tags = "Databricks-Ai-Gateway-Request-Tags"
    headers = {"User-Agent": "GeminiCLI/0.61.0 (linux; x64) google-genai-sdk/1.30.0", tags: '{"team":"ml"}'}
    for model in (g.GEMINI_3, g.MODELS["claude"]):  # relayed, translated
        assert call(gateway.url, "POST", g.path(model), g.request("hi"), headers).status == 200
    expected = {"client": "brickgate", "agent": "GeminiCLI", "team": "ml"}
    assert [r["request_tags"] for r in emulator.requests()] == [expected, expected]
    bad = call(gateway.url, "POST", g.path(g.GEMINI_3), g.request("hi"), {tags: "team=ml"})
    assert bad.status == 400
    assert tags in g.google_error(bad)["message"] and g.google_error(bad)["status"] == "INVALID_ARGUMENT"
