"""The real coding agents (opencode, Codex CLI, Claude Code) through `brickgate serve`, configured only
by `brickgate setup AGENT --write`, against every model family of the emulated workspace.

Each cell asks the agent to run a shell command whose output (`...-42`) appears nowhere in the prompt,
so a passing cell proves: setup's config reached the gateway with the right key, the model's tool call
survived the gateway's translation into the agent's API, the agent really ran the command, and the tool
result made it back upstream to the same model over the family's own API.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.model_names import vendor_name
from tests.e2e.agent_drivers import DRIVERS, INBOUND_PATHS
from tests.e2e.agents_harness import (
    FAMILY_ENDPOINTS,
    AgentHome,
    Cell,
    ServeProcess,
    diagnosis,
    outside_contacts,
    reached_model,
    run_agent,
    run_setup,
    traced,
    upstream_api,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]  # the first test may install the agents

SUGGESTED_MODEL = re.compile(r"(?:Any|Other) .*?(--model|-m) (\S+)")  # in setup's closing notes
SERVED_MODEL = re.compile(r"^\S+ POST /v1/\S+ model=(\S+)")
INBOUND_API = {path: api for api, path in INBOUND_PATHS.items()}
CELLS = [
    pytest.param(agent, family, id=f"{agent}-{family}") for agent in DRIVERS for family in FAMILY_ENDPOINTS
]


@pytest.mark.parametrize(("agent", "family"), CELLS)
def test_agent_runs_a_shell_command_through_the_family_model(
    agent: str, family: str, agent_gateway: ServeProcess, emulator: EmulatorControl, tmp_path: Path
) -> None:
    driver, cell = DRIVERS[agent], Cell(agent, family)
    home = AgentHome.create(tmp_path / "agent")
    run_setup(driver.setup_agent, home, agent_gateway, emulator)
    driver.prepare(home)
    log_mark = len(agent_gateway.lines)

    run = run_agent(driver.argv(home, cell), home, driver.env(home, agent_gateway))

    recorded = emulator.requests()
    why = diagnosis(cell, run, agent_gateway, recorded, log_mark=log_mark)
    assert cell.marker in driver.final_answer(run), f"the final answer lacks the command's output{why}"
    assert run.returncode == 0, why
    upstream = reached_model(recorded, cell)
    assert any(cell.marker in json.dumps(r["body"]) for r in upstream), (
        f"the tool result never reached {cell.endpoint} over its own API{why}"
    )
    upstream = upstream_api(family, INBOUND_API[driver.inbound_path(family)])
    inbound = f"POST {driver.inbound_path(family)} model={cell.endpoint} upstream={upstream}"
    served = agent_gateway.access_lines_since(log_mark, wanted=inbound, count=2)
    assert len(served) >= 2 and all("status=200" in line for line in served), f"expected `{inbound}`{why}"


@pytest.mark.parametrize("agent", ["opencode", "codex", "claude-code"])
def test_agent_reaches_the_other_model_setup_suggests(
    agent: str, agent_gateway: ServeProcess, emulator: EmulatorControl, tmp_path: Path
) -> None:
    driver, cell = DRIVERS[agent], Cell(agent, "suggested")
    home = AgentHome.create(tmp_path / "agent")
    printed = run_setup(driver.setup_agent, home, agent_gateway, emulator)
    suggested = SUGGESTED_MODEL.search(printed)
    assert suggested, f"setup names no other model:\n{printed}"
    default = Cell(agent, "claude")
    argv = [cell.prompt if arg == default.prompt else arg for arg in driver.argv(home, default)]
    argv[argv.index(suggested.group(1)) + 1] = suggested.group(2)
    log_mark = len(agent_gateway.lines)

    run = run_agent(argv, home, driver.env(home, agent_gateway))

    why = diagnosis(cell, run, agent_gateway, emulator.requests(), log_mark=log_mark)
    assert cell.marker in driver.final_answer(run), why
    served = {m.group(1) for m in map(SERVED_MODEL.search, agent_gateway.lines[log_mark:]) if m}
    wanted = vendor_name(suggested.group(2).split("/")[-1])
    assert {vendor_name(endpoint) for endpoint in served} == {wanted}, why


@pytest.mark.parametrize("agent", ["opencode", "codex", "claude-code"])
def test_agent_shows_the_workspace_error_when_the_model_refuses(
    agent: str, agent_gateway: ServeProcess, emulator: EmulatorControl, tmp_path: Path
) -> None:
    driver, cell = DRIVERS[agent], Cell(agent, "llama")
    home = AgentHome.create(tmp_path / "agent")
    run_setup(driver.setup_agent, home, agent_gateway, emulator)
    emulator.fault({"kind": "400", "model": cell.endpoint, "message": "e2e-refusal-7", "until_reset": True})
    log_mark = len(agent_gateway.lines)

    run = run_agent(driver.argv(home, cell), home, driver.env(home, agent_gateway))

    why = diagnosis(cell, run, agent_gateway, emulator.requests(), log_mark=log_mark)
    assert run.returncode != 0 and not run.timed_out, why
    assert "e2e-refusal-7" in run.stdout + run.stderr, why


@pytest.mark.parametrize(
    ("agent", "family"), [("opencode", "claude"), ("codex", "codex"), ("claude-code", "claude")]
)
def test_agent_configured_by_setup_contacts_nothing_but_the_gateway(
    agent: str, family: str, agent_gateway: ServeProcess, emulator: EmulatorControl, tmp_path: Path
) -> None:
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed")
    driver, cell = DRIVERS[agent], Cell(agent, family)
    home = AgentHome.create(tmp_path / "agent")
    run_setup(driver.setup_agent, home, agent_gateway, emulator)
    log_mark = len(agent_gateway.lines)
    trace = tmp_path / "network.trace"

    run = run_agent(traced(driver.argv(home, cell), trace), home, driver.env(home, agent_gateway))

    why = diagnosis(cell, run, agent_gateway, emulator.requests(), log_mark=log_mark)
    assert cell.marker in driver.final_answer(run), why
    assert outside_contacts(trace.read_text(), agent_gateway.port) == [], why
