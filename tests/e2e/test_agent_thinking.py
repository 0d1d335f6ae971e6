"""The model's thinking reaches the real agents as thinking (issue 13): Claude Code with GLM shows
`thinking` blocks (GLM returns `reasoning_content`), Codex with Gemini 3 shows reasoning items (Gemini
returns reasoning parts, and only when asked), each while running a shell command through the gateway.

Configured by `brickgate setup AGENT --write --model ENDPOINT` (the user's own model as the default, so the
output cap setup writes is that model's). The only thing added by hand is the user's choice of a reasoning
effort for Codex (`-c model_reasoning_effort=medium`): Codex asks for reasoning on its own only for the
models in its built-in catalog.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from brickgate.emulator.control_client import EmulatorControl
from tests.e2e.agent_drivers import DRIVERS
from tests.e2e.agents_harness import AgentHome, Cell, Column, ServeProcess, diagnosis, json_lines, run_setup

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]


@dataclass(frozen=True)
class ThinkingCell(Cell):
    """A cell for a model outside the matrix's columns, with a prompt that asks the model to think."""

    model: str = ""

    @property
    def column(self) -> Column:
        return Column(self.family, self.model, "chat")

    @property
    def prompt(self) -> str:
        return f"Think it through, then run the command `{self.command}` and tell me what it printed."


def thinking_run(
    agent: str, model: str, agent_gateway: ServeProcess, emulator: EmulatorControl, tmp_path: Path
) -> tuple[ThinkingCell, list[str], str, str]:
    """(cell, the agent's stdout lines as JSON objects' text, its final answer, the failure diagnosis)."""
    driver = DRIVERS[agent]
    cell = ThinkingCell(agent, model.removeprefix("databricks-"), model=model)
    home = AgentHome.create(tmp_path / "agent")
    printed = run_setup([*driver.setup_args(cell), "--model", model], home, agent_gateway, emulator)
    argv = driver.command(home, cell, printed)
    if agent == "claude-code":  # every message, thinking blocks included
        argv[argv.index("json")] = "stream-json"
        argv.append("--verbose")
    if agent == "codex":
        argv[argv.index("exec") + 1 : argv.index("exec") + 1] = ["-c", 'model_reasoning_effort="medium"']
    log_mark = len(agent_gateway.lines)
    run = driver.run(argv, home, agent_gateway)
    why = diagnosis(cell, run, agent_gateway, emulator.requests(), log_mark=log_mark)
    assert run.returncode == 0, why
    assert cell.marker in driver.final_answer(run), f"the final answer lacks the command's output{why}"
    served = [
        r
        for r in emulator.requests()
        if r.get("status") == 200 and (r.get("body") or {}).get("model") == model
    ]
    assert any(cell.marker in json.dumps(r["body"]) for r in served), (
        f"the tool result never reached {model}{why}"
    )
    return cell, [json.dumps(d) for d in json_lines(run.stdout)], driver.final_answer(run), why


def test_claude_code_shows_glm_thinking_as_thinking_blocks(
    agent_gateway: ServeProcess, emulator: EmulatorControl, tmp_path: Path
) -> None:
    _, lines, _, why = thinking_run("claude-code", "databricks-glm-5-3", agent_gateway, emulator, tmp_path)
    blocks = [
        block
        for line in lines
        for block in (json.loads(line).get("message") or {}).get("content") or []
        if isinstance(block, dict) and json.loads(line).get("type") == "assistant"
    ]
    thinking = [b["thinking"] for b in blocks if b.get("type") == "thinking"]
    assert thinking and all(t.startswith("The user wrote") for t in thinking), why
    assert not any("The user wrote" in str(b.get("text", "")) for b in blocks), "thinking shown as text" + why


def test_codex_shows_gemini_reasoning_as_reasoning_items(
    agent_gateway: ServeProcess, emulator: EmulatorControl, tmp_path: Path
) -> None:
    _, lines, answer, why = thinking_run(
        "codex", "databricks-gemini-3-5-flash", agent_gateway, emulator, tmp_path
    )
    items = [json.loads(line).get("item") or {} for line in lines]
    reasoning = [i.get("text", "") for i in items if i.get("type") == "reasoning"]
    assert reasoning and all(r.startswith("The user wrote") for r in reasoning), why
    assert "The user wrote" not in answer, "reasoning shown as the answer" + why
