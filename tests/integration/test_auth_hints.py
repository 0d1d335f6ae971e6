"""Every auth error names where the credentials came from and the fix there (CLI subprocess, emulator)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from brickgate.auth import save_login
from brickgate.emulator import EmulatorConfig, start_in_thread
from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of, run_cli

BAD_TOKEN = "dapi0123456789abcdef0123456789abcdef"
BAD_SECRET = "dose0123456789abcdef0123456789abcdef"


def write_profiles(text: str) -> None:
    Path(os.environ["DATABRICKS_CONFIG_FILE"]).write_text(text)


def env_pat(emulator: EmulatorControl) -> tuple[list[str], dict[str, str]]:
    return [], {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": BAD_TOKEN}


def env_m2m(emulator: EmulatorControl) -> tuple[list[str], dict[str, str]]:
    env = {"DATABRICKS_CLIENT_ID": emulator.client_id, "DATABRICKS_CLIENT_SECRET": BAD_SECRET}
    return [], {"DATABRICKS_HOST": emulator.url, **env}


def profile_pat(emulator: EmulatorControl) -> tuple[list[str], dict[str, str]]:
    write_profiles(f"[dev]\nhost = {emulator.url}\ntoken = {BAD_TOKEN}\n")
    return ["--profile", "dev"], {}


def profile_m2m(emulator: EmulatorControl) -> tuple[list[str], dict[str, str]]:
    write_profiles(
        f"[sp]\nhost = {emulator.url}\nclient_id = {emulator.client_id}\nclient_secret = {BAD_SECRET}\n"
    )
    return ["--profile", "sp"], {}


def profile_cli_login(emulator: EmulatorControl) -> tuple[list[str], dict[str, str]]:
    # No Databricks CLI on this machine: the SDK cannot get a U2M token for the profile.
    write_profiles(f"[work]\nhost = {emulator.url}\nauth_type = databricks-cli\n")
    return [], {"DATABRICKS_CONFIG_PROFILE": "work", "PATH": "/nonexistent"}


def stored_login(emulator: EmulatorControl) -> tuple[list[str], dict[str, str]]:
    save_login(host=emulator.url, token=BAD_TOKEN)
    return [], {}


@pytest.mark.parametrize(
    ("setup", "where", "fix"),
    [
        (env_pat, "DATABRICKS_TOKEN in the environment", "set DATABRICKS_TOKEN to it"),
        (env_m2m, "DATABRICKS_CLIENT_SECRET in the environment", "Check DATABRICKS_CLIENT_ID and"),
        (profile_pat, "profile 'dev' of", "`token` line of profile 'dev'"),
        (profile_m2m, "profile 'sp' of", "client_secret of profile 'sp'"),
        (profile_cli_login, "profile 'work' of", "databricks auth login --profile work"),
        (stored_login, "the login stored by `brickgate login`", "run `brickgate login --host"),
    ],
)
def test_auth_error_names_the_source_and_its_fix(
    emulator: EmulatorControl, setup: object, where: str, fix: str
) -> None:
    args, env = setup(emulator)  # type: ignore[operator]
    result = run_cli(*args, "models", env=env)
    assert result.returncode == 2, output_of(result)
    text = " ".join(output_of(result).split())  # rich may wrap long hints
    assert where in text and fix in text
    assert BAD_TOKEN not in text and BAD_SECRET not in text


def test_rejected_inference_names_the_environment_not_brickgate_login() -> None:
    server = start_in_thread(EmulatorConfig(tokens=(BAD_TOKEN,)))
    port = int(server.url.rsplit(":", 1)[1])
    env = {"DATABRICKS_HOST": server.url, "DATABRICKS_TOKEN": BAD_TOKEN}
    assert run_cli("models", env=env).returncode == 0  # the listing is now cached for this token
    server.stop()
    revoked = start_in_thread(EmulatorConfig(tokens=("dapi-someone-else",)), port=port)
    try:
        result = run_cli("run", "-m", "claude-sonnet-4-5", "hi", env=env)
    finally:
        revoked.stop()
    assert result.returncode == 2, output_of(result)
    text = " ".join(output_of(result).split())
    assert "DATABRICKS_TOKEN in the environment" in text and "brickgate login" not in text
