"""Bad input found by driving the CLI and the gateway as a user would: each gets a clear error that says what
to fix, never a traceback, a fork bomb, a broken config written for an agent, or silence."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.server import RunningGateway
from tests.cli_harness import CLI, output_of, run_cli
from tests.gateway_harness import DIALECTS, call, running_gateway


def env_for(emulator: EmulatorControl) -> dict[str, str]:
    return {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}


def assert_clean_failure(result: subprocess.CompletedProcess[str], code: int, *phrases: str) -> None:
    assert result.returncode == code, output_of(result)
    assert "Traceback" not in output_of(result)
    for phrase in phrases:
        assert phrase in output_of(result)


# --- ports and limits: typer takes any int or float; a socket or int() took the bad ones --------------


@pytest.mark.parametrize(
    "args",
    [
        ["serve", "--port", "70000"],
        ["serve", "--port", "-1"],
        ["emulator", "--port", "-1"],
        ["setup", "claude-code", "--port", "0"],
        ["setup", "claude-code", "--port", "99999"],
    ],
)
def test_port_outside_0_to_65535_is_a_usage_error(args: list[str]) -> None:
    assert_clean_failure(run_cli(*args), 2, "Invalid value for '--port'")


@pytest.mark.parametrize(
    ("flag", "value"), [("--max-body-mb", "nan"), ("--max-body-mb", "inf"), ("--header-timeout", "inf")]
)
def test_serve_refuses_nan_and_infinite_limits(flag: str, value: str) -> None:
    assert_clean_failure(
        run_cli("serve", "--port", "0", flag, value), 1, f"{flag} must be positive, got {value}"
    )


def test_serve_refuses_more_workers_than_the_machine_can_use() -> None:
    result = run_cli("serve", "--port", "0", "--workers", "100000")
    assert_clean_failure(result, 1, "--workers 100000 is more than this machine can use")


# --- setup: a bad gateway address was written into the agent's config as it was ----------------------


@pytest.mark.parametrize("url", ["not a url", "http://", "http://host:99999", ""])
def test_setup_refuses_a_url_an_agent_could_not_connect_to(url: str) -> None:
    assert_clean_failure(run_cli("setup", "claude-code", "--url", url), 1, f"--url {url!r} is not a URL")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--url", "http://a.example", "--port", "9000"], "--port and --url"),
        (["--url", "http://a.example", "--gateway", "https://b.example"], "--url and --gateway"),
    ],
)
def test_setup_refuses_two_gateway_addresses(args: list[str], named: str) -> None:
    assert_clean_failure(run_cli("setup", "claude-code", *args), 1, f"{named} each name the gateway")


def test_setup_suggests_the_agent_a_near_miss_meant() -> None:
    assert_clean_failure(run_cli("setup", "claude-cod"), 1, "Did you mean claude-code?")


# --- a home brickgate cannot write --------------------------------------------------------------------


@pytest.fixture
def unusable_home(tmp_path: Path) -> str:
    """BRICKGATE_HOME below a regular file: nothing can be created there, even by root."""
    (tmp_path / "a-file").write_text("")
    return str(tmp_path / "a-file" / "home")


def test_login_into_an_unusable_home_says_which_folder_and_what_to_do(
    emulator: EmulatorControl, unusable_home: str
) -> None:
    result = run_cli(
        "login",
        "--host",
        emulator.url,
        "--token-stdin",
        env={"BRICKGATE_HOME": unusable_home},
        stdin=emulator.token,
    )
    assert_clean_failure(
        result, 1, f"Cannot use brickgate's home {unusable_home}: Not a directory", "BRICKGATE_HOME"
    )
    assert emulator.token not in output_of(result)


@pytest.mark.skipif(
    not Path("/proc/self").is_dir(), reason="needs Linux /proc, where no folder can be created"
)
def test_models_work_when_the_listing_cannot_be_cached(emulator: EmulatorControl) -> None:
    # like a read-only file system: config.toml is simply absent, and nothing can be written
    read_only_home = f"/proc/brickgate-home-{os.getpid()}"
    result = run_cli("models", "--json", env={**env_for(emulator), "BRICKGATE_HOME": read_only_home})
    assert result.returncode == 0, output_of(result)
    assert any(m["id"] == "databricks-claude-sonnet-4-5" for m in json.loads(result.stdout))


# --- numbers JSON cannot carry ---------------------------------------------------------------------------


def test_run_with_max_tokens_past_64_bits_is_an_invalid_request(emulator: EmulatorControl) -> None:
    result = run_cli(
        "run", "-m", "claude-sonnet-4-5", "--json", "--max-tokens", str(10**20), "hi", env=env_for(emulator)
    )
    assert result.returncode == 1, output_of(result)
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "InvalidRequest" and "64" in error["message"] + error["hint"]
    assert "Traceback" not in result.stderr


def test_run_with_an_empty_model_name_says_none_was_named(emulator: EmulatorControl) -> None:
    result = run_cli("run", "-m", "", "hi", env=env_for(emulator))
    assert_clean_failure(result, 1, "No model was named", "brickgate models")
    assert "Model ''" not in output_of(result)


def test_serve_refuses_a_body_limit_that_rounds_to_nothing() -> None:
    assert_clean_failure(run_cli("serve", "--max-body-mb", "1e-7"), 1, "under a kilobyte", "--max-body-mb 32")


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


@pytest.mark.parametrize("api", sorted(DIALECTS))
def test_gateway_says_an_integer_past_64_bits_is_too_large(gateway: RunningGateway, api: str) -> None:
    field = "max_output_tokens" if api == "responses" else "max_tokens"
    body = (
        b'{"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "hi"}], "input": "hi", '
        b'"%s": 100000000000000000000}' % field.encode()
    )
    answer = call(gateway.url, "POST", DIALECTS[api].path, body)
    assert answer.status == 400
    assert f"`{field}` is too large (100000000000000000000)" in answer.body.decode()


# --- Ctrl-C ---------------------------------------------------------------------------------------------


def test_interrupted_run_with_json_still_prints_one_json_object(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "slow_first_byte", "seconds": 30})
    env = {**os.environ, **env_for(emulator), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [*CLI, "run", "-m", "claude-sonnet-4-5", "--json", "hi"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60  # until the question is at the workspace: then Ctrl-C lands mid-answer
    while not any(r["path"].endswith("/messages") for r in emulator.requests()):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, out + err
    assert json.loads(out)["error"]["type"] == "Interrupted"
    assert "Traceback" not in err


def test_serve_on_port_zero_names_the_port_it_bound_in_the_setup_lines(emulator: EmulatorControl) -> None:
    env = {**os.environ, **env_for(emulator), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", "0"], env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    try:
        assert proc.stderr is not None
        lines = []
        for line in proc.stderr:
            lines.append(line)
            if "Ctrl-C stops it" in line:
                break
        banner = "".join(lines)
        port = banner.split(" on http://127.0.0.1:", 1)[1].split(" ", 1)[0]
        assert f"brickgate setup claude-code --port {port}\n" in banner, banner
        assert "--port 0" not in banner
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


def test_ctrl_c_in_chat_stops_the_answer_and_keeps_the_conversation(emulator: EmulatorControl) -> None:
    import pexpect

    home = {k: v for k, v in os.environ.items() if k.startswith(("BRICKGATE_", "DATABRICKS_CONFIG"))}
    child = pexpect.spawn(
        sys.executable,
        [*CLI[1:], "chat", "-m", "claude-sonnet-4-5"],
        env={"PATH": "/usr/bin:/bin", **env_for(emulator), **home},
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 160),
    )
    child.expect("you>")
    child.sendline("first question")
    child.expect("You said: first question")
    child.expect("you>")
    emulator.fault({"kind": "slow_first_byte", "seconds": 30})
    child.sendline("second question")
    deadline = time.monotonic() + 30  # Ctrl-C once the question is at the workspace, mid-answer
    while sum(r["path"].endswith("/messages") for r in emulator.requests()) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child.sendintr()
    child.expect("Stopped; the conversation before it is kept.")
    child.expect("you>")
    child.sendline("third question")
    child.expect("You said: third question")
    child.expect("you>")
    child.sendline("/exit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    sent = [r["body"]["messages"] for r in emulator.requests() if r["path"].endswith("/messages")][-1]
    said = json.dumps(sent)
    assert "first question" in said and "third question" in said and "second question" not in said


def test_run_says_a_prompt_on_stdin_that_is_not_utf8_is_not_text(emulator: EmulatorControl) -> None:
    result = subprocess.run(
        [*CLI, "run", "-m", "claude-sonnet-4-5", "-"],
        env={**os.environ, **env_for(emulator), "NO_COLOR": "1"},
        input=b"caf\xe9 latin-1\n",
        capture_output=True,
        timeout=60,
        check=False,
    )
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert "The prompt is not UTF-8 text" in err and "iconv" in err and "Traceback" not in err


def test_login_with_a_rejected_token_does_not_blame_a_stored_login(emulator: EmulatorControl) -> None:
    result = run_cli("login", "--host", emulator.url, "--token-stdin", stdin="dapi-not-the-token")
    assert_clean_failure(result, 2, "rejected the credentials", "the token given to brickgate")
    assert "the login stored by" not in output_of(result)


@pytest.mark.parametrize("path", ["/v1beta/models/claude-sonnet-4-5", "/v1beta/models/:generateContent"])
def test_gemini_path_without_model_and_method_says_so(gateway: RunningGateway, path: str) -> None:
    answer = call(gateway.url, "POST", path, {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]})
    assert answer.status == 404
    error = answer.json()["error"]
    assert error["status"] == "NOT_FOUND"
    assert f"has nothing at {path} (no MODEL:METHOD)" in error["message"]
    assert "no method" not in error["message"]


def test_app_init_into_a_file_says_it_is_not_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    assert_clean_failure(run_cli("app", "init", str(target)), 1, f"{target} is a file, not a folder")
    assert target.read_text() == "mine"


def test_serve_on_an_address_the_machine_lacks_names_the_bind_flag(emulator: EmulatorControl) -> None:
    env = {**env_for(emulator), "BRICKGATE_API_KEY": "a-gateway-key"}
    result = run_cli("serve", "--port", "0", "--bind", "not an address", env=env)
    assert_clean_failure(
        result, 1, "Cannot listen on not an address:0", "--bind takes an address of this machine"
    )
    assert "Another process" not in output_of(result)


@pytest.mark.skipif(
    not Path("/proc/self").is_dir(), reason="needs Linux /proc, where no folder can be created"
)
def test_setup_write_into_a_home_that_cannot_hold_it_names_the_folder(emulator: EmulatorControl) -> None:
    home = f"/proc/brickgate-user-{os.getpid()}"
    result = run_cli("setup", "codex", "--port", "8787", "--write", env={**env_for(emulator), "HOME": home})
    assert_clean_failure(result, 1, f"Cannot use {home}: No such file or directory", "you may write to it")
