"""The dashboard in a real headless browser: Debian's chromium driven by Playwright (which never downloads a
browser of its own here). Signs in by link, checks the rows and chart data after real traffic, takes a
screenshot, sees a new request arrive by the live update, and finds no console errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from brickgate.emulator.control_client import EmulatorControl
from tests.gateway_harness import FAMILY_MODELS, Chat, call, running_gateway
from tests.ledger_harness import traffic, usage_json, wait_for_rows

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
KEY = "sk-browser-test-key"
ROWS = "#recent tr[data-id]"


@pytest.fixture
def browser() -> Any:
    if not CHROMIUM.exists():
        pytest.skip(
            "no browser: the dashboard test needs Debian's chromium at /usr/bin/chromium "
            "(apt-get install -y chromium; .ci/run installs it so CI always runs this test)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def test_dashboard_shows_real_traffic_in_a_browser(
    browser: Any, emulator: EmulatorControl, isolated_env: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    with running_gateway(emulator.url, emulator.token, api_key=KEY) as gw:
        keyed = {"authorization": f"Bearer {KEY}"}
        answers = traffic(gw.url, keyed, families=["claude", "gpt", "llama", "gemini"])
        wait_for_rows(isolated_env, len(answers))
        totals = usage_json()["totals"]

        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.goto(f"{gw.url}/ui#key={KEY}")  # the script posts the key and reloads without the fragment
        page.wait_for_selector(ROWS)

        assert KEY not in page.url
        assert page.locator(ROWS).count() == len(answers)
        cards = {
            card.get_attribute("data-total"): card.get_attribute("data-value")
            for card in page.locator("#totals .card").all()
        }
        assert int(cards["requests"]) == totals["requests"] == len(answers)
        assert int(cards["output tokens"]) == totals["output_tokens"]
        daily = [float(b.get_attribute("data-usd")) for b in page.locator("#daily rect.bar").all()]
        assert sum(daily) == pytest.approx(totals["cost_usd"], rel=1e-6)
        per_model = {
            b.get_attribute("data-model"): float(b.get_attribute("data-usd"))
            for b in page.locator("#by-model rect.bar").all()
        }
        assert set(per_model) == {FAMILY_MODELS[f] for f in ("claude", "gpt", "llama", "gemini")}
        assert sum(per_model.values()) == pytest.approx(totals["cost_usd"], rel=1e-6)
        assert page.locator("text=ledger: recording").count() == 1
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

        body = Chat().request(FAMILY_MODELS["gpt-oss"], "one more", stream=False)
        assert call(gw.url, "POST", Chat.path, body, keyed).status == 200
        expect(page.locator(ROWS)).to_have_count(len(answers) + 1, timeout=20_000)  # the live update
        assert FAMILY_MODELS["gpt-oss"] in page.locator("#recent").inner_text()
        assert page.locator("#live-state").inner_text() == "live"
        page.close()
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000
    assert problems == []


def test_a_wrong_key_in_the_link_leaves_the_sign_in_form(
    browser: Any, emulator: EmulatorControl, tmp_path: Path
) -> None:
    with running_gateway(emulator.url, emulator.token, api_key=KEY) as gw:
        page = browser.new_page()
        page.goto(f"{gw.url}/ui#key=wrong-key")
        page.wait_for_url(f"{gw.url}/ui")
        page.wait_for_selector("form[action='/ui/login']")
        assert page.locator("#dashboard").count() == 0
        page.fill("input[name=key]", KEY)
        page.click("button[type=submit]")
        page.wait_for_selector("#totals")
        page.close()
