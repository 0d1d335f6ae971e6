"""`serve --identity caller`: each request runs as the person who sent it, against an emulator where ALICE
and BOB are two users and one endpoint is ALICE's alone (the emulator's `endpoint_users`)."""

from __future__ import annotations

import base64
import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest

from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.caller_identity import CallerIdentities, caller_credentials
from brickgate.gateway.server import RunningGateway
from brickgate.gateway.server import start_in_thread as start_gateway
from brickgate.upstream import RetryPolicy
from brickgate.workspace import Workspace
from tests.gateway_harness import Chat, Messages, call
from tests.ledger_harness import wait_for_rows
from tests.team_harness import ALICE, ALICE_NAME, BOB, BOB_NAME, PRIVATE, SHARED, bearer


@contextmanager
def caller_gateway(url: str, **options: Any) -> Iterator[RunningGateway]:
    """A gateway holding no credentials: every request must bring its caller's token."""
    retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.05, max_total_seconds=5)
    ws = Workspace(credentials=caller_credentials(url), retry=retry, persist=False)
    gateway = start_gateway(ws, callers=CallerIdentities(ws), **options)
    try:
        yield gateway
    finally:
        gateway.stop()


def listed(url: str, token: str) -> set[str]:
    answer = call(url, "GET", "/v1/models", headers=bearer(token))
    assert answer.status == 200, answer.body
    return {m["id"] for m in answer.json()["data"]}


def chat(url: str, model: str, headers: dict[str, str]) -> Any:
    return call(url, "POST", Chat.path, Chat().request(model, "hello", stream=False), headers)


def test_each_caller_lists_the_models_they_may_query(team: EmulatorControl) -> None:
    with caller_gateway(team.url) as gw:
        alice, bob = listed(gw.url, ALICE), listed(gw.url, BOB)
    assert PRIVATE in alice
    assert PRIVATE not in bob
    assert SHARED in alice & bob


def test_requests_run_with_the_callers_own_token(team: EmulatorControl) -> None:
    """The private endpoint answers ALICE and refuses BOB: each request went upstream with its own token,
    even when both users' requests interleave."""
    with caller_gateway(team.url) as gw:
        assert listed(
            gw.url, ALICE
        )  # ALICE's listing is warm; BOB's must not be used for her, nor hers for him
        jobs = [ALICE, BOB] * 6
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda t: chat(gw.url, PRIVATE, bearer(t)), jobs))
    for token, answer in zip(jobs, answers, strict=True):
        if token == ALICE:
            assert answer.status == 200, answer.body
        else:  # unknown to BOB (404), or known from a catalog he may read and refused upstream (403)
            assert answer.status in (403, 404), answer.body


def test_a_request_without_a_token_gets_401_in_the_callers_shape_naming_brickgate_token(
    team: EmulatorControl,
) -> None:
    with caller_gateway(team.url) as gw:
        as_chat = chat(gw.url, SHARED, {})
        as_messages = call(gw.url, "POST", Messages.path, Messages().request(SHARED, "hi", stream=False))
    assert as_chat.status == 401
    assert as_chat.json()["error"]["code"] == "caller_token_missing"
    assert "brickgate token" in as_chat.json()["error"]["message"]
    assert as_messages.status == 401
    assert as_messages.json()["type"] == "error"
    assert as_messages.json()["error"]["type"] == "authentication_error"
    assert "databricks auth token" in as_messages.json()["error"]["message"]
    assert team.stats().get("inference", 0) == 0


def test_a_rejected_token_is_asked_about_once_and_refused_with_the_fix(team: EmulatorControl) -> None:
    with caller_gateway(team.url) as gw:
        answers = [chat(gw.url, SHARED, bearer("dapi-revoked-9999")) for _ in range(3)]
        good = chat(gw.url, SHARED, bearer(ALICE))
    assert [a.status for a in answers] == [401, 401, 401]
    message = answers[0].json()["error"]["message"]
    assert "brickgate token" in message
    assert "dapi-revoked-9999" not in message
    assert team.stats()["refused_credentials"] == 1  # asked once, then remembered
    assert team.stats()["scim_me"] == 1  # ALICE
    assert good.status == 200  # one caller's failure does not touch another's request


def test_a_verified_token_is_not_verified_again_per_request(team: EmulatorControl) -> None:
    with caller_gateway(team.url) as gw:
        statuses = [chat(gw.url, SHARED, bearer(BOB)).status for _ in range(4)]
    assert statuses == [200] * 4
    assert team.stats()["scim_me"] == 1


def test_the_key_may_come_as_x_api_key_or_x_goog_api_key(team: EmulatorControl) -> None:
    with caller_gateway(team.url) as gw:
        via_api_key = chat(gw.url, PRIVATE, {"x-api-key": ALICE})
        via_goog = chat(gw.url, PRIVATE, {"x-goog-api-key": ALICE})
    assert via_api_key.status == 200, via_api_key.body
    assert via_goog.status == 200, via_goog.body


def test_ledger_rows_name_the_caller_never_the_token(team: EmulatorControl, isolated_env: Path) -> None:
    with caller_gateway(team.url) as gw:
        assert chat(gw.url, SHARED, bearer(ALICE)).status == 200
        assert chat(gw.url, SHARED, bearer(BOB)).status == 200
        rows = wait_for_rows(isolated_env, 2)
    assert sorted(r["identity"] for r in rows) == sorted([ALICE_NAME, BOB_NAME])
    ledger_bytes = b"".join(p.read_bytes() for p in isolated_env.rglob("*") if p.is_file())
    assert ALICE.encode() not in ledger_bytes and BOB.encode() not in ledger_bytes


def test_real_sdks_pass_their_api_key_as_the_callers_token(team: EmulatorControl) -> None:
    with caller_gateway(team.url) as gw:
        oai = openai.OpenAI(base_url=gw.url + "/v1", api_key=ALICE, max_retries=0)
        answer = oai.chat.completions.create(model=PRIVATE, messages=[{"role": "user", "content": "hi"}])
        assert answer.choices[0].message.content
        claude = anthropic.Anthropic(base_url=gw.url, api_key=BOB, max_retries=0)
        with pytest.raises((anthropic.NotFoundError, anthropic.PermissionDeniedError)):  # ALICE's only
            claude.messages.create(model=PRIVATE, max_tokens=64, messages=[{"role": "user", "content": "hi"}])
        reply = claude.messages.create(
            model=SHARED, max_tokens=64, messages=[{"role": "user", "content": "hi"}]
        )
        assert reply.content
        with pytest.raises(openai.AuthenticationError) as refused:
            openai.OpenAI(base_url=gw.url + "/v1", api_key="dapi-nobody-0000", max_retries=0).models.list()
    assert "brickgate token" in str(refused.value)


def test_identities_beyond_the_limit_drop_the_least_recently_used(team: EmulatorControl) -> None:
    retry = RetryPolicy(max_attempts=1)
    ws = Workspace(credentials=caller_credentials(team.url), retry=retry, persist=False)
    callers = CallerIdentities(ws, max_identities=1)
    gateway = start_gateway(ws, callers=callers)
    try:
        assert chat(gateway.url, SHARED, bearer(ALICE)).status == 200
        assert chat(gateway.url, SHARED, bearer(BOB)).status == 200
        assert len(callers) == 1
        assert chat(gateway.url, PRIVATE, bearer(ALICE)).status == 200  # rebuilt for her, from scratch
    finally:
        gateway.stop()


def test_a_token_without_the_model_serving_scope_gets_403_not_401(team: EmulatorControl) -> None:
    """Databricks refuses an OAuth token lacking `model-serving` with 403: the token is fine, its scope is
    not, so the caller must not be told to log in again (agents re-prompt for a key on 401)."""
    form = urllib.parse.urlencode(
        {"grant_type": "client_credentials", "scope": "serving.serving-endpoints"}
    ).encode()
    request = urllib.request.Request(team.url + "/oidc/v1/token", data=form)
    request.add_header(
        "Authorization", "Basic " + base64.b64encode(b"emulator-client:emulator-secret").decode()
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        token = json.loads(answer.read())["access_token"]
    with caller_gateway(team.url) as gw:
        assert SHARED in listed(gw.url, token)  # listing needs only serving.serving-endpoints
        refused = chat(gw.url, SHARED, bearer(token))
    assert refused.status == 403, refused.body
    error = refused.json()["error"]
    assert error["code"] == "caller_forbidden"
    assert "model-serving" in error["message"]
    assert token not in error["message"]
