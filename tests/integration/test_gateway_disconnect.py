"""A client that hangs up cancels the upstream request instead of leaving it running."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from brickgate.gateway.server import RunningGateway
from tests.gateway_harness import DIALECTS, FAMILY_MODELS, running_gateway


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


def start_request_and_hang_up(url: str, path: str, body: dict[str, Any], after: float) -> None:
    parts = urlsplit(url)
    data = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(head.encode() + b"\r\n" + data)
        time.sleep(after)


def access_statuses(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "brickgate.access"]


@pytest.mark.parametrize("api", ["messages", "chat"])  # fast path (Claude) and translated (Claude via chat)
def test_client_disconnect_cancels_the_upstream_request(
    gateway: RunningGateway, emulator: Any, caplog: pytest.LogCaptureFixture, api: str
) -> None:
    caplog.set_level(logging.INFO, logger="brickgate.access")
    emulator.fault({"kind": "slow_first_byte", "seconds": 1})
    body = DIALECTS[api].request(FAMILY_MODELS["claude"], "hi", stream=True)
    started = time.monotonic()
    start_request_and_hang_up(gateway.url, DIALECTS[api].path, body, after=0.2)
    while not any("status=499" in line for line in access_statuses(caplog)):
        assert time.monotonic() - started < 3, f"request not cancelled: {access_statuses(caplog)}"
        time.sleep(0.02)
