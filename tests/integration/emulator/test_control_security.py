"""The control API answers only loopback Hosts and loopback pages (issue 10 item 9): a DNS-rebinding page
and a cross-origin page try, over real HTTP, to inject a fault and read recorded prompts, and fail."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import post

FAULT = b'{"kind": "500", "until_reset": true}'


def raw_request(emulator: EmulatorControl, method: str, path: str, headers: dict[str, str], body: bytes = b""
                ) -> tuple[int, bytes]:  # fmt: skip
    """One request with exactly these headers (http.client sends the Host we give it)."""
    parts = urlsplit(emulator.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            conn.putheader(name, value)
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def port(emulator: EmulatorControl) -> int:
    return urlsplit(emulator.url).port or 80


def chat_still_answers(emulator: EmulatorControl) -> bool:
    body = {"model": "databricks-gpt-5-2", "messages": [{"role": "user", "content": "secret prompt"}]}
    return post(emulator.url + "/serving-endpoints/chat/completions", body, emulator.token).status == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example:{port}", ""])
def test_dns_rebinding_host_cannot_inject_a_fault(emulator: EmulatorControl, host: str) -> None:
    headers = {"Host": host.format(port=port(emulator)), "Content-Type": "application/json"}
    status, body = raw_request(emulator, "POST", "/_emulator/faults", headers, FAULT)
    assert status == 403 and b"loopback Host" in body
    assert chat_still_answers(emulator)


def test_dns_rebinding_host_cannot_read_recorded_prompts(emulator: EmulatorControl) -> None:
    chat_still_answers(emulator)
    status, body = raw_request(
        emulator, "GET", "/_emulator/requests", {"Host": f"evil.example:{port(emulator)}"}
    )
    assert status == 403 and b"secret prompt" not in body


def test_cross_origin_page_cannot_drive_the_control_api(emulator: EmulatorControl) -> None:
    headers = {
        "Host": f"127.0.0.1:{port(emulator)}",
        "Origin": "https://evil.example",
        "Content-Type": "text/plain",  # a "simple" request a browser sends without a preflight
    }
    status, body = raw_request(emulator, "POST", "/_emulator/faults", headers, FAULT)
    assert status == 403 and b"cross-origin" in body
    assert chat_still_answers(emulator)


def test_cross_site_fetch_without_origin_is_refused(emulator: EmulatorControl) -> None:
    headers = {"Host": f"127.0.0.1:{port(emulator)}", "Sec-Fetch-Site": "cross-site"}
    assert raw_request(emulator, "GET", "/_emulator/stats", headers)[0] == 403


def test_null_origin_is_refused(emulator: EmulatorControl) -> None:
    headers = {"Host": f"127.0.0.1:{port(emulator)}", "Origin": "null"}
    assert raw_request(emulator, "POST", "/_emulator/reset", headers, b"{}")[0] == 403


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST", "[::1]:{port}", "127.0.0.1"]
)
def test_loopback_hosts_are_served(emulator: EmulatorControl, host: str) -> None:
    headers = {"Host": host.format(port=port(emulator))}
    assert raw_request(emulator, "GET", "/_emulator/stats", headers)[0] == 200


def test_a_loopback_page_may_use_it(emulator: EmulatorControl) -> None:
    headers = {
        "Host": f"localhost:{port(emulator)}",
        "Origin": "http://localhost:3000",
        "Sec-Fetch-Site": "same-site",
    }
    assert raw_request(emulator, "GET", "/_emulator/stats", headers)[0] == 200


def test_inference_is_not_subject_to_the_control_rule(emulator: EmulatorControl) -> None:
    """Only `/_emulator/*` is guarded: a workspace behind a proxy is reached by its public Host name."""
    body = b'{"model": "databricks-gpt-5-2", "messages": [{"role": "user", "content": "hi"}]}'
    headers = {
        "Host": "adb-123.cloud.databricks.com",
        "Authorization": f"Bearer {emulator.token}",
        "Content-Type": "application/json",
    }
    assert raw_request(emulator, "POST", "/serving-endpoints/chat/completions", headers, body)[0] == 200
