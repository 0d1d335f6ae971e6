"""`brickgate serve` as a real subprocess: the banner, an access line per request, clean refusals."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import CLI, output_of, run_cli
from tests.gateway_harness import DIALECTS, call
from tests.integration.serve_process import free_port


@dataclass
class ServeProcess:
    proc: subprocess.Popen[str]
    lines: queue.Queue[str] = field(default_factory=queue.Queue)
    seen: list[str] = field(default_factory=list)

    def wait_for(self, text: str, timeout: float = 15) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                assert self.proc.poll() is None, f"serve exited: {''.join(self.seen)}"
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} not printed; stderr so far: {''.join(self.seen)}")


@pytest.fixture
def serve(emulator: EmulatorControl) -> Iterator[tuple[ServeProcess, int]]:
    port = free_port()
    env = {**os.environ, "DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token, "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    running = ServeProcess(proc)
    assert proc.stderr is not None
    stderr = proc.stderr
    threading.Thread(target=lambda: [running.lines.put(line) for line in stderr], daemon=True).start()
    try:
        yield running, port
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_banner_names_the_workspace_and_the_setup_commands(
    serve: tuple[ServeProcess, int], emulator: EmulatorControl
) -> None:
    process, port = serve
    banner = process.wait_for("brickgate gateway on")
    assert f"http://127.0.0.1:{port}" in banner
    assert emulator.url in banner
    assert "(47 models)" in banner
    process.wait_for(f"brickgate setup claude-code --port {port}")
    process.wait_for(f"brickgate setup codex --port {port}")


def test_each_request_gets_one_access_line_without_secrets(serve: tuple[ServeProcess, int]) -> None:
    process, port = serve
    process.wait_for("Ctrl-C stops it")
    body = DIALECTS["messages"].request("claude-sonnet-4-5", "the secret prompt", stream=True)
    answer = call(
        f"http://127.0.0.1:{port}", "POST", "/v1/messages?beta=true", body, {"x-api-key": "sk-ant-local"}
    )
    assert answer.status == 200
    line = process.wait_for("POST /v1/messages")
    for part in (
        "model=databricks-claude-sonnet-4-5",
        "upstream=messages",
        "path=fast",
        "status=200",
        "ms=",
    ):
        assert part in line
    assert "in=" in line and "in=-" not in line
    assert "secret prompt" not in line and "sk-ant-local" not in line


def test_non_loopback_bind_without_api_key_is_refused(emulator: EmulatorControl) -> None:
    env = {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}
    result = run_cli("serve", "--bind", "0.0.0.0", "--port", str(free_port()), env=env, timeout=20)
    assert result.returncode != 0
    assert "--api-key" in result.stderr
    assert "Traceback" not in output_of(result)


def test_port_in_use_is_a_clear_error(emulator: EmulatorControl) -> None:
    env = {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run_cli("serve", "--port", str(taken.getsockname()[1]), env=env, timeout=20)
    assert result.returncode != 0
    assert "--port" in result.stderr
    assert "Traceback" not in output_of(result)
