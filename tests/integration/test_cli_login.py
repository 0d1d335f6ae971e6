"""`brickgate login` / `logout` as real subprocesses against the emulator."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from brickgate import home
from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import CLI, output_of, run_cli


def stored() -> dict[str, str]:
    data: dict[str, str] = json.loads(home.credentials_path().read_text())
    return data


def test_login_with_token_from_stdin_stores_a_private_login(emulator: EmulatorControl) -> None:
    result = run_cli("login", "--host", emulator.url, "--token-stdin", stdin=emulator.token + "\n")
    assert result.returncode == 0, output_of(result)
    assert stat.S_IMODE(home.credentials_path().stat().st_mode) == 0o600
    assert stored() == {"host": emulator.url, "token": emulator.token}
    assert "Logged in" in result.stdout
    assert emulator.token not in output_of(result)


def test_failed_login_keeps_the_working_login(emulator: EmulatorControl) -> None:
    run_cli("login", "--host", emulator.url, "--token-stdin", stdin=emulator.token)
    result = run_cli(
        "login", "--host", emulator.url, "--token-stdin", stdin="dapi0123456789abcdef0123456789abcdef"
    )
    assert result.returncode == 2
    assert "rejected the credentials" in result.stderr and "Traceback" not in result.stderr
    assert "dapi0123456789abcdef" not in output_of(result)
    assert stored()["token"] == emulator.token


def test_login_with_a_profile_stores_the_profile_name(emulator: EmulatorControl) -> None:
    Path(os.environ["DATABRICKS_CONFIG_FILE"]).write_text(
        f"[emu]\nhost = {emulator.url}\ntoken = {emulator.token}\n"
    )
    result = run_cli("login", "--profile", "emu")
    assert result.returncode == 0, output_of(result)
    assert stored() == {"profile": "emu"}
    assert emulator.token not in output_of(result)


def test_login_to_an_unreachable_host_fails_cleanly() -> None:
    result = run_cli("login", "--host", "http://127.0.0.1:9", "--token-stdin", stdin="dapi-x")
    assert result.returncode == 2
    assert "Could not connect to http://127.0.0.1:9" in result.stderr and "Traceback" not in result.stderr
    assert not home.credentials_path().exists()


def test_login_without_a_terminal_points_to_the_script_options() -> None:
    result = run_cli("login")
    assert result.returncode == 1
    assert "--token-stdin" in result.stderr and "Traceback" not in result.stderr


def test_login_with_host_but_no_terminal_says_to_use_token_stdin(emulator: EmulatorControl) -> None:
    result = run_cli("login", "--host", emulator.url, stdin=emulator.token + "\n")
    assert result.returncode == 1, output_of(result)
    assert "needs a terminal" in result.stderr and "--token-stdin" in result.stderr
    assert "GetPassWarning" not in output_of(result) and "Aborted" not in output_of(result)
    assert not home.credentials_path().exists()


def test_token_stdin_without_host_is_refused() -> None:
    result = run_cli("login", "--token-stdin", stdin="dapi-x")
    assert result.returncode == 1 and "needs --host" in result.stderr


def test_logout_removes_the_stored_login(emulator: EmulatorControl) -> None:
    run_cli("login", "--host", emulator.url, "--token-stdin", stdin=emulator.token)
    result = run_cli("logout")
    assert result.returncode == 0 and "Logged out" in result.stdout
    assert not home.credentials_path().exists()


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a pty")
def test_interactive_login_picks_a_profile(emulator: EmulatorControl) -> None:
    import pexpect

    Path(os.environ["DATABRICKS_CONFIG_FILE"]).write_text(
        f"[DEFAULT]\nhost = {emulator.url}\ntoken = dapi-wrong\n"
        f"[emu]\nhost = {emulator.url}\ntoken = {emulator.token}\n"
    )
    child = pexpect.spawn(CLI[0], [*CLI[1:], "login"], env=dict(os.environ), encoding="utf-8", timeout=30)
    child.expect("1\\) DEFAULT")
    child.expect("2\\) emu")
    child.expect("Choose")
    child.sendline("2")
    child.expect("Logged in")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert stored() == {"profile": "emu"}


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a pty")
def test_interactive_login_reads_the_token_without_echo(emulator: EmulatorControl) -> None:
    import pexpect

    child = pexpect.spawn(CLI[0], [*CLI[1:], "login"], env=dict(os.environ), encoding="utf-8", timeout=30)
    child.expect("Workspace URL")
    child.sendline(emulator.url)
    child.expect("token \\(hidden\\)")
    child.sendline(emulator.token)
    child.expect(pexpect.EOF)
    transcript = child.before or ""
    child.close()
    assert child.exitstatus == 0, transcript
    assert emulator.token not in transcript
    assert stored() == {"host": emulator.url, "token": emulator.token}
