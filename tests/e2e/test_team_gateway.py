"""A real agent through a team gateway run as a Databricks App: the app `brickgate app init` wrote, started
as the platform starts it, behind the in-test Apps front proxy, against the emulator. Claude Code is
configured by `brickgate setup claude-code --gateway URL` alone: its apiKeyHelper runs `brickgate token`
for the user's own token, which the proxy forwards and the gateway sends upstream as that user."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from brickgate.emulator.control_client import EmulatorControl
from tests.apps_proxy import AppsProxy
from tests.cli_harness import CLI
from tests.e2e.agent_drivers import DRIVERS
from tests.e2e.agents_harness import AgentHome, Cell, run_agent
from tests.integration.test_databricks_app import EMAILS, run_app
from tests.team_harness import ALICE

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]


def test_claude_code_reaches_the_app_with_its_users_own_token(
    agent_install: dict[str, float], team: EmulatorControl, tmp_path: Path, isolated_env: Path
) -> None:
    driver, cell = DRIVERS["claude-code"], Cell("claude-code", "claude")
    home = AgentHome.create(tmp_path / "agent")
    login = {"DATABRICKS_HOST": team.url, "DATABRICKS_TOKEN": ALICE}  # ALICE's own login on her machine
    with run_app(tmp_path / "team-gateway", team, isolated_env) as app, AppsProxy(app.url, EMAILS) as proxy:
        setup = subprocess.run(
            [*CLI, "setup", "claude-code", "--offline", "--gateway", proxy.url + "/api", "--write"],
            env=home.env(CLAUDE_CONFIG_DIR="", **login),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert setup.returncode == 0, setup.stdout + setup.stderr
        run = run_agent(driver.argv(home, cell), home, home.env(**login, **driver.package.env()))
        log = app.output()
    assert cell.marker in driver.final_answer(run), f"{run.tail()}\n--- app log ---\n{log}"
    assert "user=alice@example.com" in log
    assert ALICE not in log
    tags = [r["request_tags"] for r in team.requests() if r["request_tags"]]
    assert tags and {t.get("user") for t in tags} == {"alice@example.com"}
