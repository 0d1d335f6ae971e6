"""Shared by the e2e tests: a gateway per module in front of the session's emulator, and agent configs
written by `brickgate setup AGENT --write` (the real command) into a private home.

Use ``gateway.url`` (no ``/v1``) as the Anthropic base URL and ``gateway.url + "/v1"`` for OpenAI clients.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from brickgate.gateway.server import RunningGateway
from tests.cli_harness import output_of, run_cli
from tests.gateway_harness import running_gateway

ConfigureAgent = Callable[[str], dict[str, str]]


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    """A loopback gateway (any client key accepted) holding a PAT for the emulated workspace."""
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


def agent_environment(home: Path) -> dict[str, str]:
    """Every place an agent looks for its config, inside ``home``."""
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "CODEX_HOME": str(home / ".codex"),
        "LLM_USER_PATH": str(home / "llm"),
        "OPENCODE_CONFIG": "",
        "CLAUDE_CONFIG_DIR": "",
    }


@pytest.fixture
def configure_agent(gateway: RunningGateway, emulator: Any, tmp_path: Path) -> ConfigureAgent:
    """``configure_agent("codex")`` runs `brickgate setup codex --write --port <gateway port>` into a fresh
    home and returns the environment to start the agent with (its home dirs plus any printed exports)."""

    def configure(agent: str) -> dict[str, str]:
        home = tmp_path / f"{agent}-home"
        home.mkdir()
        env = agent_environment(home)
        port = str(urlsplit(gateway.url).port)
        workspace = {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}
        result = run_cli("setup", agent, "--write", "--port", port, env={**env, **workspace})
        assert result.returncode == 0, output_of(result)
        for line in result.stdout.splitlines():
            words = shlex.split(line.strip())
            if len(words) == 2 and words[0] == "export" and "=" in words[1]:
                name, value = words[1].split("=", 1)
                env[name] = value
        return env

    return configure


# --- the real coding agents (test_agents.py) ----------------------------------------------------------


@pytest.fixture(scope="session")
def agent_install() -> dict[str, float]:
    """Every coding agent at its pinned version (installed once into the cache, in parallel). Missing
        node/npm or a failed install FAILS the agent tests: they must never pass by not running. Packages that
        download from outside the registry are tried by their own rows (see ``not_installable_here``); aider
    (PyPI, ~1.5 CPU-minutes to install) by its own test."""
    from tests.e2e.agent_install import PACKAGES, InstallError, ensure_installed

    try:
        return ensure_installed([p for p in PACKAGES.values() if not (p.downloads or p.pip)])
    except InstallError as exc:
        problem = str(exc)
    pytest.fail(problem, pytrace=False)  # outside `except`: no chained traceback in the report


@pytest.fixture(scope="session")
def agent_gateway(
    agent_install: dict[str, float], emulator_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """`brickgate serve --api-key` as a real subprocess in front of the session's emulator."""
    from tests.e2e.agents_harness import start_serve

    serve = start_serve(emulator_server.url, emulator_server.token, tmp_path_factory.mktemp("serve-home"))
    yield serve
    serve.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tag each agent x family test so the summary can build the matrix (also from xdist workers)."""
    from tests.e2e.agent_matrix import tag_matrix_cells

    tag_matrix_cells(items, test_name="test_agent_runs_a_shell_command_through_the_family_model")
