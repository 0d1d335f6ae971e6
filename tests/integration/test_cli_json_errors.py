"""Every command with --json reports a failure as one JSON object on stdout, with a non-zero exit."""

from __future__ import annotations

import json

import pytest

from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of, run_cli


def env_for(emulator: EmulatorControl) -> dict[str, str]:
    return {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}


@pytest.mark.parametrize(
    ("args", "error_type", "exit_code"),
    [
        (["run", "-m", "no-such-model", "--json", "hi"], "ModelNotFound", 1),
        (["doctor", "-m", "no-such-model", "--json"], "ModelNotFound", 1),
        (["run", "--json", "hi"], "UsageError", 2),
        (["--host", "http://127.0.0.1:9", "models", "--json", "--refresh"], "HostUnreachable", 2),
    ],
)
def test_json_commands_report_errors_as_one_json_object(
    emulator: EmulatorControl, args: list[str], error_type: str, exit_code: int
) -> None:
    result = run_cli(*args, env=env_for(emulator))
    assert result.returncode == exit_code, output_of(result)
    doc = json.loads(result.stdout)
    assert set(doc) == {"error"}
    assert doc["error"]["type"] == error_type
    assert doc["error"]["message"] and doc["error"]["hint"]
    assert "Traceback" not in result.stderr


def test_json_error_without_credentials_names_the_ways_to_authenticate() -> None:
    result = run_cli("models", "--json")
    assert result.returncode == 2, output_of(result)
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "NoCredentials" and "DATABRICKS_TOKEN" in error["hint"]


def test_without_json_errors_stay_text_on_stderr(emulator: EmulatorControl) -> None:
    result = run_cli("run", "-m", "no-such-model", "hi", env=env_for(emulator))
    assert result.returncode == 1
    assert result.stdout == "" and "Error: Model 'no-such-model' is not served" in result.stderr
