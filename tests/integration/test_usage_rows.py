"""What one ledger row says about one request, from the gateway and from the library (and so from
`brickgate run`): names, tokens, cost, timings, statuses, retries; never content or keys."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from brickgate.auth import Credentials
from brickgate.emulator.control_client import EmulatorControl
from brickgate.errors import ModelNotFound, StreamInterrupted, UpstreamRateLimited
from brickgate.ledger import ledger_for_home, ledger_path, store
from brickgate.ledger.rows import UsageRow
from brickgate.upstream import RetryPolicy
from brickgate.workspace import Workspace
from tests import gemini_harness as g
from tests.cli_harness import output_of, run_cli
from tests.gateway_harness import DIALECTS, FAMILY_MODELS, Chat, Messages, call, running_gateway
from tests.ledger_harness import ledger_rows, wait_for_rows

FAST_RETRY = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.05, max_total_seconds=5)


def _workspace(emulator: EmulatorControl, **options: Any) -> Workspace:
    return Workspace(credentials=Credentials.pat(emulator.url, emulator.token), retry=FAST_RETRY, **options)


# --- the gateway ----------------------------------------------------------------------------------------


def test_a_translated_request_is_one_gateway_row(emulator: EmulatorControl, isolated_env: Path) -> None:
    with running_gateway(emulator.url, emulator.token) as gw:
        # Codex declares no Chat: a Chat caller's request is translated to Responses
        answer = call(gw.url, "POST", Chat.path, Chat().request(FAMILY_MODELS["codex"], "hi", stream=True))
        rows = wait_for_rows(isolated_env, 1)
    assert answer.status == 200
    assert len(rows) == 1  # the library's own recording stands aside inside the gateway
    row = rows[0]
    assert (row["source"], row["api"], row["upstream_api"], row["route"]) == (
        "gateway",
        "chat",
        "responses",
        "translated",
    )
    assert row["model"] == FAMILY_MODELS["codex"] and row["host"] == emulator.url
    assert row["streamed"] == 1 and 0 < row["ttft_ms"] <= row["latency_ms"]
    assert row["status"] == 200 and row["error_class"] is None
    assert row["output_tokens"] > 0 and row["cost_usd"] > 0


def test_a_plain_answer_has_no_first_token_time(emulator: EmulatorControl, isolated_env: Path) -> None:
    with running_gateway(emulator.url, emulator.token) as gw:
        body = Messages().request(FAMILY_MODELS["claude"], "hi", stream=False)
        assert call(gw.url, "POST", Messages.path, body).status == 200
        (row,) = wait_for_rows(isolated_env, 1)
    assert (row["route"], row["streamed"], row["ttft_ms"]) == ("fast", 0, None)
    assert row["latency_ms"] > 0


def test_rows_keep_no_prompt_answer_or_key(emulator: EmulatorControl, isolated_env: Path) -> None:
    secret, prompt = "sk-gateway-key-Q7Z9", "PROMPT-MARKER-do-not-store"
    headers = {
        "authorization": f"Bearer {secret}",
        "user-agent": f"my-tool {secret}",
        "x-brickgate-agent": "Team-Bot/2.3.1",
    }
    with running_gateway(emulator.url, emulator.token, api_key=secret) as gw:
        for api in ("chat", "messages", "responses"):
            dialect = DIALECTS[api]
            answer = call(
                gw.url,
                "POST",
                dialect.path,
                dialect.request(FAMILY_MODELS["gpt"], prompt, stream=True),
                headers,
            )
            assert answer.status == 200
        rows = wait_for_rows(isolated_env, 3)
        reply = dialect.text(answer)
    assert {(r["agent"], r["agent_version"]) for r in rows} == {("team-bot", "2.3.1")}
    stored = b"".join(p.read_bytes() for p in isolated_env.glob("usage.sqlite3*"))
    for content in (secret, prompt, reply):
        assert content.encode() not in stored


def test_an_upstream_retry_is_counted_on_the_row(emulator: EmulatorControl, isolated_env: Path) -> None:
    emulator.fault({"kind": "429", "retry_after": 0})
    with running_gateway(emulator.url, emulator.token) as gw:
        answer = call(gw.url, "POST", Chat.path, Chat().request(FAMILY_MODELS["llama"], "hi", stream=False))
        (row,) = wait_for_rows(isolated_env, 1)
    assert answer.status == 200
    assert (row["retries"], row["status"]) == (1, 200)


def test_a_stream_cut_upstream_is_a_failed_row(emulator: EmulatorControl, isolated_env: Path) -> None:
    emulator.fault({"kind": "cut_stream", "after_events": 2})
    with running_gateway(emulator.url, emulator.token) as gw:
        body = Chat().request(FAMILY_MODELS["claude"], "hi", stream=True)
        call(gw.url, "POST", Chat.path, body)
        (row,) = wait_for_rows(isolated_env, 1)
    assert (row["status"], row["error_class"]) == (502, "upstream_failed")


def test_a_caller_that_hangs_up_is_a_499_row(emulator: EmulatorControl, isolated_env: Path) -> None:
    emulator.fault({"kind": "slow_first_byte", "seconds": 1})
    with running_gateway(emulator.url, emulator.token) as gw:
        parts = urlsplit(gw.url)
        data = json.dumps(Messages().request(FAMILY_MODELS["claude"], "hi", stream=True)).encode()
        with socket.create_connection((parts.hostname, parts.port)) as sock:
            head = (
                "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n"
            )
            sock.sendall(head.encode() + data)
            time.sleep(0.2)
        rows = wait_for_rows(isolated_env, 1)
    assert [(r["status"], r["error_class"]) for r in rows] == [(499, "client_closed")]


def test_count_tokens_is_not_a_ledger_row(emulator: EmulatorControl, isolated_env: Path) -> None:
    with running_gateway(emulator.url, emulator.token) as gw:
        body = {"model": FAMILY_MODELS["claude"], "messages": [{"role": "user", "content": "hi"}]}
        assert call(gw.url, "POST", "/v1/messages/count_tokens", body).status == 200
        assert call(gw.url, "POST", Messages.path, {**body, "max_tokens": 50}).status == 200
        rows = wait_for_rows(isolated_env, 1)
    assert [r["api"] for r in rows] == ["messages"]  # only the inference request


# --- the library ----------------------------------------------------------------------------------------


def test_library_calls_are_recorded_with_their_cost(emulator: EmulatorControl, isolated_env: Path) -> None:
    with _workspace(emulator) as ws:
        done = ws.complete_sync(FAMILY_MODELS["llama"], "hi")
        streamed = list(ws.stream_sync(FAMILY_MODELS["claude"], "hi"))
    rows = wait_for_rows(isolated_env, 2)
    assert streamed
    assert [(r["source"], r["agent"], r["model"], r["status"]) for r in rows] == [
        ("library", "python", FAMILY_MODELS["llama"], 200),
        ("library", "python", FAMILY_MODELS["claude"], 200),
    ]
    first = rows[0]
    assert (first["input_tokens"], first["output_tokens"]) == (
        done.usage.input_tokens,
        done.usage.output_tokens,
    )
    assert first["cost_usd"] == pytest.approx(done.cost.usd)
    assert (first["upstream_api"], first["api"], first["route"]) == ("chat", None, None)
    assert rows[1]["streamed"] == 1 and rows[1]["output_tokens"] > 0


def test_library_failures_are_recorded_with_their_status(
    emulator: EmulatorControl, isolated_env: Path
) -> None:
    emulator.fault({"kind": "429", "retry_after": 0, "count": 2})
    emulator.fault({"kind": "cut_stream", "after_events": 2})
    with _workspace(emulator) as ws:
        with pytest.raises(ModelNotFound):
            ws.complete_sync("no-such-model", "hi")
        with pytest.raises(UpstreamRateLimited):
            ws.complete_sync(FAMILY_MODELS["llama"], "hi")
        with pytest.raises(StreamInterrupted):
            list(ws.stream_sync(FAMILY_MODELS["claude"], "hi"))
    rows = wait_for_rows(isolated_env, 3)
    assert [(r["model"], r["status"], r["error_class"], r["retries"]) for r in rows] == [
        ("no-such-model", 404, "not_found", 0),
        (FAMILY_MODELS["llama"], 429, "rate_limited", 1),
        (FAMILY_MODELS["claude"], 502, "upstream_failed", 0),
    ]


@pytest.mark.parametrize("option", [{"usage_ledger": False}, {"persist": False}])
def test_a_workspace_can_opt_out(
    emulator: EmulatorControl, isolated_env: Path, option: dict[str, bool]
) -> None:
    with _workspace(emulator, **option) as ws:
        ws.complete_sync(FAMILY_MODELS["llama"], "hi")
    ledger_for_home().flush()
    assert not ledger_path(isolated_env).exists()


def test_config_switches_the_ledger_off(emulator: EmulatorControl, isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True)
    (isolated_env / "config.toml").write_text("usage_ledger = false\n")
    with running_gateway(emulator.url, emulator.token) as gw:
        assert (
            call(gw.url, "POST", Chat.path, Chat().request(FAMILY_MODELS["llama"], "hi", stream=False)).status
            == 200
        )
        with _workspace(emulator) as ws:
            ws.complete_sync(FAMILY_MODELS["llama"], "hi")
        ledger_for_home().flush()
    assert not ledger_path(isolated_env).exists()


def test_brickgate_run_is_recorded_as_brickgate_run(emulator: EmulatorControl, isolated_env: Path) -> None:
    env = {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}
    result = run_cli("run", "-m", FAMILY_MODELS["llama"], "hello", env=env)
    assert result.returncode == 0, output_of(result)
    rows = ledger_rows(isolated_env)  # the process wrote its row on exit
    assert [(r["agent"], r["source"], r["status"]) for r in rows] == [("brickgate run", "library", 200)]


def test_rows_older_than_the_retention_are_pruned(emulator: EmulatorControl, isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True)
    (isolated_env / "config.toml").write_text("usage_retention_days = 30\n")
    ledger = store.Appender(ledger_path(isolated_env))
    now = time.time()
    ledger.insert(
        [UsageRow(ts=now - 31 * 86400, source="library"), UsageRow(ts=now - 29 * 86400, source="library")]
    )
    ledger.close()
    with _workspace(emulator) as ws:
        ws.complete_sync(FAMILY_MODELS["llama"], "hi")
    rows = wait_for_rows(isolated_env, 2)
    assert [round((now - r["ts"]) / 86400) for r in rows] == [29, 0]


def test_gemini_calls_are_gateway_rows_and_count_tokens_is_not(
    emulator: EmulatorControl, isolated_env: Path
) -> None:
    with running_gateway(emulator.url, emulator.token) as gw:
        assert call(gw.url, "POST", g.path(g.GEMINI_3, "countTokens"), g.request("hi")).status == 200
        assert call(gw.url, "POST", g.path(g.GEMINI_3), g.request("hi")).status == 200  # relayed, SSE
        claude = g.path(FAMILY_MODELS["claude"], "generateContent")
        assert call(gw.url, "POST", claude, g.request("hi")).status == 200  # translated
        array = g.path(FAMILY_MODELS["llama"], sse=False)  # Google's JSON-array stream
        assert call(gw.url, "POST", array, g.request("hi")).status == 200
        rows = wait_for_rows(isolated_env, 3)
    assert len(rows) == 3
    (streamed,) = [r for r in rows if r["model"] == FAMILY_MODELS["llama"]]
    relayed, translated = sorted((r for r in rows if r is not streamed), key=lambda r: r["route"])
    assert (streamed["streamed"], streamed["status"]) == (1, 200) and streamed["ttft_ms"] > 0
    assert (relayed["api"], relayed["upstream_api"], relayed["route"], relayed["streamed"]) == (
        "gemini",
        "gemini",
        "fast",
        1,
    )
    assert (translated["api"], translated["upstream_api"], translated["route"], translated["streamed"]) == (
        "gemini",
        "messages",
        "translated",
        0,
    )
    for row in rows:
        assert row["status"] == 200 and row["input_tokens"] > 0 and row["output_tokens"] > 0
        assert row["cost_usd"] > 0


def test_a_gemini_caller_that_hangs_up_is_a_499_row(emulator: EmulatorControl, isolated_env: Path) -> None:
    emulator.fault({"kind": "slow_first_byte", "seconds": 1})
    with running_gateway(emulator.url, emulator.token) as gw:
        parts = urlsplit(gw.url)
        data = json.dumps(g.request("hi")).encode()
        with socket.create_connection((parts.hostname, parts.port)) as sock:
            head = (
                f"POST {g.path(g.GEMINI_3)} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n"
            )
            sock.sendall(head.encode() + data)
            time.sleep(0.2)
        rows = wait_for_rows(isolated_env, 1)
    assert [(r["api"], r["status"], r["error_class"]) for r in rows] == [("gemini", 499, "client_closed")]
