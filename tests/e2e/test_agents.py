"""The real coding agents through `brickgate serve`, configured only by `brickgate setup AGENT --write`
(files in a fresh home plus the `export` lines it printed), against every model family of the emulated
workspace: the matrix the test run prints (agent_matrix.py) and the README shows.

Each cell asks the agent to run a shell command whose output (`...-42`) appears nowhere in the prompt,
so a passing cell proves: setup's config reached the gateway with the right key, the model's tool call
survived the gateway's translation into the agent's API, the agent really ran the command, and the tool
result made it back upstream to the same model over the API the gateway routes it on (the agent's own when
the model declares it, else the model's best declared one). A cell that cannot work for a reason outside
brickgate is an expected failure with that reason (strict: it fails loudly once it works).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.model_names import vendor_name
from tests.e2e.agent_drivers import DRIVERS, AgentDriver, AgentPhonesHome, GatewayLacksApi
from tests.e2e.agent_install import not_installable_here
from tests.e2e.agent_matrix import CPU_PROPERTY
from tests.e2e.agents_harness import (
    COLUMNS,
    AgentHome,
    Cell,
    ServeProcess,
    diagnosis,
    reached_model,
    run_setup,
)
from tests.e2e.network_trace import outside_contacts, traced

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]  # the first test may install the agents

SUGGESTED_MODEL = re.compile(r"Any other model .*?(--model|-m) (\S+)")  # in setup's closing notes
SERVED_MODEL = re.compile(r"^\S+ POST /v1/\S+ model=(\S+)")


def cell_param(driver: AgentDriver, family: str) -> object:
    marks = (
        [pytest.mark.xfail(raises=GatewayLacksApi, strict=True, reason=driver.blocked)]
        if driver.blocked
        else []
    )
    return pytest.param(driver.name, family, id=f"{driver.name}-{family}", marks=marks)


CELLS = [
    cell_param(driver, column.family)
    for driver in DRIVERS.values()
    for column in COLUMNS
    if column.runs_in(driver.name)
]


def require_installed(driver: AgentDriver) -> None:
    """Agents whose npm install downloads from elsewhere: an expected failure where that cannot work."""
    if driver.package.downloads:
        reason = not_installable_here(driver.package)
        if reason:
            pytest.xfail(reason)


def configured_run(
    driver: AgentDriver,
    cell: Cell,
    serve: ServeProcess,
    emulator: EmulatorControl,
    tmp_path: Path,
    **extra: str,
) -> tuple[AgentHome, list[str]]:
    """Setup into a fresh home; the agent's command line and the gateway-log mark before it runs."""
    require_installed(driver)
    home = AgentHome.create(tmp_path / "agent")
    printed = run_setup(driver.setup_args(cell), home, serve, emulator)
    return home, driver.command(home, cell, printed)


@pytest.mark.parametrize(("agent", "family"), CELLS)
def test_agent_runs_a_shell_command_through_the_family_model(
    agent: str,
    family: str,
    agent_gateway: ServeProcess,
    emulator: EmulatorControl,
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    driver = DRIVERS[agent]
    cell = driver.cell(family)
    home, command = configured_run(driver, cell, agent_gateway, emulator, tmp_path)
    log_mark = len(agent_gateway.lines)

    run = driver.run(command, home, agent_gateway)

    record_property(CPU_PROPERTY, run.cpu_seconds)
    recorded = emulator.requests()
    why = diagnosis(cell, run, agent_gateway, recorded, log_mark=log_mark)
    driver.check_blocked(cell, agent_gateway.lines[log_mark:])
    assert cell.marker in driver.final_answer(run), f"the final answer lacks the command's output{why}"
    assert run.returncode == 0, why
    api = cell.column.upstream_for(driver.inbound_api(cell.column))  # what the model declares decides
    upstream = reached_model(recorded, cell, api)
    assert any(cell.marker in json.dumps(r["body"]) for r in upstream), (
        f"the tool result never reached {cell.endpoint} over {api}{why}"
    )
    inbound = f"POST {driver.inbound_path(cell.column)} model={cell.endpoint} upstream={api}"
    served = agent_gateway.access_lines_since(log_mark, wanted=inbound, count=2)
    assert len(served) >= 2 and all("status=200" in line for line in served), f"expected `{inbound}`{why}"


@pytest.mark.parametrize("agent", ["opencode", "codex", "claude-code"])
def test_agent_reaches_the_other_model_setup_suggests(
    agent: str, agent_gateway: ServeProcess, emulator: EmulatorControl, tmp_path: Path
) -> None:
    driver = DRIVERS[agent]
    cell = driver.cell("suggested")
    home = AgentHome.create(tmp_path / "agent")
    default = driver.cell("claude")
    printed = run_setup(driver.setup_args(default), home, agent_gateway, emulator)
    suggested = SUGGESTED_MODEL.search(printed)
    assert suggested, f"setup names no other model:\n{printed}"
    argv = [cell.prompt if arg == default.prompt else arg for arg in driver.command(home, default, printed)]
    argv[argv.index(suggested.group(1)) + 1] = suggested.group(2)
    log_mark = len(agent_gateway.lines)

    run = driver.run(argv, home, agent_gateway)

    why = diagnosis(cell, run, agent_gateway, emulator.requests(), log_mark=log_mark)
    assert cell.marker in driver.final_answer(run), why
    served = {m.group(1) for m in map(SERVED_MODEL.search, agent_gateway.lines[log_mark:]) if m}
    wanted = vendor_name(suggested.group(2).split("/")[-1])
    assert {vendor_name(endpoint) for endpoint in served} == {wanted}, why


@pytest.mark.parametrize("agent", ["opencode", "codex", "claude-code"])
def test_agent_shows_the_workspace_error_when_the_model_refuses(
    agent: str, agent_gateway: ServeProcess, emulator: EmulatorControl, tmp_path: Path
) -> None:
    driver = DRIVERS[agent]
    cell = driver.cell("llama")
    home, command = configured_run(driver, cell, agent_gateway, emulator, tmp_path)
    emulator.fault({"kind": "400", "model": cell.endpoint, "message": "e2e-refusal-7", "until_reset": True})
    log_mark = len(agent_gateway.lines)

    run = driver.run(command, home, agent_gateway)

    why = diagnosis(cell, run, agent_gateway, emulator.requests(), log_mark=log_mark)
    assert run.returncode != 0 and not run.timed_out, why
    assert "e2e-refusal-7" in run.stdout + run.stderr, why


def strace_param(driver: AgentDriver) -> object:
    family = "codex" if driver.name == "codex" else "claude"
    contacts, why = driver.phones_home
    if not contacts:
        return cell_param(driver, family)
    mark = pytest.mark.xfail(raises=AgentPhonesHome, strict=True, reason=why)
    return pytest.param(driver.name, family, id=f"{driver.name}-{family}", marks=[mark])


@pytest.mark.parametrize(("agent", "family"), [strace_param(driver) for driver in DRIVERS.values()])
def test_agent_configured_by_setup_contacts_nothing_but_the_gateway(
    agent: str, family: str, agent_gateway: ServeProcess, emulator: EmulatorControl, tmp_path: Path
) -> None:
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed")
    driver = DRIVERS[agent]
    cell = driver.cell(family)
    home, command = configured_run(driver, cell, agent_gateway, emulator, tmp_path)
    log_mark = len(agent_gateway.lines)
    trace = tmp_path / "network.trace"

    run = driver.run(traced(command, trace), home, agent_gateway)

    why = diagnosis(cell, run, agent_gateway, emulator.requests(), log_mark=log_mark)
    contacts = outside_contacts(trace.read_text(), agent_gateway.port)
    known, reason = driver.phones_home
    assert [c for c in contacts if c not in known] == [], why
    driver.check_blocked(cell, agent_gateway.lines[log_mark:])
    assert cell.marker in driver.final_answer(run), why
    if contacts:
        raise AgentPhonesHome(f"{reason}: {', '.join(contacts)}")
