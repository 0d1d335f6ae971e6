"""Faults from Databricks, through the gateway over real HTTP: what the caller sees (status, error shape,
message), that a partial answer is never replayed by a retry, and that the gateway keeps serving."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from brickgate.auth import Credentials, resolve
from brickgate.emulator import EmulatorConfig, RunningEmulator, start_in_thread
from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.server import RunningGateway
from brickgate.gateway.server import start_in_thread as start_gateway
from brickgate.upstream import RetryPolicy
from brickgate.workspace import Workspace
from tests.gateway_harness import DIALECTS, FAMILY_MODELS, Answer, call, running_gateway

FAST_RETRY = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.05, max_total_seconds=5)
LLAMA = FAMILY_MODELS["llama"]


@pytest.fixture(scope="module")
def gateway(emulator_server: RunningEmulator) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


def chat(gw: RunningGateway, model: str = LLAMA, *, stream: bool = True, prompt: str = "hi") -> Answer:
    return call(
        gw.url, "POST", "/v1/chat/completions", DIALECTS["chat"].request(model, prompt, stream=stream)
    )


def openai_error(answer: Answer) -> dict[str, Any]:
    """The error object, asserting the OpenAI error shape (JSON, never an HTML page or a traceback)."""
    assert answer.headers["content-type"] == "application/json"
    error: dict[str, Any] = answer.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    return error


def upstream_statuses(emulator: EmulatorControl) -> list[int]:
    return [r["status"] for r in emulator.requests()]


def assert_still_serving(gw: RunningGateway) -> None:
    answer = chat(gw, stream=False)
    assert answer.status == 200, answer.body[:300]
    assert DIALECTS["chat"].text(answer).startswith(f"Hello from {LLAMA}")


# --- rate limits and server errors -----------------------------------------------------------------------


def test_rate_limit_with_retry_after_is_waited_out_and_answered(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    emulator.fault({"kind": "429", "retry_after": 0.2})
    started = time.monotonic()
    answer = chat(gateway)
    assert answer.status == 200
    assert time.monotonic() - started >= 0.2
    assert upstream_statuses(emulator) == [429, 200]


def test_rate_limit_without_retry_after_beyond_the_budget_is_429_without_the_header(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    emulator.fault({"kind": "429", "count": 2})
    answer = chat(gateway)
    assert answer.status == 429
    assert "retry-after" not in answer.headers
    error = openai_error(answer)
    assert (error["type"], error["code"]) == ("rate_limit_error", "REQUEST_LIMIT_EXCEEDED")
    assert "Exceeded workspace QPS rate limit" in error["message"]
    assert upstream_statuses(emulator) == [429, 429]
    assert_still_serving(gateway)


@pytest.mark.parametrize(("kind", "code"), [("500", "INTERNAL_ERROR"), ("502", "BAD_GATEWAY")])
def test_server_error_is_answered_with_its_status_and_not_retried(
    gateway: RunningGateway, emulator: EmulatorControl, kind: str, code: str
) -> None:
    emulator.fault({"kind": kind, "count": 2})
    answer = chat(gateway)
    assert answer.status == int(kind)
    error = openai_error(answer)
    assert (error["type"], error["code"]) == ("server_error", code)
    assert f"(HTTP {kind})" in error["message"] and "retry shortly" in error["message"]
    assert upstream_statuses(emulator) == [int(kind)]
    emulator.reset()
    assert_still_serving(gateway)


def test_service_unavailable_once_is_retried_and_answered(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    emulator.fault({"kind": "503"})
    answer = chat(gateway)
    assert answer.status == 200
    assert upstream_statuses(emulator) == [503, 200]


def test_service_unavailable_beyond_the_budget_is_503_overloaded_for_messages(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    emulator.fault({"kind": "503", "count": 2})
    body = DIALECTS["messages"].request(FAMILY_MODELS["claude"], "hi", stream=True)
    answer = call(gateway.url, "POST", "/v1/messages", body)
    assert answer.status == 503
    assert answer.json()["error"]["type"] == "overloaded_error"
    assert upstream_statuses(emulator) == [503, 503]
    assert_still_serving(gateway)


def test_html_error_page_is_a_json_502_that_says_what_came_back(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    emulator.fault({"kind": "html_error", "status": 502})
    answer = chat(gateway)
    assert answer.status == 502
    error = openai_error(answer)
    assert "an HTML error page instead of a JSON error" in error["message"]
    assert "<html" not in answer.body.decode()
    assert_still_serving(gateway)


# --- the workspace unreachable or slow -----------------------------------------------------------------


def test_unreachable_workspace_is_502_naming_the_host_and_served_again_once_back() -> None:
    first = start_in_thread(EmulatorConfig(), port=0)
    port = int(first.url.rsplit(":", 1)[1])
    with running_gateway(first.url, first.token) as gw:
        assert chat(gw).status == 200  # the model list is now known to the gateway
        first.stop()
        started = time.monotonic()
        answer = chat(gw)
        assert answer.status == 502
        assert f"Cannot connect to {first.url}" in openai_error(answer)["message"]
        assert time.monotonic() - started < 3
        assert call(gw.url, "GET", "/health").status == 200
        with start_in_thread(EmulatorConfig(), port=port):
            assert chat(gw).status == 200


def test_no_first_byte_within_the_read_timeout_is_504_and_not_retried(emulator: EmulatorControl) -> None:
    ws = Workspace(
        credentials=Credentials.pat(emulator.url, emulator.token), retry=FAST_RETRY, read_timeout=0.3
    )
    with start_gateway(ws) as gw:
        emulator.fault({"kind": "slow_first_byte", "seconds": 1.0})
        started = time.monotonic()
        answer = chat(gw)
        waited = time.monotonic() - started
        assert answer.status == 504
        assert "did not answer within 0.3 s" in openai_error(answer)["message"]
        assert 0.3 <= waited < 0.9
        assert len(emulator.requests()) == 1
        assert_still_serving(gw)


def test_a_slow_model_does_not_hold_up_other_requests(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    emulator.fault({"kind": "slow_first_byte", "seconds": 1.5, "model": FAMILY_MODELS["gpt-oss"]})
    slow: list[Answer] = []
    waiter = threading.Thread(target=lambda: slow.append(chat(gateway, FAMILY_MODELS["gpt-oss"])))
    waiter.start()
    time.sleep(0.2)
    started = time.monotonic()
    assert_still_serving(gateway)
    assert time.monotonic() - started < 0.5
    waiter.join(timeout=5)
    assert slow[0].status == 200


# --- streams that break ----------------------------------------------------------------------------------

# (inbound API, family, upstream events before the cut: past each API's preamble, short of the end)
STREAM_CASES = [
    ("messages", "claude", 4),
    ("chat", "llama", 4),
    ("responses", "gpt", 8),
    ("chat", "claude", 4),
]


@pytest.mark.parametrize(("api", "family", "cut_after"), STREAM_CASES)
def test_cut_stream_delivers_a_prefix_once_and_is_not_replayed(
    gateway: RunningGateway, emulator: EmulatorControl, api: str, family: str, cut_after: int
) -> None:
    dialect = DIALECTS[api]
    body = dialect.request(FAMILY_MODELS[family], "tell me a long story please", stream=True)
    whole = dialect.text(call(gateway.url, "POST", dialect.path, body))
    emulator.reset()
    emulator.fault({"kind": "cut_stream", "after_events": cut_after})
    answer = call(gateway.url, "POST", dialect.path, body)
    assert answer.status == 200
    partial = dialect.text(answer)
    assert partial and whole.startswith(partial) and len(partial) < len(whole)
    assert "broke off" in answer.events()[-1].data
    assert len(emulator.requests()) == 1
    assert_still_serving(gateway)


def test_stream_cut_mid_event_on_the_pass_through_path_leaves_only_whole_events(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    emulator.fault({"kind": "cut_stream", "after_events": 3, "mid_event": True})
    answer = chat(gateway, prompt="tell me a long story please")
    assert answer.status == 200
    events = answer.events()
    assert len(events) >= 4
    for event in events:  # every event parses: the half-sent one was held back, not glued to the error
        json.loads(event.data)
    assert "broke off" in events[-1].data
    assert_still_serving(gateway)


def test_malformed_event_on_a_translated_stream_ends_it_with_an_error_event(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    emulator.fault({"kind": "malformed_sse"})
    answer = chat(gateway, FAMILY_MODELS["codex"])  # declares no Chat: translated to Responses
    assert answer.status == 200
    last = json.loads(answer.events()[-1].data)
    assert last["error"]["code"] == "invalid_json"
    assert "not JSON" in last["error"]["message"] and "Retry the request" in last["error"]["message"]
    assert len(emulator.requests()) == 1
    assert_still_serving(gateway)


def test_malformed_event_on_a_pass_through_stream_reaches_the_caller_verbatim(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    """The same-API path does not parse what it relays: the caller's own SSE parser meets the bad event."""
    emulator.fault({"kind": "malformed_sse"})
    answer = chat(gateway)
    assert answer.status == 200
    assert answer.body.count(b'"content": "unterminated') == 1
    assert answer.events()[-1].data == "[DONE]"


# --- credentials and surfaces that change under a running gateway ---------------------------------------


@pytest.fixture
def oauth_emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningEmulator]:
    """A workspace of its own (revoking tokens must not touch other tests) with M2M in the environment."""
    with start_in_thread(EmulatorConfig(token_ttl=2), port=0) as server:
        monkeypatch.setenv("DATABRICKS_HOST", server.url)
        monkeypatch.setenv("DATABRICKS_CLIENT_ID", server.config.client_id)
        monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", server.config.client_secret)
        yield server


def oauth_gateway(server: RunningEmulator) -> RunningGateway:
    creds = resolve()
    assert creds.auth_type == "oauth-m2m"
    return start_gateway(Workspace(credentials=creds, retry=FAST_RETRY))


def test_short_lived_oauth_tokens_are_renewed_by_the_sdk_between_requests(
    oauth_emulator: RunningEmulator,
) -> None:
    with oauth_gateway(oauth_emulator) as gw:
        assert chat(gw).status == 200
        time.sleep(2.1)  # the first token has expired by the workspace's clock
        assert [chat(gw, stream=s).status for s in (True, False)] == [200, 200]
    assert oauth_emulator.state.stats["token"] >= 2


def test_token_revoked_mid_session_is_refreshed_once_and_the_gateway_keeps_answering(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with start_in_thread(EmulatorConfig(token_ttl=3600), port=0) as server:
        monkeypatch.setenv("DATABRICKS_HOST", server.url)
        monkeypatch.setenv("DATABRICKS_CLIENT_ID", server.config.client_id)
        monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", server.config.client_secret)
        control = EmulatorControl(
            server.url, server.token, server.config.client_id, server.config.client_secret
        )
        with oauth_gateway(server) as gw:
            assert chat(gw).status == 200
            issued = server.state.stats["token"]
            control.fault({"kind": "expire_tokens"})
            statuses = [chat(gw, stream=s).status for s in (True, False, True)]
        assert statuses == [200, 200, 200]
        assert server.state.stats["token"] == issued + 1
        assert [r["status"] for r in control.requests()][-4:] == [400, 200, 200, 200]


def test_ai_gateway_disappearing_mid_session_moves_to_serving_endpoints(emulator: EmulatorControl) -> None:
    with running_gateway(emulator.url, emulator.token) as gw:
        assert chat(gw).status == 200
        assert emulator.requests()[-1]["path"] == "/ai-gateway/mlflow/v1/chat/completions"
        emulator.fault(
            {"kind": "invalid_path", "path": "/ai-gateway/mlflow/v1/chat/completions", "until_reset": True}
        )
        answers = [chat(gw, stream=s) for s in (True, False)]
        assert [a.status for a in answers] == [200, 200]
        paths = [(r["path"], r["status"]) for r in emulator.requests()[1:]]
        assert paths == [
            ("/ai-gateway/mlflow/v1/chat/completions", 404),
            ("/serving-endpoints/chat/completions", 200),
            ("/serving-endpoints/chat/completions", 200),
        ]
