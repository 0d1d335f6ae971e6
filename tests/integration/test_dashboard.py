"""The dashboard over plain HTTP: what it shows, its live update, and who may see it behind --api-key."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.dashboard import SESSION_COOKIE
from tests.gateway_harness import FAMILY_MODELS, Chat, call, running_gateway
from tests.ledger_harness import traffic, usage_json, wait_for_rows

KEY = "sk-dashboard-key-8Hq2"
FORM = {"content-type": "application/x-www-form-urlencoded"}


def _cards(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-total="([^"]+)" data-value="([^"]*)"', html))


def test_the_page_shows_what_the_ledger_holds(emulator: EmulatorControl, isolated_env: Path) -> None:
    with running_gateway(emulator.url, emulator.token) as gw:
        answers = traffic(gw.url, families=["claude", "llama"])
        wait_for_rows(isolated_env, len(answers))
        page = call(gw.url, "GET", "/")
        also = call(gw.url, "GET", "/ui?since=24h")
    html = page.body.decode()
    assert page.status == also.status == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    totals = usage_json()["totals"]
    cards = _cards(html)
    assert int(cards["requests"]) == totals["requests"] == len(answers)
    assert int(cards["output tokens"]) == totals["output_tokens"]
    assert float(cards["spend"]) == pytest.approx(totals["cost_usd"])
    assert html.count("<tr data-id=") == len(answers)  # the latest requests
    assert FAMILY_MODELS["claude"] in html and "databricks-gpt-oss-20b" in html  # the models list
    assert 'class="bar"' in html and "data-usd=" in html  # both charts
    assert "ledger: recording" in html


def test_live_update_sends_new_rows_only(emulator: EmulatorControl, isolated_env: Path) -> None:
    with running_gateway(emulator.url, emulator.token) as gw:
        call(gw.url, "POST", Chat.path, Chat().request(FAMILY_MODELS["llama"], "hi", stream=False))
        wait_for_rows(isolated_env, 1)
        first = json.loads(call(gw.url, "GET", "/ui/live?since=7d").body)
        unchanged = json.loads(call(gw.url, "GET", f"/ui/live?since=7d&after={first['last_id']}").body)
        call(gw.url, "POST", Chat.path, Chat().request(FAMILY_MODELS["gemini"], "hi", stream=False))
        wait_for_rows(isolated_env, 2)
        changed = json.loads(call(gw.url, "GET", f"/ui/live?since=7d&after={first['last_id']}").body)
    assert unchanged == {"last_id": first["last_id"]}
    assert changed["last_id"] > first["last_id"]
    assert set(changed["sections"]) == {"health", "totals", "daily", "by-model", "errors", "recent"}
    assert FAMILY_MODELS["gemini"] in changed["sections"]["recent"]


def test_behind_a_key_the_page_asks_to_sign_in(emulator: EmulatorControl) -> None:
    with running_gateway(emulator.url, emulator.token, api_key=KEY) as gw:
        anonymous = call(gw.url, "GET", "/")
        live = call(gw.url, "GET", "/ui/live")
        with_bearer = call(gw.url, "GET", "/ui", headers={"authorization": f"Bearer {KEY}"})
        with_header = call(gw.url, "GET", "/ui", headers={"x-api-key": KEY})
    assert anonymous.status == 200 and b'action="/ui/login"' in anonymous.body
    assert b"data-total" not in anonymous.body
    assert live.status == 401
    assert with_bearer.status == with_header.status == 200 and b"data-total" in with_bearer.body


def test_signing_in_sets_a_cookie_that_opens_the_dashboard_only(
    emulator: EmulatorControl, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="brickgate")
    with running_gateway(emulator.url, emulator.token, api_key=KEY) as gw:
        wrong = call(gw.url, "POST", "/ui/login", b"key=not-the-key", FORM)
        right = call(gw.url, "POST", "/ui/login", f"key={KEY}".encode(), FORM)
        cookie = right.headers["set-cookie"].split(";")[0]
        page = call(gw.url, "GET", "/ui", headers={"cookie": cookie})
        metrics = call(gw.url, "GET", "/metrics", headers={"cookie": cookie})
        body = Chat().request(FAMILY_MODELS["llama"], "hi", stream=False)
        spend = call(gw.url, "POST", Chat.path, body, {"cookie": cookie})
    assert wrong.status == 401 and b"Wrong key" in wrong.body
    assert (right.status, right.headers["location"]) == (303, "/ui")
    flags = right.headers["set-cookie"].lower()
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "httponly" in flags and "samesite=strict" in flags
    assert KEY not in right.headers["set-cookie"]
    assert page.status == metrics.status == 200
    assert spend.status == 401  # inference never accepts the dashboard's cookie
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/ui/login" in logged and KEY not in logged


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "http://127.0.0.1:3000"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
    ],
)
def test_signing_in_from_another_site_is_refused(emulator: EmulatorControl, headers: dict[str, str]) -> None:
    with running_gateway(emulator.url, emulator.token, api_key=KEY) as gw:
        answer = call(gw.url, "POST", "/ui/login", f"key={KEY}".encode(), {**FORM, **headers})
    assert answer.status == 403 and "set-cookie" not in answer.headers


def test_the_scripts_and_styles_are_served_from_the_package(emulator: EmulatorControl) -> None:
    with running_gateway(emulator.url, emulator.token, api_key=KEY) as gw:
        script = call(gw.url, "GET", "/ui/assets/dashboard.js")
        style = call(gw.url, "GET", "/ui/assets/dashboard.css")
        other = call(gw.url, "GET", "/ui/assets/..%2fdashboard.py")
    assert script.status == style.status == 200  # the sign-in page needs them before any key
    assert script.headers["content-type"].startswith("text/javascript") and b"Apache" in script.body
    assert style.headers["content-type"].startswith("text/css")
    assert other.status == 404
