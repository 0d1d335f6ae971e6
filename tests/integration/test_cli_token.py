"""`brickgate token` (a fresh token for the current login, alone on stdout) and `setup AGENT --gateway URL`
(agents of a team gateway fetch it themselves where they can run a key command), as real subprocesses."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of, run_cli
from tests.gateway_harness import Chat, call
from tests.integration.test_gateway_caller_identity import caller_gateway
from tests.team_harness import bearer

TEAM_URL = "https://gateway.example.com"
APP_URL = "https://brickgate-1234567890123456.aws.databricksapps.com"


def test_token_prints_the_logins_pat_and_nothing_else(emulator: EmulatorControl) -> None:
    result = run_cli("token", env={"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token})
    assert result.returncode == 0, output_of(result)
    assert result.stdout == emulator.token + "\n"
    assert result.stderr == ""


def test_token_mints_an_oauth_token_a_caller_gateway_accepts(emulator: EmulatorControl) -> None:
    env = {
        "DATABRICKS_HOST": emulator.url,
        "DATABRICKS_CLIENT_ID": emulator.client_id,
        "DATABRICKS_CLIENT_SECRET": emulator.client_secret,
    }
    result = run_cli("token", env=env)
    assert result.returncode == 0, output_of(result)
    token = result.stdout.strip()
    assert result.stdout.count("\n") == 1 and token.startswith("eyJ")
    with caller_gateway(emulator.url) as gw:
        answer = call(
            gw.url, "POST", Chat.path, Chat().request("databricks-gpt-5-2", "hi", stream=False), bearer(token)
        )
    assert answer.status == 200, answer.body


def test_token_reads_the_profile_it_is_given(emulator: EmulatorControl, tmp_path: Path) -> None:
    config = tmp_path / "databrickscfg"
    config.write_text(f"[team]\nhost = {emulator.url}\ntoken = dapi-from-profile-42\n")
    for args in (("--profile", "team", "token"), ("token", "--profile", "team")):
        result = run_cli(*args, env={"DATABRICKS_CONFIG_FILE": str(config)})
        assert result.returncode == 0, output_of(result)
        assert result.stdout == "dapi-from-profile-42\n"


def test_token_without_a_login_says_how_to_get_one_on_stderr() -> None:
    result = run_cli("token")
    assert result.returncode != 0
    assert result.stdout == ""
    assert "brickgate login" in result.stderr


def setup_cli(emulator: EmulatorControl, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "DATABRICKS_HOST": emulator.url,
        "DATABRICKS_TOKEN": emulator.token,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "CLAUDE_CONFIG_DIR": "",
        "BRICKGATE_API_KEY": "",
        "PI_CODING_AGENT_DIR": "",
    }
    result = run_cli("setup", *args, env=env)
    assert result.returncode == 0, output_of(result)
    return result


def runs_brickgate_token(command: str) -> bool:
    words = shlex.split(command)
    return words[-1] == "token" and "brickgate" in " ".join(words[:-1])


def test_setup_claude_code_for_a_team_gateway_uses_an_api_key_helper(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    setup_cli(emulator, tmp_path, "claude-code", "--gateway", TEAM_URL, "--write")
    settings = json.loads((tmp_path / ".claude" / "settings.json").read_text())
    assert runs_brickgate_token(settings["apiKeyHelper"])
    assert settings["env"]["ANTHROPIC_BASE_URL"] == TEAM_URL
    assert "ANTHROPIC_AUTH_TOKEN" not in settings["env"]  # it would win over the helper


def test_setup_pi_for_a_databricks_app_runs_the_token_command_under_api(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    setup_cli(emulator, tmp_path, "pi", "--gateway", APP_URL, "--write")
    models = json.loads((tmp_path / ".pi" / "agent" / "models.json").read_text())
    providers = list(models["providers"].values())
    assert providers and all(p["apiKey"].startswith("!") for p in providers)
    assert all(runs_brickgate_token(p["apiKey"][1:]) for p in providers)
    assert all(p["baseUrl"].startswith(APP_URL + "/api") for p in providers)  # Apps: token auth on /api/ only


def test_setup_copilot_for_a_team_gateway_sets_the_key_command(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    result = setup_cli(emulator, tmp_path, "copilot", "--gateway", TEAM_URL)
    exports = dict(
        line.removeprefix("export ").split("=", 1)
        for line in result.stdout.splitlines()
        if line.startswith("export ")
    )
    assert runs_brickgate_token(shlex.split(exports["COPILOT_PROVIDER_API_KEY_COMMAND"])[0])
    assert "COPILOT_PROVIDER_API_KEY" not in exports


def test_setup_of_an_agent_without_a_key_command_exports_the_token(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    result = setup_cli(emulator, tmp_path, "opencode", "--gateway", TEAM_URL)
    line = next(line for line in result.stdout.splitlines() if line.startswith("export BRICKGATE_API_KEY="))
    assert line.startswith('export BRICKGATE_API_KEY="$(') and line.endswith(' token)"')
    assert "lasts an hour" in result.stdout
