"""`brickgate status` as a real subprocess: connected or not, how, and the fix; exit code follows."""

from __future__ import annotations

import json

from brickgate import home
from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of, run_cli


def pat_env(emulator: EmulatorControl, token: str | None = None) -> dict[str, str]:
    return {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": token or emulator.token}


def test_status_json_reports_the_connection_and_model_count(emulator: EmulatorControl) -> None:
    result = run_cli("status", "--json", env=pat_env(emulator))
    assert result.returncode == 0, output_of(result)
    report = json.loads(result.stdout)
    assert report == {
        "connected": True,
        "host": emulator.url,
        "auth_type": "pat",
        "profile": None,
        "source": "env",
        "models": 47,
        "skipped_inventories": [],
        "home": str(home.home()),
        "config": str(home.config_path()),
        "config_exists": False,
        "error": None,
    }


def test_status_shows_where_the_home_and_config_are_even_when_not_connected() -> None:
    home.config_path().parent.mkdir(parents=True)
    home.config_path().write_text("usd_per_dbu = 0.07\n")
    text = run_cli("status")
    assert text.returncode == 2
    assert f"home:   {home.home()}" in text.stdout and f"config: {home.config_path()}" in text.stdout
    report = json.loads(run_cli("status", "--json").stdout)
    assert (report["home"], report["config"], report["config_exists"]) == (
        str(home.home()),
        str(home.config_path()),
        True,
    )


def test_status_without_credentials_exits_2_with_the_ways_to_log_in() -> None:
    result = run_cli("status", "--json")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["connected"] is False and report["error"]["type"] == "NoCredentials"
    assert "brickgate login" in report["error"]["hint"]


def test_status_with_a_rejected_token_names_the_reason_without_the_token(emulator: EmulatorControl) -> None:
    token = "dapi0123456789abcdef0123456789abcdef"
    result = run_cli("status", "--json", env=pat_env(emulator, token))
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["host"] == emulator.url and report["error"]["type"] == "CredentialsRejected"
    assert token not in output_of(result)


def test_status_for_people_says_connected_host_and_source(emulator: EmulatorControl) -> None:
    result = run_cli("status", env=pat_env(emulator))
    assert result.returncode == 0
    assert f"Connected to {emulator.url}" in result.stdout
    assert "from the environment" in result.stdout
    assert emulator.token not in output_of(result)


def test_status_for_people_shows_why_and_the_fix_when_unreachable() -> None:
    result = run_cli("status", env={"DATABRICKS_HOST": "http://127.0.0.1:9", "DATABRICKS_TOKEN": "dapi-x"})
    assert result.returncode == 2
    assert "Not connected to http://127.0.0.1:9" in result.stdout
    assert "connection refused" in result.stdout and "Check the host URL" in result.stdout


def test_status_of_an_oauth_service_principal(emulator: EmulatorControl) -> None:
    env = {
        "DATABRICKS_HOST": emulator.url,
        "DATABRICKS_CLIENT_ID": emulator.client_id,
        "DATABRICKS_CLIENT_SECRET": emulator.client_secret,
    }
    result = run_cli("status", "--json", env=env)
    assert result.returncode == 0, output_of(result)
    assert json.loads(result.stdout)["auth_type"] == "oauth-m2m"
    assert emulator.client_secret not in output_of(result)
