"""Security of a caller-identity gateway: a caller's token appears nowhere but upstream, forwarded
identity headers count only in a Databricks App, and a non-loopback bind still needs a key or
``--identity caller``. `brickgate serve` runs as a real subprocess against the two-user emulator."""

from __future__ import annotations

import json
from pathlib import Path

from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of, run_cli
from tests.gateway_harness import Chat, Messages, call
from tests.integration.serve_process import free_port, serving
from tests.integration.test_gateway_caller_identity import caller_gateway
from tests.ledger_harness import wait_for_rows
from tests.team_harness import ALICE, BOB, BOB_NAME, PRIVATE, SHARED, bearer

NO_OWN_TOKEN = {"DATABRICKS_TOKEN": ""}  # the gateway holds no credential of its own
REVOKED = "dapi-revoked-5555"
FORGED = {
    "x-forwarded-access-token": ALICE,
    "x-forwarded-email": "alice@example.com",
    "x-forwarded-user": "alice@example.com",
}


def test_a_callers_token_reaches_no_log_answer_ledger_or_json(
    team: EmulatorControl, isolated_env: Path
) -> None:
    chat = Chat()
    with serving(team, "--identity", "caller", env=NO_OWN_TOKEN) as gw:
        answers = [
            call(gw.url, "POST", Chat.path, chat.request(SHARED, "hi", stream=False), bearer(ALICE)),
            call(gw.url, "POST", Chat.path, chat.request(SHARED, "hi", stream=True), {"x-api-key": BOB}),
            call(gw.url, "POST", Chat.path, chat.request(PRIVATE, "hi", stream=False), bearer(BOB)),  # 404
            call(gw.url, "POST", Chat.path, b"{not json", bearer(ALICE)),  # 400
            call(
                gw.url, "POST", Messages.path, Messages().request(SHARED, "hi", stream=False), bearer(REVOKED)
            ),
            call(gw.url, "GET", "/v1/models", headers=bearer(REVOKED)),
            call(gw.url, "GET", "/v1/models", headers=bearer(ALICE)),
        ]
        wait_for_rows(isolated_env, 5)
        log = gw.output()
    assert [a.status for a in answers] == [200, 200, answers[2].status, 400, 401, 401, 200]
    assert answers[2].status in (403, 404)  # BOB on ALICE's endpoint: unknown to him, or refused
    usage = run_cli("usage", "--json", "--by", "identity")
    assert usage.returncode == 0, output_of(usage)
    on_disk = b"".join(p.read_bytes() for p in isolated_env.rglob("*") if p.is_file())
    for token in (ALICE, BOB, REVOKED):
        assert token not in log
        assert all(token.encode() not in a.body for a in answers)
        assert token not in usage.stdout
        assert token.encode() not in on_disk
    assert BOB_NAME in usage.stdout  # the ledger names the caller instead


def test_forged_forwarded_headers_are_ignored_outside_app_mode(
    team: EmulatorControl, isolated_env: Path
) -> None:
    """No App here: X-Forwarded-Access-Token does not authenticate, and beside BOB's own token neither it
    nor X-Forwarded-Email makes the request ALICE's (her endpoint stays unknown, tags and ledger say BOB)."""
    body = Chat().request(SHARED, "hi", stream=False)
    with caller_gateway(team.url) as gw:
        alone = call(gw.url, "POST", Chat.path, body, FORGED)
        beside = call(gw.url, "POST", Chat.path, body, {**bearer(BOB), **FORGED})
        private = call(
            gw.url, "POST", Chat.path, Chat().request(PRIVATE, "hi", stream=False), {**bearer(BOB), **FORGED}
        )
        rows = wait_for_rows(isolated_env, 3)
    assert alone.status == 401
    assert alone.json()["error"]["code"] == "caller_token_missing"
    assert beside.status == 200
    assert private.status in (403, 404)
    tags = [r["request_tags"] for r in team.requests()]
    assert tags and all("user" not in t for t in tags)
    assert {r["identity"] for r in rows if r["status"] == 200} == {BOB_NAME}


def test_forged_forwarded_headers_are_ignored_by_a_personal_gateway(emulator: EmulatorControl) -> None:
    with serving(emulator) as gw:
        answer = call(gw.url, "POST", Chat.path, Chat().request(SHARED, "hi", stream=False), FORGED)
        log = gw.output()
    assert answer.status == 200
    assert all("user" not in (r["request_tags"] or {}) for r in emulator.requests())
    assert "alice@example.com" not in log


def test_a_non_loopback_bind_needs_a_key_or_caller_identity(team: EmulatorControl) -> None:
    env = {"DATABRICKS_HOST": team.url, "DATABRICKS_TOKEN": ALICE, "BRICKGATE_API_KEY": ""}
    refused = run_cli("serve", "--bind", "0.0.0.0", "--port", str(free_port()), env=env, timeout=20)
    assert refused.returncode != 0
    assert "--identity caller" in output_of(refused)
    both = run_cli(
        "serve", "--bind", "0.0.0.0", "--identity", "caller", "--api-key", "k-123", env=env, timeout=20
    )
    assert both.returncode != 0
    assert "do not go together" in output_of(both)
    with serving(team, "--bind", "0.0.0.0", "--identity", "caller", env=NO_OWN_TOKEN) as gw:
        health = call(gw.url, "GET", "/health")
        anonymous = call(gw.url, "GET", "/v1/models")
    assert health.status == 200
    assert anonymous.status == 401
    assert json.loads(anonymous.body)["error"]["code"] == "caller_token_missing"


def test_a_caller_identity_gateway_serves_no_dashboard_or_metrics(team: EmulatorControl) -> None:
    """Team usage is not for every caller to read: no page, no /metrics (`brickgate usage` on the host)."""
    with caller_gateway(team.url) as gw:
        page = call(gw.url, "GET", "/ui", headers=bearer(ALICE))
        metrics = call(gw.url, "GET", "/metrics", headers=bearer(ALICE))
    assert page.status == 404
    assert metrics.status == 404
