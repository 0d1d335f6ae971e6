"""`brickgate doctor`'s reasoning probe as a real subprocess against the emulator: each model that claims
reasoning is asked for it in its own API, and passes only when reasoning comes back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of, run_cli

REASONING_MODELS = (
    "databricks-claude-sonnet-4-6",  # manual budget, thinking blocks
    "databricks-claude-opus-5-5",  # adaptive: an empty, signed thinking block
    "databricks-gpt-5-5",  # Responses summary items
    "databricks-gemini-3-8-flash",  # reasoning parts, only when asked
    "databricks-glm-5-3",  # reasoning_content
)


def doctor_json(emulator: EmulatorControl, *models: str) -> tuple[int, list[dict[str, Any]], str]:
    args = [arg for model in models for arg in ("-m", model)]
    env = {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}
    result = run_cli("doctor", *args, "--json", env=env)
    return result.returncode, json.loads(result.stdout or "[]"), output_of(result)


def test_every_model_that_claims_reasoning_shows_it_when_asked(emulator: EmulatorControl) -> None:
    code, reports, output = doctor_json(emulator, *REASONING_MODELS)
    assert code == 0, output
    assert {r["model"]: r["probes"]["reasoning"]["ok"] for r in reports} == dict.fromkeys(
        REASONING_MODELS, True
    )
    sonnet = next(r for r in reports if r["model"] == "databricks-claude-sonnet-4-6")
    assert "fit_reasoning_knobs" in sonnet["repairs"]  # asked for an effort, sent as a thinking budget
    glm = next(r for r in reports if r["model"] == "databricks-glm-5-3")
    if glm["api"] == "chat":  # (on Messages, GLM takes the caller's `thinking` as it is)
        bodies = [r["body"] for r in emulator.requests() if r["body"].get("model") == "databricks-glm-5-3"]
        assert any(b.get("reasoning_effort") == "high" for b in bodies)  # medium is not GLM's: the nearest


def test_a_model_without_reasoning_is_not_asked(emulator: EmulatorControl) -> None:
    code, reports, output = doctor_json(emulator, "databricks-meta-llama-3-3-70b-instruct")
    assert code == 0, output
    assert reports[0]["probes"]["reasoning"] == {"ok": None, "latency_ms": None, "error": None}


def test_a_claimed_reasoning_that_never_comes_back_fails_the_probe(
    emulator: EmulatorControl, isolated_env: Path
) -> None:
    isolated_env.mkdir(mode=0o700, parents=True, exist_ok=True)
    config = isolated_env / "config.toml"
    config.write_text('[models."databricks-meta-llama-3-3-70b-instruct"]\nsupports_reasoning = true\n')
    config.chmod(0o600)
    code, reports, output = doctor_json(emulator, "databricks-meta-llama-3-3-70b-instruct")
    assert code == 1, output
    probe = reports[0]["probes"]["reasoning"]
    assert probe["ok"] is False
    assert probe["error"] == "asked for reasoning (effort medium, chat API), but none came back"
    assert reports[0]["probes"]["plain"]["ok"] is True
