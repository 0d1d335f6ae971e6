"""Bad input and upstream failures come back in the caller's own API shape, with a status that fits."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

from brickgate.errors import ConfigError
from brickgate.gateway.server import RunningGateway, start_in_thread
from tests.gateway_harness import DIALECTS, FAMILY_MODELS, Answer, call, running_gateway

LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token, max_body_bytes=LIMIT) as gw:
        yield gw


def error_message(api: str, answer: Answer) -> str:
    """The error's message, asserting the body has exactly the API's own error shape."""
    doc = answer.json()
    if api == "messages":
        assert doc["type"] == "error"
        assert set(doc["error"]) == {"type", "message"}
        return str(doc["error"]["message"])
    assert set(doc["error"]) == {"message", "type", "param", "code"}
    return str(doc["error"]["message"])


@pytest.mark.parametrize("api", sorted(DIALECTS))
def test_malformed_json_is_400(gateway: RunningGateway, api: str) -> None:
    answer = call(gateway.url, "POST", DIALECTS[api].path, b'{"model": "x", ')
    assert answer.status == 400
    assert "not valid JSON" in error_message(api, answer)


@pytest.mark.parametrize("api", sorted(DIALECTS))
def test_missing_model_is_400(gateway: RunningGateway, api: str) -> None:
    body = DIALECTS[api].request("x", "hi", stream=False)
    del body["model"]
    answer = call(gateway.url, "POST", DIALECTS[api].path, body)
    assert answer.status == 400
    assert "has no `model`" in error_message(api, answer)


@pytest.mark.parametrize("api", sorted(DIALECTS))
def test_unknown_model_is_404_with_close_matches(gateway: RunningGateway, emulator: Any, api: str) -> None:
    body = DIALECTS[api].request("claude-sonet-4-5", "hi", stream=True)
    answer = call(gateway.url, "POST", DIALECTS[api].path, body)
    assert answer.status == 404
    message = error_message(api, answer)
    assert "claude-sonet-4-5" in message
    assert "databricks-claude-sonnet-4-5" in message


def test_unknown_model_is_not_found_error_for_messages(gateway: RunningGateway, emulator: Any) -> None:
    answer = call(
        gateway.url, "POST", "/v1/messages", DIALECTS["messages"].request("nope-1", "hi", stream=False)
    )
    assert answer.json()["error"]["type"] == "not_found_error"


@pytest.mark.parametrize("api", sorted(DIALECTS))
def test_body_over_the_limit_is_413(gateway: RunningGateway, api: str) -> None:
    body = DIALECTS[api].request(FAMILY_MODELS["llama"], "x" * (LIMIT + 1), stream=False)
    answer = call(gateway.url, "POST", DIALECTS[api].path, body)
    assert answer.status == 413
    assert "--max-body-mb" in error_message(api, answer)


def test_upstream_rate_limit_passes_on_retry_after(gateway: RunningGateway, emulator: Any) -> None:
    model = FAMILY_MODELS["llama"]
    emulator.fault({"kind": "429", "count": 3, "retry_after": 7})
    answer = call(
        gateway.url, "POST", "/v1/chat/completions", DIALECTS["chat"].request(model, "hi", stream=True)
    )
    assert answer.status == 429
    assert answer.headers["retry-after"] == "7"
    assert "rate limit" in error_message("chat", answer).lower()


def test_upstream_rate_limit_is_rate_limit_error_for_messages(gateway: RunningGateway, emulator: Any) -> None:
    emulator.fault({"kind": "429", "count": 3})
    body = DIALECTS["messages"].request(FAMILY_MODELS["claude"], "hi", stream=False)
    answer = call(gateway.url, "POST", "/v1/messages", body)
    assert answer.status == 429
    assert answer.json()["error"]["type"] == "rate_limit_error"


def test_upstream_server_error_is_5xx(gateway: RunningGateway, emulator: Any) -> None:
    emulator.fault({"kind": "500", "count": 3})
    body = DIALECTS["responses"].request(FAMILY_MODELS["gpt"], "hi", stream=False)
    answer = call(gateway.url, "POST", "/v1/responses", body)
    assert answer.status >= 500
    assert answer.json()["error"]["type"] == "server_error"


@pytest.mark.parametrize(
    ("api", "family", "last_event"),
    [
        ("messages", "claude", "error"),
        ("messages", "llama", "error"),
        ("responses", "gpt", "response.failed"),
        ("responses", "gemini", "response.failed"),
        ("chat", "llama", None),
        ("chat", "claude", None),
    ],
)
def test_stream_cut_midway_ends_with_an_error_event(
    gateway: RunningGateway, emulator: Any, api: str, family: str, last_event: str | None
) -> None:
    emulator.fault({"kind": "cut_stream", "after_events": 2})
    body = DIALECTS[api].request(FAMILY_MODELS[family], "tell me a long story please", stream=True)
    answer = call(gateway.url, "POST", DIALECTS[api].path, body)
    assert answer.status == 200
    last = answer.events()[-1]
    assert last.event == last_event
    assert "error" in json.loads(last.data) or json.loads(last.data)["response"]["status"] == "failed"


def test_query_string_on_messages_is_ignored(gateway: RunningGateway, emulator: Any) -> None:
    body = DIALECTS["messages"].request(FAMILY_MODELS["claude"], "hi", stream=False)
    answer = call(gateway.url, "POST", "/v1/messages?beta=true", body)
    assert answer.status == 200
    assert "Hello from" in DIALECTS["messages"].text(answer)


def test_head_on_unknown_path_is_404(gateway: RunningGateway) -> None:
    assert call(gateway.url, "HEAD", "/api/hello").status == 404


def test_get_on_unknown_path_is_404(gateway: RunningGateway) -> None:
    assert call(gateway.url, "GET", "/v2/whatever").status == 404


def test_websocket_upgrade_on_responses_is_refused_at_once(gateway: RunningGateway) -> None:
    headers = {"connection": "Upgrade", "upgrade": "websocket", "sec-websocket-version": "13",
               "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ=="}  # fmt: skip
    answer = call(gateway.url, "GET", "/v1/responses", headers=headers)
    assert answer.status in (404, 405)


def test_health_answers_ok(gateway: RunningGateway) -> None:
    answer = call(gateway.url, "GET", "/health")
    assert answer.status == 200
    assert answer.json() == {"status": "ok"}


# --- local client auth ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keyed_gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token, api_key="sk-local-secret") as gw:
        yield gw


@pytest.mark.parametrize("api", sorted(DIALECTS))
def test_wrong_api_key_is_401(keyed_gateway: RunningGateway, api: str) -> None:
    body = DIALECTS[api].request(FAMILY_MODELS["llama"], "hi", stream=False)
    answer = call(keyed_gateway.url, "POST", DIALECTS[api].path, body, {"authorization": "Bearer sk-wrong"})
    assert answer.status == 401
    assert "sk-wrong" not in answer.body.decode()
    assert "sk-local-secret" not in answer.body.decode()
    error_message(api, answer)


def test_missing_api_key_is_401(keyed_gateway: RunningGateway) -> None:
    answer = call(keyed_gateway.url, "GET", "/v1/models")
    assert answer.status == 401


def test_api_key_is_accepted_as_bearer(keyed_gateway: RunningGateway, emulator: Any) -> None:
    body = DIALECTS["chat"].request(FAMILY_MODELS["llama"], "hi", stream=False)
    answer = call(
        keyed_gateway.url, "POST", "/v1/chat/completions", body, {"authorization": "Bearer sk-local-secret"}
    )
    assert answer.status == 200


def test_api_key_is_accepted_as_x_api_key(keyed_gateway: RunningGateway, emulator: Any) -> None:
    body = DIALECTS["messages"].request(FAMILY_MODELS["claude"], "hi", stream=False)
    answer = call(keyed_gateway.url, "POST", "/v1/messages", body, {"x-api-key": "sk-local-secret"})
    assert answer.status == 200


def test_loopback_gateway_accepts_any_key(gateway: RunningGateway, emulator: Any) -> None:
    body = DIALECTS["chat"].request(FAMILY_MODELS["llama"], "hi", stream=False)
    answer = call(gateway.url, "POST", "/v1/chat/completions", body, {"authorization": "Bearer anything"})
    assert answer.status == 200


def test_non_loopback_bind_without_api_key_is_refused() -> None:
    with pytest.raises(ConfigError, match="--api-key"):
        start_in_thread(object(), host="0.0.0.0")  # type: ignore[arg-type]


def test_requests_outside_the_apis_are_logged_too(
    gateway: RunningGateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="brickgate.access")
    call(gateway.url, "HEAD", "/api/hello")
    deadline = time.monotonic() + 3  # written just after the answer; an earlier test's line may also land
    while not (lines := [m for m in access_messages(caplog) if m.startswith("HEAD /api/hello ")]):
        assert time.monotonic() < deadline, "no access line for HEAD /api/hello"
        time.sleep(0.01)
    (line,) = lines
    assert line.startswith("HEAD /api/hello model=- upstream=- path=local status=404 in=- out=- ms=")


def access_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "brickgate.access"]


@pytest.mark.parametrize(
    ("api", "body"),
    [
        ("chat", {"model": "databricks-claude-sonnet-4-5", "messages": "hi"}),
        ("responses", {"model": "databricks-gemma-3-12b", "input": 5}),
        ("messages", {"model": "databricks-gpt-5-2", "max_tokens": 9, "messages": [{"role": "user"}]}),
    ],
)
def test_structurally_wrong_request_is_400_before_any_upstream_call(
    gateway: RunningGateway, emulator: Any, api: str, body: dict[str, Any]
) -> None:
    answer = call(gateway.url, "POST", DIALECTS[api].path, body)
    assert answer.status == 400
    assert error_message(api, answer).startswith("Malformed request:")
    assert emulator.requests() == []


def test_empty_api_key_means_no_key(emulator_server: Any, emulator: Any) -> None:
    with running_gateway(emulator_server.url, emulator_server.token, api_key="") as gw:
        assert call(gw.url, "GET", "/v1/models").status == 200


def test_unknown_path_answers_in_json_naming_the_served_paths(gateway: RunningGateway) -> None:
    answer = call(gateway.url, "POST", "/v1/v1/chat/completions", {"model": "x"})
    assert answer.status == 404
    assert "/v1/chat/completions" in error_message("chat", answer)


def test_unknown_path_answers_in_the_anthropic_shape_for_anthropic_clients(gateway: RunningGateway) -> None:
    answer = call(gateway.url, "POST", "/v1/v1/messages", {"model": "x"}, {"anthropic-version": "2023-06-01"})
    assert answer.status == 404
    assert answer.json()["error"]["type"] == "not_found_error"


def test_a_body_the_decoder_cannot_read_is_400_saying_where(gateway: RunningGateway, emulator: Any) -> None:
    body = {
        "model": FAMILY_MODELS["codex"],  # declares no Chat: translated, so the chat decoder reads it
        "messages": [{"role": "user", "content": [{"type": "input_audio", "input_audio": {}}]}],
    }
    answer = call(gateway.url, "POST", DIALECTS["chat"].path, body)
    assert answer.status == 400
    assert error_message("chat", answer) == (
        "Malformed request: messages[0]: a content part's type must be text or image_url "
        '(got "input_audio").'
    )
    assert emulator.requests() == []


def test_a_bug_in_the_gateway_is_a_500_with_a_trace_id_the_log_repeats(
    gateway: RunningGateway, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from brickgate.wire import openai_chat

    def broken_decoder(body: object) -> None:
        raise KeyError("a decoder bug")

    monkeypatch.setattr(openai_chat, "decode_request", broken_decoder)
    caplog.set_level(logging.ERROR, logger="brickgate.access")
    body = DIALECTS["chat"].request(FAMILY_MODELS["codex"], "hi", stream=False)  # translated: decoded
    answer = call(gateway.url, "POST", DIALECTS["chat"].path, body)
    assert answer.status == 500
    message = error_message("chat", answer)
    trace = message.split("trace id ", 1)[1].split(")", 1)[0]
    assert "KeyError" not in message and "decoder bug" not in message
    deadline = time.monotonic() + 3
    while not (logged := [r for r in caplog.records if trace in r.getMessage()]):
        assert time.monotonic() < deadline, "no log line with the trace id"
        time.sleep(0.01)
    assert logged[0].exc_info is not None and "a decoder bug" in str(logged[0].exc_info[1])
