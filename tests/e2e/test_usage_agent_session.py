"""Done-when for the usage ledger: after real agent sessions through `brickgate serve` (Claude Code on a
Claude model and on Llama, Codex on GPT), `brickgate usage` and the gateway's dashboard show the same
totals as the upstream reported, read from its own answers by a tap between the gateway and the emulator."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from brickgate.emulator.control_client import EmulatorControl
from tests.e2e.agent_drivers import DRIVERS
from tests.e2e.agents_harness import AgentHome, diagnosis, run_setup, start_serve
from tests.gateway_harness import call
from tests.ledger_harness import usage_json
from tests.usage_tap import UsageTap

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]
SESSIONS = [("claude-code", "claude"), ("claude-code", "llama"), ("codex", "gpt")]


def _dashboard_totals(url: str, key: str) -> dict[str, float]:
    page = call(url, "GET", "/ui", headers={"authorization": f"Bearer {key}"})
    assert page.status == 200
    cards = re.findall(r'data-total="([^"]+)" data-value="([^"]*)"', page.body.decode())
    return {name: float(value) for name, value in cards if value not in ("", "None")}


def test_usage_and_dashboard_match_the_upstream_after_agent_sessions(
    agent_install: dict[str, float], emulator: EmulatorControl, tmp_path: Path
) -> None:
    home = tmp_path / "serve-home"
    with UsageTap(emulator.url) as tap:
        serve = start_serve(tap.url, emulator.token, home)
        try:
            for agent, family in SESSIONS:
                driver = DRIVERS[agent]
                cell = driver.cell(family)
                agent_home = AgentHome.create(tmp_path / f"{agent}-{family}")
                printed = run_setup(driver.setup_args(cell), agent_home, serve, emulator)
                run = driver.run(driver.command(agent_home, cell, printed), agent_home, serve)
                why = diagnosis(cell, run, serve, emulator.requests(), log_mark=0)
                assert cell.marker in driver.final_answer(run), f"the agent session failed{why}"
            upstream = tap.totals()
            dashboard = _dashboard_totals(serve.url, serve.api_key)  # the page waits for queued rows
        finally:
            serve.stop()  # Ctrl-C: the ledger thread writes what is still queued
    report = usage_json(env={"BRICKGATE_HOME": str(home)})
    totals: dict[str, Any] = report["totals"]
    statuses = {
        g["key"]: g["requests"]
        for g in usage_json("--by", "status", env={"BRICKGATE_HOME": str(home)})["groups"]
    }
    recorded_input = totals["input_tokens"] + totals["cache_read_tokens"] + totals["cache_write_tokens"]

    assert upstream.requests >= 2 * len(SESSIONS)  # each session at least asked and answered a tool call
    assert statuses.get("200") == upstream.requests
    assert (recorded_input, totals["output_tokens"]) == (upstream.input_tokens, upstream.output_tokens)
    assert (totals["cache_read_tokens"], totals["cache_write_tokens"]) == (
        upstream.cache_read_tokens,
        upstream.cache_write_tokens,
    )
    assert dashboard["requests"] == totals["requests"]
    assert (dashboard["input tokens"], dashboard["output tokens"]) == (
        recorded_input,
        totals["output_tokens"],
    )
    assert dashboard["spend"] == pytest.approx(totals["cost_usd"], rel=1e-9)
    agents = {g["key"] for g in usage_json("--by", "agent", env={"BRICKGATE_HOME": str(home)})["groups"]}
    assert {"claude-code", "codex"} <= agents
