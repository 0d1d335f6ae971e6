"""Security: the gateway's key need never sit on a command line, where `ps` shows it to every user, and a
key no client could send intact is refused at start (issue 10, item 8). Real `brickgate serve`."""

from __future__ import annotations

from pathlib import Path

import pytest

from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of, run_cli
from tests.gateway_harness import DIALECTS, FAMILY_MODELS, call
from tests.integration.serve_process import READY_LINE, serving

KEY = "sk-gw-env-7f3a"
CHAT = DIALECTS["chat"].request(FAMILY_MODELS["llama"], "hi", stream=False)


def test_serve_takes_the_key_from_the_environment_and_suggests_only_that(emulator: EmulatorControl) -> None:
    with serving(emulator, env={"BRICKGATE_API_KEY": KEY}) as served:
        cmdline = Path(f"/proc/{served.proc.pid}/cmdline").read_bytes()
        keyed = call(served.url, "POST", "/v1/chat/completions", CHAT, {"authorization": f"Bearer {KEY}"})
        anonymous = call(served.url, "POST", "/v1/chat/completions", CHAT)
        banner = served.output()[: served.output().index(READY_LINE)]

    assert KEY.encode() not in cmdline
    assert (keyed.status, anonymous.status) == (200, 401)
    assert "--api-key" not in banner
    assert "BRICKGATE_API_KEY" in banner
    assert f"brickgate setup codex --port {served.port}\n" in banner  # still copy-pasteable as is
    assert KEY not in banner


def test_a_key_on_the_command_line_is_served_with_a_warning(emulator: EmulatorControl) -> None:
    with serving(emulator, "--api-key", KEY) as served:
        assert call(served.url, "GET", "/v1/models", headers={"x-api-key": KEY}).status == 200
        output = served.output()

    assert "shows in `ps`" in output and "BRICKGATE_API_KEY" in output
    assert KEY not in output


@pytest.mark.parametrize("key", ["clé-secrète", "sk gw with spaces", "sk-\x01-control"])
def test_a_key_no_client_could_send_intact_is_refused_at_start(emulator: EmulatorControl, key: str) -> None:
    env = {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token, "BRICKGATE_API_KEY": key}
    result = run_cli("serve", "--port", "0", env=env, timeout=30)

    assert result.returncode != 0
    assert "non-ASCII" in result.stderr and "BRICKGATE_API_KEY=" in result.stderr
    assert key not in output_of(result)
    assert "Traceback" not in output_of(result)
