"""The real aider (pinned 0.86.2, installed into its own venv in the agent cache on first use) started in a
new shell with nothing but what `brickgate setup aider --write` wrote: `.aider.conf.yml` carries the gateway's
URL, key and model, so no OPENAI_* variable redirects other clients in the user's shell."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from brickgate.gateway.server import RunningGateway
from tests.cli_harness import output_of, run_cli
from tests.e2e.agent_install import PACKAGES, InstallError, binary_path, ensure_installed
from tests.e2e.agents_harness import AgentHome, run_agent, with_exports
from tests.e2e.conftest import agent_environment

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1800)]  # the first run installs aider (~1.5 CPU-min)
AIDER = PACKAGES["aider"]


@pytest.fixture(scope="session")
def aider() -> str:
    try:
        ensure_installed([AIDER])
    except InstallError as exc:
        problem = str(exc)
    else:
        return str(binary_path(AIDER))
    pytest.fail(problem, pytrace=False)


def test_aider_reaches_the_gateway_from_its_own_config_alone(
    aider: str, gateway: RunningGateway, emulator: Any, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.INFO, logger="brickgate.access")
    home = AgentHome.create(tmp_path / "aider")
    port = str(urlsplit(gateway.url).port)
    workspace = {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}
    setup_env = {**agent_environment(home.home), **workspace}
    printed = run_cli(
        "setup",
        "aider",
        "--write",
        "--offline",
        "--port",
        port,
        "--model",
        "claude-sonnet-4-5",
        env=setup_env,
    )
    assert printed.returncode == 0, output_of(printed)
    shell = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home.home), "LANG": "C.UTF-8"}
    flags = ["--message", "hello there", "--yes-always", "--no-git", "--no-pretty", "--no-fancy-input"]

    run = run_agent(with_exports(printed.stdout, [aider, *flags]), home, shell, timeout=300)

    assert run.returncode == 0, run.tail()
    assert "Hello from databricks-claude-sonnet-4-5" in run.stdout, run.tail()
    lines = [r.getMessage() for r in caplog.records if r.name == "brickgate.access"]
    assert any(
        line.startswith("POST /v1/chat/completions model=databricks-claude-sonnet-4-5 ")
        and "status=200" in line
        for line in lines
    ), lines
