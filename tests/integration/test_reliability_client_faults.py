"""Faults from clients: hanging up mid-stream frees the upstream connection, and a client that stops reading
holds the upstream back instead of making the gateway buffer the whole answer."""

from __future__ import annotations

import http.client
import json
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from brickgate.emulator import RunningEmulator
from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.server import RunningGateway
from tests.gateway_harness import DIALECTS, FAMILY_MODELS, call, running_gateway

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def gateway(emulator_server: RunningEmulator) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


def pool(gw: RunningGateway) -> dict[str, int]:
    return gw.app.gateway.workspace._upstream.transport.pool_stats()


def wait_until(condition: Callable[[], bool], timeout: float = 3.0) -> float:
    """Seconds it took for ``condition`` to hold; fails after ``timeout``."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "condition not reached in time"
        time.sleep(0.02)
    return time.monotonic() - started


def open_stream(gw: RunningGateway, api: str, family: str) -> tuple[http.client.HTTPConnection, Any]:
    """A streaming request whose response head has arrived and whose body is not read yet."""
    parts = urlsplit(gw.url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    body = json.dumps(DIALECTS[api].request(FAMILY_MODELS[family], "hi", stream=True))
    conn.request("POST", DIALECTS[api].path, body=body, headers={"content-type": "application/json"})
    response = conn.getresponse()
    assert response.status == 200
    return conn, response


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def access_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "brickgate.access"]


def test_finished_stream_returns_its_connection_to_the_pool(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    body = DIALECTS["chat"].request(FAMILY_MODELS["llama"], "hi", stream=True)
    assert call(gateway.url, "POST", "/v1/chat/completions", body).status == 200
    wait_until(lambda: pool(gateway)["in_use"] == 0)
    assert pool(gateway)["idle"] >= 1


@pytest.mark.parametrize(("api", "family"), [("messages", "claude"), ("chat", "llama"), ("chat", "claude")])
def test_client_hanging_up_mid_stream_cancels_the_upstream_and_frees_its_connection(
    gateway: RunningGateway,
    emulator: EmulatorControl,
    caplog: pytest.LogCaptureFixture,
    api: str,
    family: str,
) -> None:
    caplog.set_level(logging.INFO, logger="brickgate.access")
    emulator.fault({"kind": "long_stream", "repeat": 500, "seconds": 0.02})  # a stream of 10+ s
    conn, response = open_stream(gateway, api, family)
    assert response.read1(64)  # the answer has started
    assert pool(gateway)["in_use"] == 1
    conn.close()
    freed_after = wait_until(lambda: pool(gateway)["in_use"] == 0)
    assert freed_after < 2.0
    wait_until(lambda: any(" status=499 " in line for line in access_lines(caplog)))


def test_slow_reader_holds_the_upstream_back_instead_of_being_buffered(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    copies = 160_000  # about 40 MiB of chat chunks
    emulator.fault({"kind": "long_stream", "repeat": copies})
    before = rss_bytes()
    conn, response = open_stream(gateway, "chat", "llama")
    time.sleep(1.5)  # read nothing: socket buffers fill, then the gateway must stop reading upstream
    grown = rss_bytes() - before
    still_streaming = pool(gateway)["in_use"]
    body = response.read()
    conn.close()
    assert still_streaming == 1
    assert grown < 16 * MiB, f"RSS grew {grown / MiB:.1f} MiB while the reader stalled"
    assert len(body) > 30 * MiB
    assert body.endswith(b"data: [DONE]\n\n")
    wait_until(lambda: pool(gateway)["in_use"] == 0)
