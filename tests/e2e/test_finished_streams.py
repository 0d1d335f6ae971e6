"""A stream whose last event reached the client is a 200 in the access log, with its usage, whatever the
client does next: Copilot CLI closes the connection right after `data: [DONE]`, before the upstream
response has ended, and the gateway logged those complete answers as 499 (client closed) without tokens.

The emulator's `long_stream` fault pauses after every event, the last one included, so the client always
hangs up while the gateway still waits for the upstream's end.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import pytest

from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.server import RunningGateway
from tests.e2e.agent_drivers import DRIVERS
from tests.e2e.agents_harness import AgentHome, ServeProcess, diagnosis, run_setup
from tests.gateway_harness import DIALECTS

PAUSE = {"kind": "long_stream", "seconds": 0.2, "after_events": 0, "repeat": 0}
FINAL_EVENT = {"chat": b"data: [DONE]", "messages": b"message_stop", "responses": b"response.completed"}


def read_until_final_event_and_hang_up(url: str, api: str, model: str) -> bytes:
    """Stream a request over a raw socket, close it as soon as the final event arrived."""
    parts = urlsplit(url)
    body = json.dumps(DIALECTS[api].request(model, "hi", stream=True)).encode()
    head = (
        f"POST {DIALECTS[api].path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    received = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head.encode() + body)
        while FINAL_EVENT[api] not in received:
            chunk = sock.recv(65536)
            assert chunk, f"the stream ended without its final event: {received[-500:]!r}"
            received += chunk
    return received


def access_line(caplog: pytest.LogCaptureFixture, path: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = [
            r.getMessage() for r in caplog.records if r.name == "brickgate.access" and path in r.getMessage()
        ]
        if lines:
            return lines[-1]
        time.sleep(0.02)
    raise AssertionError(f"no access-log line for {path}")


@pytest.mark.parametrize(
    ("api", "model"),
    [
        ("chat", "databricks-meta-llama-3-3-70b-instruct"),  # relayed as is
        ("messages", "databricks-claude-sonnet-4-5"),
        ("responses", "databricks-gpt-5-2"),
        ("messages", "databricks-gpt-oss-20b"),  # translated
    ],
)
def test_client_hanging_up_after_the_final_event_is_logged_as_a_complete_answer(
    gateway: RunningGateway, emulator: EmulatorControl, caplog: pytest.LogCaptureFixture, api: str, model: str
) -> None:
    caplog.set_level(logging.INFO, logger="brickgate.access")
    emulator.fault({**PAUSE, "model": model})

    read_until_final_event_and_hang_up(gateway.url, api, model)

    line = access_line(caplog, DIALECTS[api].path)
    assert " status=200 " in line, line
    assert " in=- " not in line and " out=- " not in line, f"usage lost: {line}"


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_copilot_streams_that_completed_are_logged_as_200(
    agent_gateway: ServeProcess, emulator: EmulatorControl, tmp_path: Any
) -> None:
    driver = DRIVERS["copilot-chat"]
    cell = driver.cell("llama")
    home = AgentHome.create(tmp_path / "agent")
    printed = run_setup(driver.setup_args(cell), home, agent_gateway, emulator)
    emulator.fault({**PAUSE, "model": cell.endpoint, "count": 10})
    log_mark = len(agent_gateway.lines)

    run = driver.run(driver.command(home, cell, printed), home, agent_gateway)

    why = diagnosis(cell, run, agent_gateway, emulator.requests(), log_mark=log_mark)
    assert cell.marker in driver.final_answer(run), why
    served = agent_gateway.access_lines_since(log_mark, wanted="POST /v1/chat/completions", count=2)
    assert len(served) >= 2 and all(" status=200 " in line for line in served), why
