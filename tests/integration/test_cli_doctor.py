"""`brickgate doctor` as a real subprocess against the emulator: the table, --json, -m, exit codes."""

from __future__ import annotations

import json

from brickgate.emulator import workspace_2025
from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of, run_cli

GEMMA = "databricks-gemma-3-12b"
LLAMA = "databricks-meta-llama-3-3-70b-instruct"
REFUSAL = "Function calling is not enabled for this endpoint."


def env_for(emulator: EmulatorControl) -> dict[str, str]:
    return {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}


def break_gemma_tools(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "400", "model": GEMMA, "when": "tools", "until_reset": True, "message": REFUSAL})


def test_doctor_prints_a_table_of_every_model_and_exits_0_when_all_pass(emulator: EmulatorControl) -> None:
    emulator.set_endpoints(workspace_2025())  # the 2026 line-up needs issue 12/13's routing first
    result = run_cli("doctor", env=env_for(emulator))
    assert result.returncode == 0, output_of(result)
    header = next(line for line in result.stdout.splitlines() if "plain" in line)
    columns = [cell.strip() for cell in header.split("┃")[1:-1]]
    assert columns == [
        "model",
        "family",
        "API, surface",
        "plain",
        "stream",
        "tools",
        "image",
        "reasoning",
        "repairs applied",
    ]
    rows = [line.split("│")[1].strip() for line in result.stdout.splitlines() if line.startswith("│ ")]
    assert {GEMMA, LLAMA, "my-custom-chat"} <= set(rows)
    assert "databricks-gemini-3-pro" in result.stdout and "attach_thought_signatures" in result.stdout
    assert "FAIL" not in result.stdout
    assert "models passed every probe that applies to them" in result.stdout


def test_doctor_exits_1_and_shows_the_upstream_error_of_a_broken_model(emulator: EmulatorControl) -> None:
    emulator.set_endpoints(workspace_2025())  # the 2026 line-up needs issue 12/13's routing first
    break_gemma_tools(emulator)
    result = run_cli("doctor", env=env_for(emulator))
    assert result.returncode == 1, output_of(result)
    gemma_row = next(line for line in result.stdout.splitlines() if line.startswith(f"│ {GEMMA} "))
    assert [cell.strip() for cell in gemma_row.split("│")[4:8]] == ["pass", "pass", "FAIL", "pass"]
    assert f"{GEMMA} tools: HTTP 400 BAD_REQUEST: {REFUSAL}" in result.stdout
    assert f"models failed a probe: {GEMMA}." in result.stdout
    assert "Traceback" not in result.stderr


def test_doctor_json_lists_each_probe_with_ok_latency_and_error(emulator: EmulatorControl) -> None:
    break_gemma_tools(emulator)
    result = run_cli("doctor", "-m", "gemma-3-12b", "-m", "databricks/meta-llama-3-3-70b-instruct", "--json",
                     env=env_for(emulator))  # fmt: skip
    assert result.returncode == 1, output_of(result)
    gemma, llama = json.loads(result.stdout)
    assert (gemma["model"], gemma["api"], gemma["ok"], llama["ok"]) == (GEMMA, "chat", False, True)
    assert gemma["surface"] == "ai-gateway" and gemma["repairs"] == ["drop_stream_options"]
    assert gemma["probes"]["tools"]["error"] == f"HTTP 400 BAD_REQUEST: {REFUSAL}"
    assert gemma["probes"]["plain"]["ok"] is True and gemma["probes"]["plain"]["latency_ms"] >= 0
    assert llama["probes"]["image"] == {"ok": None, "latency_ms": None, "error": None}
    assert result.stderr == ""


def test_doctor_json_never_shows_the_token(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "400", "model": LLAMA, "until_reset": True, "message": f"bad {emulator.token}"})
    result = run_cli("doctor", "-m", LLAMA, "--json", env=env_for(emulator))
    assert result.returncode == 1, output_of(result)
    assert "bad ****" in result.stdout
    assert emulator.token not in output_of(result)


def test_doctor_with_an_unknown_model_says_did_you_mean_and_probes_nothing(emulator: EmulatorControl) -> None:
    result = run_cli("doctor", "-m", "gema-3-12b", env=env_for(emulator))
    assert result.returncode == 1
    assert f"did you mean {GEMMA}" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert emulator.requests() == []


def test_doctor_on_a_workspace_without_chat_models_says_so_and_exits_0(emulator: EmulatorControl) -> None:
    emulator.set_endpoints([{"name": "databricks-gte-large-en", "kind": "embedding"}])
    result = run_cli("doctor", env=env_for(emulator))
    assert result.returncode == 0, output_of(result)
    assert "No chat models are served by this workspace" in result.stdout
