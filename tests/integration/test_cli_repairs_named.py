"""The per-model repairs are named where a user looks: `run --json`'s `repairs` and `--debug`'s log."""

from __future__ import annotations

import json

from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of, run_cli


def test_run_names_the_reasoning_knob_repair_in_json_and_debug(emulator: EmulatorControl) -> None:
    env = {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}
    args = ("run", "-m", "claude-sonnet-4-6", "--reasoning", "--json", "Think about it, then say hi")
    result = run_cli("--debug", *args, env=env)
    assert result.returncode == 0, output_of(result)
    done = json.loads(result.stdout)
    assert done["reasoning"].startswith("The user wrote")  # asked as an effort, sent as a thinking budget
    assert "fit_reasoning_knobs" in done["repairs"]
    assert "repairs for databricks-claude-sonnet-4-6 on messages: " in result.stderr
    assert "fit_reasoning_knobs" in result.stderr.split("repairs for databricks-claude-sonnet-4-6")[1]
