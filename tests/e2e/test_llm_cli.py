"""Simon Willison's `llm` (pinned 0.36, a test dependency) reading exactly what `brickgate setup llm --write`
wrote: GPT and Codex over its Responses support, tools, reasoning and schema options where the model's
route takes them, the rest over Chat Completions."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ConfigureAgent

pytestmark = pytest.mark.e2e
LLM = str(Path(sys.executable).with_name("llm"))  # installed with the test dependencies


def run_llm(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LLM, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def access_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "brickgate.access"]


@pytest.fixture
def llm_env(configure_agent: ConfigureAgent, caplog: pytest.LogCaptureFixture) -> dict[str, str]:
    caplog.set_level(logging.INFO, logger="brickgate.access")
    return {"PATH": "/usr/bin:/bin", **configure_agent("llm")}


@pytest.mark.parametrize(
    ("model", "route"),
    [("databricks-gpt-5-2", "/v1/responses"), ("databricks-gpt-oss-20b", "/v1/chat/completions")],
)
def test_llm_reaches_each_model_over_the_api_setup_chose(
    llm_env: dict[str, str], caplog: pytest.LogCaptureFixture, model: str, route: str
) -> None:
    done = run_llm(llm_env, "-m", model, "hi")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Hello from {model}")
    assert any(
        line.startswith(f"POST {route} model={model} ") and "status=200" in line
        for line in access_lines(caplog)
    )


def test_llm_runs_a_tool_through_the_responses_api(
    llm_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    done = run_llm(
        llm_env, "-m", "databricks-gpt-5-2-codex", "-T", "llm_version", "--td", "run the marker command"
    )
    assert done.returncode == 0, done.stderr
    assert "The command printed:" in done.stdout  # llm ran its tool and sent the result back
    posts = [
        line
        for line in access_lines(caplog)
        if line.startswith("POST /v1/responses model=databricks-gpt-5-2-codex ")
    ]
    assert len(posts) == 2 and all("status=200" in line for line in posts)


def test_llm_reasoning_and_schema_options_reach_gpt(llm_env: dict[str, str], emulator: Any) -> None:
    done = run_llm(
        llm_env, "-m", "databricks-gpt-5-2", "-o", "reasoning_effort", "low", "--schema", "answer str", "hi"
    )
    assert done.returncode == 0, done.stderr
    sent = [r["body"] for r in emulator.requests() if str(r.get("path", "")).endswith("/responses")]
    assert sent[-1]["reasoning"]["effort"] == "low"
    assert sent[-1]["text"]["format"]["type"] == "json_schema"


def test_llm_refuses_a_schema_for_claude_whose_route_takes_none(llm_env: dict[str, str]) -> None:
    done = run_llm(llm_env, "-m", "databricks-claude-sonnet-4-5", "--schema", "answer str", "hi")
    assert done.returncode != 0
    assert "schema" in done.stderr.lower()
