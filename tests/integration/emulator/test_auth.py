"""Credentials: host metadata, OIDC M2M through the real databricks-sdk, PAT / Basic, rejections."""

from __future__ import annotations

import time

from brickgate.emulator import EmulatorConfig, start_in_thread
from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import basic_token, call, get, post, post_form

LIST = "/api/2.0/serving-endpoints"
CHAT = "/serving-endpoints/chat/completions"


def _token_request(emulator: EmulatorControl, client_id: str, secret: str) -> tuple[int, dict]:
    fields = {"grant_type": "client_credentials", "scope": "all-apis"}
    reply = post_form(f"{emulator.url}/oidc/v1/token", fields, client_id, secret)
    return reply.status, reply.json()


def test_host_metadata_points_at_the_emulators_oidc(emulator: EmulatorControl) -> None:
    meta = get(f"{emulator.url}/.well-known/databricks-config").json()
    assert meta["oidc_endpoint"] == f"{emulator.url}/oidc"
    assert (meta["cloud"], meta["host_type"]) == ("aws", "workspace")
    assert meta["workspace_id"] and meta["account_id"]


def test_oidc_discovery_names_the_token_endpoint(emulator: EmulatorControl) -> None:
    doc = get(f"{emulator.url}/oidc/.well-known/oauth-authorization-server").json()
    assert doc["token_endpoint"] == f"{emulator.url}/oidc/v1/token"


def test_real_sdk_oauth_m2m_authenticates_and_lists(emulator: EmulatorControl) -> None:
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.core import Config

    cfg = Config(
        host=emulator.url,
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
        retry_timeout_seconds=5,
    )
    headers = cfg.authenticate()
    assert headers["Authorization"].startswith("Bearer ")
    names = [e.name for e in WorkspaceClient(config=cfg).serving_endpoints.list()]
    assert "databricks-claude-sonnet-4-5" in names
    assert emulator.stats()["token"] == 1


def test_token_endpoint_issues_token_with_configured_lifetime() -> None:
    with start_in_thread(EmulatorConfig(token_ttl=42)) as emu:
        control = EmulatorControl(emu.url, emu.token, "emulator-client", "emulator-secret")
        status, body = _token_request(control, "emulator-client", "emulator-secret")
    assert status == 200
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("Bearer", 42, "all-apis")


def test_token_endpoint_rejects_wrong_client_secret(emulator: EmulatorControl) -> None:
    status, body = _token_request(emulator, emulator.client_id, "wrong")
    assert (status, body["error"]) == (401, "invalid_client")


def test_issued_oauth_token_is_accepted_as_bearer(emulator: EmulatorControl) -> None:
    _, body = _token_request(emulator, emulator.client_id, emulator.client_secret)
    assert get(emulator.url + LIST, body["access_token"]).status == 200


def test_expire_tokens_fault_invalidates_issued_tokens(emulator: EmulatorControl) -> None:
    _, body = _token_request(emulator, emulator.client_id, emulator.client_secret)
    emulator.fault({"kind": "expire_tokens"})
    reply = get(emulator.url + LIST, body["access_token"])
    assert (reply.status, reply.json()["error_code"]) == (401, "UNAUTHENTICATED")


def test_oauth_token_expires_after_its_ttl() -> None:
    with start_in_thread(EmulatorConfig(token_ttl=1)) as emu:
        control = EmulatorControl(emu.url, emu.token, "emulator-client", "emulator-secret")
        _, body = _token_request(control, "emulator-client", "emulator-secret")
        time.sleep(1.1)
        assert get(emu.url + LIST, body["access_token"]).status == 401


def test_pat_is_accepted_as_basic_token_user(emulator: EmulatorControl) -> None:
    assert get(emulator.url + LIST, headers=basic_token(emulator.token)).status == 200


def test_missing_token_gets_401_in_databricks_shape(emulator: EmulatorControl) -> None:
    reply = get(emulator.url + LIST)
    assert reply.status == 401
    assert reply.json() == {
        "error_code": "UNAUTHENTICATED",
        "message": "Credential was not sent or was of an unsupported type for this API.",
    }


def test_wrong_token_gets_401_invalid_access_token(emulator: EmulatorControl) -> None:
    reply = get(emulator.url + LIST, "dapi-not-a-real-token")
    assert (reply.status, reply.json()["message"]) == (401, "Invalid access token.")


def test_metadata_service_issues_a_token_for_this_host(emulator: EmulatorControl) -> None:
    reply = call(
        "GET",
        f"{emulator.url}/metadata-token",
        headers={"X-Databricks-Metadata-Version": "1", "X-Databricks-Host": emulator.url},
    )
    body = reply.json()
    assert body["token_type"] == "Bearer"
    assert get(emulator.url + LIST, body["access_token"]).status == 200


def test_x_api_key_alone_is_not_a_credential(emulator: EmulatorControl) -> None:
    body = {
        "model": "databricks-claude-sonnet-4-5",
        "max_tokens": 10,
        "messages": [{"role": "user", "content": "hi"}],
    }
    reply = post(
        emulator.url + "/serving-endpoints/anthropic/v1/messages", body, headers={"x-api-key": emulator.token}
    )
    assert reply.status == 401


def test_ai_gateway_rejects_bad_token_with_400_invalid_token(emulator: EmulatorControl) -> None:
    body = {"model": "databricks-gpt-5-2", "messages": [{"role": "user", "content": "hi"}]}
    reply = post(emulator.url + "/ai-gateway/mlflow/v1/chat/completions", body, "dapi-wrong")
    assert (reply.status, reply.raw) == (400, b"Invalid Token")
