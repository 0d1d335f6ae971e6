"""`brickgate demo` and `brickgate emulator` as real subprocesses."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from brickgate import home
from tests.cli_harness import CLI, output_of, run_cli

DEMO_FAMILIES = ("claude", "gpt", "codex", "gemini", "glm", "kimi", "deepseek", "grok", "llama", "qwen",
                 "gpt-oss", "gemma")  # fmt: skip


def test_demo_discovers_every_family_of_the_workspace_of_today_and_exits_0() -> None:
    result = run_cli("demo")
    assert result.returncode == 0, output_of(result)
    for family in DEMO_FAMILIES:
        assert family in result.stdout
    assert "Anthropic Messages" in result.stdout and "OpenAI Responses" in result.stdout


def test_demo_completes_a_tool_round_trip_through_every_family() -> None:
    result = run_cli("demo", env={"COLUMNS": "400"})
    assert result.returncode == 0, output_of(result)
    round_trip = result.stdout.split("A tool round trip through one model of each of", 1)[1]
    assert round_trip.count("The command printed: brickgate-tool-ok") == len(DEMO_FAMILIES)
    assert "failed" not in round_trip
    # the repairs each family needed are shown next to it
    assert "drop_stream_options" in round_trip and "rewrite_item_ids" in round_trip


def test_demo_shows_each_models_declared_apis_and_the_route_it_took() -> None:
    result = run_cli("demo", env={"COLUMNS": "400"})
    assert result.returncode == 0, output_of(result)
    (kimi,) = [line for line in result.stdout.split("A tool round trip", 1)[1].splitlines() if "kimi" in line]
    assert "messages responses chat" in kimi and "messages → /ai-gateway/anthropic/v1/messages" in kimi
    (deepseek,) = [
        line for line in result.stdout.split("A tool round trip", 1)[1].splitlines() if "deepseek" in line
    ]
    assert "responses → /ai-gateway/mlflow/v1/responses" in deepseek


def test_demo_leaves_the_users_login_and_cache_alone() -> None:
    run_cli("demo")
    assert not home.credentials_path().exists()
    assert not home.cache_dir().exists() or not any(home.cache_dir().iterdir())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def list_endpoints(url: str, token: str) -> list[object]:
    """The listing, retried while the server starts (the banner is printed just before it binds)."""
    request = urllib.request.Request(
        f"{url}/api/2.0/serving-endpoints", headers={"Authorization": f"Bearer {token}"}
    )
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                endpoints: list[object] = json.load(response)["endpoints"]
                return endpoints
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_emulator_command_serves_and_prints_the_variables_to_use() -> None:
    port = free_port()
    proc = subprocess.Popen([*CLI, "emulator", "--port", str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        exports = next(line for line in lines if "export" in line)
        token = exports.split("DATABRICKS_TOKEN=")[1].split()[0]
        assert f"DATABRICKS_HOST=http://127.0.0.1:{port}" in exports
        assert list_endpoints(f"http://127.0.0.1:{port}", token)
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
