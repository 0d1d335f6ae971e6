"""``Databricks-Ai-Gateway-Request-Tags`` on every upstream call (research databricks-2026.md §4.2), as the
emulator records it: gateway calls (relayed and translated, from the real SDKs), library calls and the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from brickgate.auth import Credentials
from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.server import RunningGateway
from brickgate.workspace import Workspace
from tests.cli_harness import output_of, run_cli
from tests.gateway_harness import DIALECTS, call, running_gateway

openai = pytest.importorskip("openai")
anthropic = pytest.importorskip("anthropic")

HEADER = "Databricks-Ai-Gateway-Request-Tags"


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


def recorded(emulator: EmulatorControl) -> list[Any]:
    return [r["request_tags"] for r in emulator.requests()]


def raw_header(emulator: EmulatorControl) -> str:
    value: str = emulator.requests()[-1]["headers"][HEADER.lower()]
    return value


def test_sdk_calls_through_the_gateway_are_tagged_with_client_and_agent(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    oa = openai.OpenAI(base_url=gateway.url + "/v1", api_key="any", max_retries=0)
    oa.chat.completions.create(
        model="databricks-glm-5-3", messages=[{"role": "user", "content": "hi"}]
    )  # relay
    oa.responses.create(model="databricks-claude-sonnet-4-5", input="hi")  # translated to Messages
    claude = anthropic.Anthropic(base_url=gateway.url, api_key="any", max_retries=0)
    claude.messages.create(
        model="databricks-claude-sonnet-4-5", max_tokens=100, messages=[{"role": "user", "content": "hi"}]
    )
    assert recorded(emulator) == [
        {"client": "brickgate", "agent": "OpenAI"},
        {"client": "brickgate", "agent": "OpenAI"},
        {"client": "brickgate", "agent": "Anthropic"},
    ]
    assert raw_header(emulator) == '{"client":"brickgate","agent":"Anthropic"}'  # compact, one line


@pytest.mark.parametrize("api", sorted(DIALECTS))
def test_the_callers_own_tags_are_kept_and_win_a_clash(
    gateway: RunningGateway, emulator: EmulatorControl, api: str
) -> None:
    dialect = DIALECTS[api]
    headers = {"User-Agent": "claude-cli/2.1.330 (external, cli)", HEADER: '{"client":"mine","team":"ml"}'}
    body = dialect.request("databricks-claude-sonnet-4-5", "hi", stream=True)
    assert call(gateway.url, "POST", dialect.path, body, headers).status == 200
    assert recorded(emulator) == [{"client": "mine", "agent": "claude-cli", "team": "ml"}]


@pytest.mark.parametrize("api", sorted(DIALECTS))
def test_a_caller_tag_header_that_is_not_json_is_a_400_in_the_callers_shape(
    gateway: RunningGateway, emulator: EmulatorControl, api: str
) -> None:
    dialect = DIALECTS[api]
    body = dialect.request("databricks-glm-5-3", "hi", stream=False)
    answer = call(gateway.url, "POST", dialect.path, body, {HEADER: "team=ml"})
    assert answer.status == 400
    message = answer.json()["error"]["message"]
    assert HEADER in message and "JSON object" in message
    assert emulator.requests() == []


def test_tags_from_config_and_environment_are_merged(
    emulator: EmulatorControl, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolated_env.mkdir(parents=True, exist_ok=True)
    (isolated_env / "config.toml").write_text('[request_tags]\nteam = "data"\nproject = "p1"\n')
    (isolated_env / "config.toml").chmod(0o600)
    monkeypatch.setenv("BRICKGATE_REQUEST_TAGS", '{"team":"ml"}')
    with running_gateway(emulator.url, emulator.token) as gw:
        body = DIALECTS["chat"].request("databricks-glm-5-3", "hi", stream=False)
        assert call(gw.url, "POST", "/v1/chat/completions", body, {"User-Agent": "pi/1.2"}).status == 200
    assert recorded(emulator) == [{"client": "brickgate", "agent": "pi", "team": "ml", "project": "p1"}]


def test_library_calls_say_brickgate_sent_them(emulator: EmulatorControl) -> None:
    with Workspace(credentials=Credentials.pat(emulator.url, emulator.token)) as ws:
        ws.complete_sync("databricks-glm-5-3", "hi")
    assert recorded(emulator) == [{"client": "brickgate"}]


def test_cli_calls_say_brickgate_sent_them(emulator: EmulatorControl) -> None:
    env = {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}
    result = run_cli("run", "-m", "glm-5-3", "hi", env={**env, "BRICKGATE_REQUEST_TAGS": '{"ticket":"X-1"}'})
    assert result.returncode == 0, output_of(result)
    assert recorded(emulator) == [{"client": "brickgate", "ticket": "X-1"}]


def test_malformed_environment_tags_stop_the_cli_with_the_fix(emulator: EmulatorControl) -> None:
    env = {
        "DATABRICKS_HOST": emulator.url,
        "DATABRICKS_TOKEN": emulator.token,
        "BRICKGATE_REQUEST_TAGS": "ml",
    }
    result = run_cli("run", "-m", "glm-5-3", "hi", env=env)
    assert result.returncode != 0
    out = output_of(result)
    assert "BRICKGATE_REQUEST_TAGS is not valid JSON" in out and "Traceback" not in out
    assert emulator.requests() == []


def test_malformed_environment_tags_stop_the_gateway_at_start(emulator: EmulatorControl) -> None:
    env = {
        "DATABRICKS_HOST": emulator.url,
        "DATABRICKS_TOKEN": emulator.token,
        "BRICKGATE_REQUEST_TAGS": "[1]",
    }
    result = run_cli("serve", "--port", "0", env=env, timeout=60)
    assert result.returncode != 0
    out = output_of(result)
    assert "BRICKGATE_REQUEST_TAGS must be a JSON object" in out and "Traceback" not in out
    assert emulator.token not in out
