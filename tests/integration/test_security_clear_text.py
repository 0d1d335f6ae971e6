"""Security: a plain http:// workspace on another machine would carry the token in clear text, so every
entry point refuses it until the user allows it (issue 10 item 10 = issue 9 item 8). The "workspace" is a
real server on this machine's own network address (not loopback) passing through to the emulator; it
records what reached it, so a test proves the token never left."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from brickgate import Workspace
from brickgate.emulator.control_client import EmulatorControl
from brickgate.errors import InvalidHost
from tests.cli_harness import output_of, run_cli
from tests.integration.hostile_workspace import HostileWorkspace, hostile_workspace


def _network_address() -> str | None:
    """This machine's address on its network (no packet is sent), or None without one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") else address


ADDRESS = _network_address()
pytestmark = pytest.mark.skipif(ADDRESS is None, reason="this machine has no non-loopback address")


@pytest.fixture
def remote(emulator: EmulatorControl) -> Iterator[HostileWorkspace]:
    with hostile_workspace(emulator.url, bind="0.0.0.0") as ws:
        yield ws


def _url(remote: HostileWorkspace) -> str:
    return f"http://{ADDRESS}:{remote.port}"


def _refused(result_text: str) -> bool:
    return "clear text" in result_text and "--insecure-http" in result_text


def test_status_refuses_a_clear_text_host_from_the_environment(
    remote: HostileWorkspace, emulator: EmulatorControl
) -> None:
    result = run_cli("status", env={"DATABRICKS_HOST": _url(remote), "DATABRICKS_TOKEN": emulator.token})

    assert result.returncode != 0
    assert _refused(output_of(result)), output_of(result)
    assert remote.received == []


def test_login_refuses_a_clear_text_host_and_stores_nothing(
    remote: HostileWorkspace, emulator: EmulatorControl, isolated_env: Path
) -> None:
    result = run_cli("login", "--host", _url(remote), "--token-stdin", stdin=emulator.token + "\n")

    assert result.returncode != 0
    assert _refused(output_of(result)), output_of(result)
    assert remote.received == []
    assert not (isolated_env / "credentials.json").exists()


def test_models_refuses_a_clear_text_host_from_a_profile(
    remote: HostileWorkspace, emulator: EmulatorControl, tmp_path: Path
) -> None:
    (tmp_path / "databrickscfg").write_text(f"[DEFAULT]\nhost = {_url(remote)}\ntoken = {emulator.token}\n")

    result = run_cli("models")

    assert result.returncode != 0
    assert _refused(output_of(result)), output_of(result)
    assert remote.received == []


def test_serve_refuses_a_clear_text_host(remote: HostileWorkspace, emulator: EmulatorControl) -> None:
    env = {"DATABRICKS_HOST": _url(remote), "DATABRICKS_TOKEN": emulator.token}
    result = run_cli("serve", "--port", "0", env=env, timeout=30)

    assert result.returncode != 0
    assert _refused(output_of(result)), output_of(result)
    assert remote.received == []


def test_the_library_refuses_a_clear_text_host(
    remote: HostileWorkspace, emulator: EmulatorControl, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABRICKS_TOKEN", emulator.token)

    with pytest.raises(InvalidHost) as refused:
        Workspace(host=_url(remote)).models()

    assert "clear text" in refused.value.message
    assert refused.value.hint is not None and "BRICKGATE_INSECURE_HTTP=1" in refused.value.hint
    assert remote.received == []


@pytest.mark.parametrize("allowed_by", ["flag", "env", "config"])
def test_an_allowed_clear_text_host_works_with_a_warning(
    remote: HostileWorkspace, emulator: EmulatorControl, isolated_env: Path, allowed_by: str
) -> None:
    env = {"DATABRICKS_HOST": _url(remote), "DATABRICKS_TOKEN": emulator.token}
    args = ["models"]
    if allowed_by == "flag":
        args.insert(0, "--insecure-http")
    elif allowed_by == "env":
        env["BRICKGATE_INSECURE_HTTP"] = "1"
    else:
        isolated_env.mkdir(mode=0o700)
        (isolated_env / "config.toml").write_text("[security]\ninsecure_http = true\n")

    result = run_cli(*args, env=env)

    assert result.returncode == 0, output_of(result)
    assert "databricks-claude-sonnet-4-5" in result.stdout
    assert "travels in clear text" in result.stderr
    assert remote.received != []


def test_plain_http_on_loopback_needs_no_permission(emulator: EmulatorControl) -> None:
    result = run_cli("models", env={"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token})

    assert result.returncode == 0, output_of(result)
    assert "clear text" not in result.stderr
