"""A full run of the CLI (login, status, models, run, serve with an access log, setup --write, failures and
--debug tracebacks) as real subprocesses, then every output and every file it wrote is scanned for the
secrets it used: the PAT, the OAuth client secret and issued tokens, the gateway key, client headers."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import time
from pathlib import Path

import pytest

from brickgate import home
from brickgate.emulator import RunningEmulator
from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import CLI, output_of, run_cli
from tests.gateway_harness import DIALECTS, call

GATEWAY_KEY = "sk-gateway-key-7f3a9c1e5b"
WRONG_CLIENT_KEY = "sk-wrong-client-key-4d2e8a"
WRONG_PAT = "dapi0123456789abcdef0123456789abcdef"
MODEL = "databricks-meta-llama-3-3-70b-instruct"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_serve_session(emulator: EmulatorControl, env: dict[str, str]) -> str:
    """`brickgate serve --api-key` answering good, wrong and keyless clients; its whole stderr."""
    port = free_port()
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--api-key", GATEWAY_KEY],
        env={**os.environ, **env, "NO_COLOR": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if call(url, "GET", "/health").status == 200:
                    break
            except OSError:
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
        body = DIALECTS["chat"].request(MODEL, "hi", stream=True)
        for headers in (
            {"authorization": f"Bearer {GATEWAY_KEY}"},
            {"x-api-key": GATEWAY_KEY},
            {"authorization": f"Bearer {WRONG_CLIENT_KEY}"},
            {},
        ):
            call(url, "POST", "/v1/chat/completions", body, headers)
        call(url, "GET", "/v1/models", headers={"authorization": f"Bearer {GATEWAY_KEY}"})
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=15)
    return stderr


def written_files(root: Path) -> dict[Path, str]:
    return {p: p.read_text(errors="replace") for p in root.rglob("*") if p.is_file()}


@pytest.mark.timeout(180)
def test_no_secret_appears_in_any_output_or_file_of_a_full_run(
    emulator: EmulatorControl,
    emulator_server: RunningEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    agent_home = tmp_path / "agent-home"
    agent_home.mkdir()
    monkeypatch.setenv("HOME", str(agent_home))
    monkeypatch.setenv("CODEX_HOME", str(agent_home / ".codex"))
    pat = {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}
    m2m = {
        "DATABRICKS_HOST": emulator.url,
        "DATABRICKS_CLIENT_ID": emulator.client_id,
        "DATABRICKS_CLIENT_SECRET": emulator.client_secret,
    }
    outputs: dict[str, str] = {}

    def cli(name: str, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> None:
        outputs[name] = output_of(run_cli(*args, stdin=stdin, env=env))

    cli("login", "login", "--host", emulator.url, "--token-stdin", stdin=emulator.token)
    cli("login-rejected", "login", "--host", emulator.url, "--token-stdin", stdin=WRONG_PAT)
    cli("status", "status")
    cli("status-json", "status", "--json")
    cli("models-json", "models", "--json")
    cli("run-json", "run", "--json", "-m", MODEL, "hi")
    emulator.fault({"kind": "429", "retry_after": 0}, {"kind": "cut_stream", "after_events": 2})
    cli("run-retried-then-cut", "run", "-m", MODEL, "hi")
    cli("logout", "logout")
    cli("m2m-status-json", "status", "--json", env=m2m)
    cli("m2m-run-debug", "--debug", "run", "-m", MODEL, "hi", env=m2m)
    cli(
        "rejected-debug-traceback",
        "--debug",
        "run",
        "-m",
        MODEL,
        "hi",
        env={**pat, "DATABRICKS_TOKEN": WRONG_PAT},
    )
    cli(
        "bad-secret-debug",
        "--debug",
        "status",
        env={**m2m, "DATABRICKS_CLIENT_SECRET": "wrong-secret-9d8c7b"},
    )
    cli("setup-codex", "setup", "codex", "--write", "--api-key", GATEWAY_KEY, env=pat)
    outputs["serve-stderr"] = run_serve_session(emulator, pat)

    secrets = {
        "PAT": emulator.token,
        "wrong PAT": WRONG_PAT,
        "client secret": emulator.client_secret,
        "wrong client secret": "wrong-secret-9d8c7b",
        "gateway key": GATEWAY_KEY,
        "wrong client key": WRONG_CLIENT_KEY,
        **{f"OAuth token {i}": t for i, t in enumerate(emulator_server.state.issued_tokens)},
    }
    assert len(secrets) > 6, "the M2M runs should have been issued OAuth tokens"
    files = {str(p): text for p, text in (written_files(home.home()) | written_files(agent_home)).items()}
    leaks = [
        f"{secret_name} in {where}"
        for where, text in (outputs | files).items()
        for secret_name, secret in secrets.items()
        if secret in text
    ]
    assert leaks == []
    assert "Traceback" in outputs["rejected-debug-traceback"]  # --debug really printed a crash report
    assert "POST /v1/chat/completions" in outputs["serve-stderr"]  # the access log was really written
    assert "status=401" in outputs["serve-stderr"]


def test_written_state_is_private(emulator: EmulatorControl) -> None:
    run_cli("login", "--host", emulator.url, "--token-stdin", stdin=emulator.token)
    run_cli("models")
    files = [p for p in home.home().rglob("*") if p.is_file()]
    assert home.credentials_path() in files and len(files) > 1  # the login and the model cache at least
    loose = [str(p) for p in files if stat.S_IMODE(p.stat().st_mode) & 0o077]
    assert loose == []
    assert stat.S_IMODE(home.home().stat().st_mode) & 0o077 == 0


def test_a_stored_login_others_can_read_is_refused_with_a_warning(emulator: EmulatorControl) -> None:
    run_cli("login", "--host", emulator.url, "--token-stdin", stdin=emulator.token)
    home.credentials_path().chmod(0o644)
    result = run_cli("status")
    assert result.returncode == 2
    assert "readable by other users" in result.stderr and "chmod 600" in result.stderr
    assert emulator.token not in output_of(result)
