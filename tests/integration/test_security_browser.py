"""Security: a web page the user visits cannot use the gateway (issue 10, item 1), while local agents and
SDKs, which send no Origin and JSON bodies, keep working. Every request goes over a real socket to a real
`brickgate serve` (loopback, no key: the default), and the emulator proves nothing was billed."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest

from brickgate.emulator.control_client import EmulatorControl
from tests.gateway_harness import DIALECTS, FAMILY_MODELS, Answer
from tests.integration.serve_process import Served, serving

MESSAGES = json.dumps(DIALECTS["messages"].request(FAMILY_MODELS["claude"], "spend it", stream=False))
CHAT = json.dumps(DIALECTS["chat"].request(FAMILY_MODELS["llama"], "spend it", stream=False))


@pytest.fixture(scope="module")
def served(emulator_server: Any) -> Iterator[Served]:
    with serving(emulator_server, "--allow-origin", "https://trusted-tool.example") as running:
        yield running


def send(
    served: Served, method: str, path: str, body: str | None = None, **headers: str
) -> tuple[Answer, dict[str, Any] | None]:
    """One request with exactly these headers (Host defaults to the gateway's own address)."""
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    all_headers = {"Host": f"127.0.0.1:{served.port}", **headers}
    try:
        conn.request(method, path, body=body, headers=all_headers)
        resp = conn.getresponse()
        answer = Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()
    doc = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else None
    return answer, doc


def test_a_web_pages_simple_request_is_refused_and_never_billed(
    served: Served, emulator: EmulatorControl
) -> None:
    # What `fetch(url, {method: "POST", mode: "no-cors", body})` sends from https://evil.example.
    answer, doc = send(
        served,
        "POST",
        "/v1/messages",
        MESSAGES,
        **{"Content-Type": "text/plain;charset=UTF-8", "Origin": "https://evil.example"},
    )

    assert answer.status == 403
    assert doc is not None and doc["type"] == "error" and doc["error"]["type"] == "permission_error"
    assert "web pages" in doc["error"]["message"] and "--allow-origin" in doc["error"]["message"]
    assert emulator.requests() == []


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_body_not_declared_json_is_refused_without_an_origin_too(
    served: Served, emulator: EmulatorControl, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    answer, doc = send(served, "POST", "/v1/chat/completions", CHAT, **headers)

    assert answer.status == 415
    assert doc is not None and "Content-Type: application/json" in doc["error"]["message"]
    assert emulator.requests() == []


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("GET", "/v1/models", None), ("POST", "/v1/chat/completions", CHAT)],
)
def test_dns_rebinding_cannot_read_models_or_answers(
    served: Served, emulator: EmulatorControl, method: str, path: str, body: str | None
) -> None:
    # The page's own domain now resolves to 127.0.0.1: same-origin for the browser, so no Origin on GET.
    host = f"rebind.evil.example:{served.port}"
    answer, doc = send(served, method, path, body, Host=host, **{"Content-Type": "application/json"})

    assert answer.status == 403
    assert doc is not None and "rebind.evil.example" in doc["error"]["message"]
    assert b"databricks-" not in answer.body
    assert emulator.requests() == []


def test_a_cross_site_fetch_without_an_origin_is_refused(served: Served) -> None:
    answer, _ = send(
        served, "GET", "/v1/models", **{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}
    )
    assert answer.status == 403


def test_a_preflight_gets_no_cors_permission(served: Served) -> None:
    answer, _ = send(
        served,
        "OPTIONS",
        "/v1/chat/completions",
        Origin="https://evil.example",
        **{"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
    )
    assert answer.status >= 400
    assert not any(name.startswith("access-control-allow") for name in answer.headers)


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}"])
@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"]
)
def test_local_clients_on_any_loopback_name_and_json_spelling_are_served(
    served: Served, emulator: EmulatorControl, host: str, content_type: str
) -> None:
    # Node's fetch (undici) adds Sec-Fetch-Mode: cors; agents send no Origin and no Sec-Fetch-Site.
    headers = {"Content-Type": content_type, "Sec-Fetch-Mode": "cors", "User-Agent": "claude-cli/2.1.330"}
    answer, doc = send(
        served, "POST", "/v1/chat/completions", CHAT, Host=host.format(port=served.port), **headers
    )

    assert answer.status == 200, answer.body
    assert doc is not None and doc["choices"][0]["message"]["content"].startswith("Hello from")


def test_the_gateways_own_origin_and_an_allowed_origin_are_served(
    served: Served, emulator: EmulatorControl
) -> None:
    for origin in (f"http://127.0.0.1:{served.port}", "https://trusted-tool.example"):
        headers = {"Content-Type": "application/json", "Origin": origin, "Sec-Fetch-Site": "cross-site"}
        answer, _ = send(served, "POST", "/v1/chat/completions", CHAT, **headers)
        assert answer.status == 200, (origin, answer.body)


def test_the_real_sdks_are_served_through_localhost(served: Served, emulator: EmulatorControl) -> None:
    openai = pytest.importorskip("openai")
    anthropic = pytest.importorskip("anthropic")
    base = f"http://localhost:{served.port}"

    oa = openai.OpenAI(base_url=base + "/v1", api_key="sk-anything", max_retries=0)
    assert any(m.id == FAMILY_MODELS["llama"] for m in oa.models.list())
    chat = oa.chat.completions.create(
        model=FAMILY_MODELS["llama"], messages=[{"role": "user", "content": "hi"}]
    )
    assert chat.choices[0].message.content.startswith("Hello from")

    an = anthropic.Anthropic(base_url=base, api_key="sk-anything", max_retries=0)
    message = an.messages.create(
        model=FAMILY_MODELS["claude"], max_tokens=64, messages=[{"role": "user", "content": "hi"}]
    )
    assert message.content[0].text.startswith("Hello from")


def test_a_gateway_bound_elsewhere_with_a_key_answers_any_host_name(emulator: EmulatorControl) -> None:
    with serving(emulator, "--bind", "0.0.0.0", env={"BRICKGATE_API_KEY": "sk-gw-lan-1"}) as lan:
        headers = {"Content-Type": "application/json", "Authorization": "Bearer sk-gw-lan-1"}
        answer, _ = send(lan, "POST", "/v1/chat/completions", CHAT, Host=f"gateway.lan:{lan.port}", **headers)
        assert answer.status == 200
        del headers["Authorization"]
        answer, _ = send(lan, "POST", "/v1/chat/completions", CHAT, Host=f"gateway.lan:{lan.port}", **headers)
        assert answer.status == 401
