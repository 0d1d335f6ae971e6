"""Security: a request cannot write terminal escapes or forged lines into the access log (issue 10,
item 5). The request goes over a raw socket to a real `brickgate serve`, which has a key, so the line is
written before any key check."""

from __future__ import annotations

import socket

from brickgate.emulator.control_client import EmulatorControl
from tests.gateway_harness import DIALECTS, call
from tests.integration.serve_process import serving

# OSC 52 (sets the terminal's clipboard), a bell, then a newline and a forged access line.
_INJECTED_PATH = "/%1b]52;c;ZXZpbA==%07%0a12:00:00%20POST%20/v1/messages%20model=forged%20status=200"


def _raw_get(port: int, path: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        return sock.recv(65536)


def test_control_characters_in_the_path_are_escaped_in_the_access_log(emulator: EmulatorControl) -> None:
    with serving(emulator, env={"BRICKGATE_API_KEY": "sk-gw-log-1"}) as served:
        answer = _raw_get(served.port, _INJECTED_PATH)
        assert answer.startswith(b"HTTP/1.1 404")
        line = served.wait_for("]52;c;")
        log = served.output()

    assert "\x1b" not in log and "\x07" not in log
    assert "\\x1b]52;c;ZXZpbA==\\x07\\n12:00:00 POST /v1/messages model=forged" in line
    assert not any(entry.startswith("12:00:00 POST") for entry in log.splitlines())


def test_ordinary_requests_are_logged_unchanged(emulator: EmulatorControl) -> None:
    with serving(emulator) as served:
        body = DIALECTS["chat"].request("databricks-meta-llama-3-3-70b-instruct", "hi", stream=False)
        assert call(served.url, "POST", "/v1/chat/completions", body).status == 200
        line = served.wait_for("POST /v1/chat/completions")

    assert "model=databricks-meta-llama-3-3-70b-instruct upstream=chat path=fast status=200" in line
