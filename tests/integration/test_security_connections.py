"""Security: clients that never finish a request cannot hold the gateway (issue 10, item 3). Idle sockets,
a head that trickles in, and a huge header are thrown at a real `brickgate serve` over raw sockets; a
keyed request must still be served."""

from __future__ import annotations

import contextlib
import json
import re
import resource
import socket
import time
from collections.abc import Iterator

import pytest

from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.connection_limits import ConnectionLimits
from tests.cli_harness import output_of, run_cli
from tests.gateway_harness import DIALECTS, FAMILY_MODELS, call
from tests.integration.serve_process import Served, serving

KEY = "sk-gw-limits-1"
CHAT = DIALECTS["chat"].request(FAMILY_MODELS["llama"], "still served?", stream=False)


def _keyed_chat(served: Served) -> int:
    return call(served.url, "POST", "/v1/chat/completions", CHAT, {"authorization": f"Bearer {KEY}"}).status


def _open_files_256() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


@contextlib.contextmanager
def idle_sockets(port: int, count: int) -> Iterator[list[socket.socket]]:
    """``count`` connections that never send a byte."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sockets.append(socket.create_connection(("127.0.0.1", port), timeout=10))
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def test_idle_sockets_past_the_open_files_limit_cannot_starve_a_keyed_request(
    emulator: EmulatorControl,
) -> None:
    with (
        serving(emulator, env={"BRICKGATE_API_KEY": KEY}, preexec_fn=_open_files_256) as served,
        idle_sockets(served.port, 280),
    ):
        assert _keyed_chat(served) == 200
        assert "allows 96 client connections" in served.output()


def test_a_head_that_never_completes_is_closed_after_the_header_timeout(emulator: EmulatorControl) -> None:
    with serving(emulator, "--header-timeout", "1", env={"BRICKGATE_API_KEY": KEY}) as served:
        with socket.create_connection(("127.0.0.1", served.port), timeout=30) as silent:
            assert silent.recv(1024) == b""  # closed by the gateway; a hang fails on the socket timeout
        with socket.create_connection(("127.0.0.1", served.port), timeout=30) as slow:
            slow.sendall(f"POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n".encode())
            assert slow.recv(1024) == b""
        assert _keyed_chat(served) == 200


def test_a_body_that_stops_arriving_gets_408_and_frees_its_connection(emulator: EmulatorControl) -> None:
    """A request in progress is never evicted: a client that sends a head and part of its body must not
    hold the connection for good (found by the bad-input sweep: it held it 90 s and more, unanswered)."""
    with serving(emulator, "--body-timeout", "1", env={"BRICKGATE_API_KEY": KEY}) as served:
        with socket.create_connection(("127.0.0.1", served.port), timeout=30) as stalled:
            stalled.sendall(
                f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
                f"Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\n"
                'Content-Length: 1000\r\n\r\n{"model": '.encode()
            )
            answer = b""
            while chunk := stalled.recv(65536):  # a hang fails on the socket timeout
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 408"), answer[:300]
        assert b"--body-timeout" in answer and b"connection: close" in answer
        assert _keyed_chat(served) == 200


def test_a_body_sent_slowly_but_steadily_is_served(emulator: EmulatorControl) -> None:
    """The deadline is for a body that stops, not for one that takes long: each pause is under it."""
    body = json.dumps(CHAT).encode()
    with serving(emulator, "--body-timeout", "1", env={"BRICKGATE_API_KEY": KEY}) as served:
        with socket.create_connection(("127.0.0.1", served.port), timeout=30) as slow:
            slow.sendall(
                f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
                f"Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            )
            for at in range(0, len(body), len(body) // 4 + 1):  # ~2.4 s in all, 0.6 s between pieces
                time.sleep(0.6)
                slow.sendall(body[at : at + len(body) // 4 + 1])
            answer = b""
            while chunk := slow.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 200"), answer[:300]


def test_a_huge_header_is_refused_with_431_before_it_is_buffered(emulator: EmulatorControl) -> None:
    with serving(emulator, env={"BRICKGATE_API_KEY": KEY}) as served:
        with socket.create_connection(("127.0.0.1", served.port), timeout=30) as sock:
            head = f"GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nX-Big: ".encode()
            sent = 0
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                sock.sendall(head)
                for _ in range(20 * 16):  # 20 MiB, never ended
                    sock.sendall(b"a" * 65536)
                    sent += 65536
            answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
        assert sent < 20 * 1024 * 1024, "the gateway read the whole header"
        assert _keyed_chat(served) == 200


def test_serve_help_documents_each_limit_with_its_default() -> None:
    result = run_cli("serve", "--help")
    text = " ".join(result.stdout.split())
    defaults = ConnectionLimits()
    for flag, default in (
        ("--header-timeout", f"{defaults.header_timeout:.1f}"),
        ("--body-timeout", f"{defaults.body_timeout:.1f}"),
        ("--max-header-kb", str(defaults.max_header_bytes // 1024)),
        ("--max-connections", str(defaults.max_connections)),
    ):
        assert re.search(rf"{flag} \S+ [^[]*\[default: {re.escape(default)}\]", text), (flag, text)


@pytest.mark.parametrize(
    "flag", ["--header-timeout", "--body-timeout", "--max-header-kb", "--max-connections"]
)
def test_a_non_positive_limit_is_a_clear_error(emulator: EmulatorControl, flag: str) -> None:
    env = {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}
    result = run_cli("serve", flag, "0", env=env)
    assert result.returncode != 0
    assert f"{flag} must be positive" in result.stderr
    assert "Traceback" not in output_of(result)
