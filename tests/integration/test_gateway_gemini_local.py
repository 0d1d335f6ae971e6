"""What the gateway answers itself on the Gemini routes: countTokens, the model list, errors in Google's
shape for every path and method under /v1beta, Google's key spellings, and Gemini CLI's own model names
mapped to a model the user chose (never a 404 in the middle of a session)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from brickgate.gateway.server import RunningGateway
from tests import gemini_harness as g
from tests.gateway_harness import call, running_gateway

KEY = "gemini-test-key-9f3a"


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


@pytest.fixture
def fresh_gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    """A gateway started in this test (so it reads this test's config.toml and has seen no caller yet)."""
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


@pytest.fixture(scope="module")
def keyed(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token, api_key=KEY) as gw:
        yield gw


def served_model(gateway: RunningGateway, emulator: Any, name: str) -> str:
    """The endpoint a Gemini request naming ``name`` reached upstream."""
    before = len(emulator.requests())
    answer = call(gateway.url, "POST", g.path(name, "generateContent"), g.request("hi"))
    assert answer.status == 200, answer.body
    upstream = emulator.requests()[before]
    return str(upstream["body"].get("model") or upstream["path"].rpartition("/")[2].partition(":")[0])


# ---------------------------------------------------------------- countTokens


def test_count_tokens_is_answered_locally(gateway: RunningGateway, emulator: Any) -> None:
    body = {"contents": [{"role": "user", "parts": [{"text": "x" * 400}]}]}
    answer = call(gateway.url, "POST", g.path(g.GEMINI_3, "countTokens"), body)
    assert answer.status == 200
    assert answer.json() == {"totalTokens": 101}  # ~4 characters a token: 400 of text and the role's 4
    wrapped = {
        "generateContentRequest": {
            "model": f"models/{g.GEMINI_3}",
            "contents": body["contents"],
            "systemInstruction": {"parts": [{"text": "y" * 400}]},
            "tools": [{"functionDeclarations": [g.SHELL]}],
        }
    }
    bigger = call(gateway.url, "POST", g.path("databricks-claude-sonnet-4-5", "countTokens"), wrapped).json()
    assert bigger["totalTokens"] > 200
    image = {"contents": [{"parts": [{"inlineData": {"mimeType": "image/png", "data": "A" * 400_000}}]}]}
    assert call(gateway.url, "POST", g.path(g.GEMINI_3, "countTokens"), image).json() == {"totalTokens": 1600}
    assert emulator.requests() == []  # Databricks was never asked (2026 §6: countTokens is unconfirmed there)


def test_count_tokens_for_a_model_the_workspace_lacks_is_a_404(
    gateway: RunningGateway, emulator: Any
) -> None:
    answer = call(gateway.url, "POST", g.path("no-such-model", "countTokens"), {"contents": []})
    assert answer.status == 404
    assert g.google_error(answer)["status"] == "NOT_FOUND"


# ---------------------------------------------------------------- the model list


def test_the_model_list_is_googles_with_every_family(gateway: RunningGateway, emulator: Any) -> None:
    answer = call(gateway.url, "GET", "/v1beta/models")
    assert answer.status == 200
    models = {m["name"]: m for m in answer.json()["models"]}
    for endpoint in g.MODELS.values():
        assert f"models/{endpoint}" in models
    claude = models["models/databricks-claude-sonnet-4-5"]
    assert claude["inputTokenLimit"] > 0 and claude["outputTokenLimit"] > 0
    assert claude["supportedGenerationMethods"] == ["generateContent", "streamGenerateContent", "countTokens"]
    one = call(gateway.url, "GET", f"/v1beta/models/{g.GEMINI_3}")
    assert one.status == 200 and one.json()["name"] == f"models/{g.GEMINI_3}"


def test_google_clients_get_googles_list_on_the_shared_v1_path(
    gateway: RunningGateway, emulator: Any
) -> None:
    google = call(gateway.url, "GET", "/v1/models", headers={"x-goog-api-client": "google-genai-sdk/3.6.1"})
    assert "models" in google.json() and "data" not in google.json()
    openai = call(gateway.url, "GET", "/v1/models")
    assert "data" in openai.json() and "models" not in openai.json()
    one = call(gateway.url, "GET", "/v1/models/databricks-claude-sonnet-4-5?key=anything")
    assert one.json()["name"] == "models/databricks-claude-sonnet-4-5"


# ---------------------------------------------------------------- errors in Google's shape


@pytest.mark.parametrize(
    ("method", "path", "status", "allow"),
    [
        ("GET", "/v1beta/files", 404, None),
        ("POST", "/v1beta/models", 405, "GET"),
        ("GET", f"/v1beta/models/{g.GEMINI_3}:generateContent", 405, "POST"),
        ("PUT", f"/v1beta/models/{g.GEMINI_3}:streamGenerateContent", 405, "POST"),
        ("POST", f"/v1beta/models/{g.GEMINI_3}:embedContent", 404, None),
        ("POST", f"/v1beta/models/{g.GEMINI_3}", 404, None),
        ("GET", "/v1beta/models/no-such-model", 404, None),
    ],
)
def test_every_failure_under_v1beta_is_in_googles_shape(
    gateway: RunningGateway, emulator: Any, method: str, path: str, status: int, allow: str | None
) -> None:
    answer = call(gateway.url, method, path, g.request("hi") if method != "GET" else None)
    assert answer.status == status, answer.body
    error = g.google_error(answer)
    assert error["status"] == {404: "NOT_FOUND", 405: "UNIMPLEMENTED"}[status]
    if allow is not None:
        assert allow in answer.headers["allow"].split(", ")
    assert emulator.requests() == []


def test_a_web_page_is_refused_in_googles_shape(gateway: RunningGateway, emulator: Any) -> None:
    page = call(gateway.url, "POST", g.path(g.GEMINI_3), g.request("hi"), {"origin": "https://evil.example"})
    assert page.status == 403
    assert g.google_error(page)["status"] == "PERMISSION_DENIED"
    form = call(gateway.url, "POST", g.path(g.GEMINI_3), b"{}", {"content-type": "text/plain"})
    assert form.status == 415
    assert "application/json" in g.google_error(form)["message"]
    assert emulator.requests() == []


# ---------------------------------------------------------------- keys


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({"x-goog-api-key": KEY}, ""),
        ({}, f"&key={KEY}"),
        (
            {"authorization": f"Bearer {KEY}", "x-goog-api-key": ""},
            "",
        ),  # Gemini CLI with the bearer mechanism
    ],
    ids=["x-goog-api-key", "query", "bearer"],
)
def test_googles_key_spellings_open_a_keyed_gateway(
    keyed: RunningGateway, emulator: Any, headers: dict[str, str], query: str
) -> None:
    answer = call(keyed.url, "POST", g.path(g.GEMINI_3) + query, g.request("hi"), headers)
    assert answer.status == 200, answer.body
    listing = call(keyed.url, "GET", "/v1beta/models?x=1" + query, headers=headers)
    assert listing.status == 200


def test_a_wrong_key_is_googles_401_and_a_key_in_the_url_is_never_logged(
    keyed: RunningGateway, emulator: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="brickgate.access")
    for path in (g.path(g.GEMINI_3) + "&key=wrong-key-123", "/v1beta/models?key=wrong-key-123"):
        answer = call(keyed.url, "POST" if ":" in path else "GET", path, g.request("hi"))
        assert answer.status == 401
        error = g.google_error(answer)
        assert error["status"] == "UNAUTHENTICATED" and "x-goog-api-key" in error["message"]
    assert call(keyed.url, "POST", g.path(g.GEMINI_3, "countTokens"), {"contents": []}).status == 401
    call(keyed.url, "POST", g.path(g.GEMINI_3) + f"&key={KEY}", g.request("hi"))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "wrong-key-123" not in logged and KEY not in logged
    assert emulator.requests()[0]["headers"].get("x-goog-api-key") is None  # the gateway's key stays here


# ---------------------------------------------------------------- Gemini CLI's own model names


def test_side_requests_go_to_the_model_the_user_chose(fresh_gateway: RunningGateway, emulator: Any) -> None:
    assert (
        served_model(fresh_gateway, emulator, "databricks-claude-sonnet-4-5")
        == "databricks-claude-sonnet-4-5"
    )
    for name in ("gemini-3-flash-preview", "gemini-3.1-flash-lite", "flash-lite", "gemini-3-pro-preview"):
        assert served_model(fresh_gateway, emulator, name) == "databricks-claude-sonnet-4-5", name
    # a Google name the workspace itself serves is that model
    assert served_model(fresh_gateway, emulator, "gemini-2.5-flash") == "databricks-gemini-2-5-flash"
    assert served_model(fresh_gateway, emulator, "gemini-3.5-flash") == g.GEMINI_3
    # the user's next choice is the new target of side requests
    assert served_model(fresh_gateway, emulator, "databricks-gpt-oss-20b") == "databricks-gpt-oss-20b"
    assert served_model(fresh_gateway, emulator, "gemini-3-flash-preview") == "databricks-gpt-oss-20b"


def test_a_side_request_before_any_choice_goes_to_a_gemini_model(
    fresh_gateway: RunningGateway, emulator: Any
) -> None:
    assert served_model(fresh_gateway, emulator, "gemini-3-flash-preview").startswith("databricks-gemini-")


def test_a_configured_small_model_answers_the_side_requests(
    isolated_env: Any, emulator_server: Any, emulator: Any
) -> None:
    g.write_config('[gateway]\ngemini_small_model = "databricks-gpt-oss-20b"\n')
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        assert served_model(gw, emulator, "databricks-claude-sonnet-4-5") == "databricks-claude-sonnet-4-5"
        assert served_model(gw, emulator, "gemini-2.5-flash-lite") == "databricks-gpt-oss-20b"
        assert (
            served_model(gw, emulator, "gemini-2.5-flash") == "databricks-gpt-oss-20b"
        )  # small, though served
        assert served_model(gw, emulator, "gemini-3-pro-preview") == "databricks-claude-sonnet-4-5"


def test_a_misconfigured_small_model_is_named_in_the_error(
    isolated_env: Any, emulator_server: Any, emulator: Any
) -> None:
    g.write_config('[gateway]\ngemini_small_model = "databricks-gone-model"\n')
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        answer = call(gw.url, "POST", g.path("flash-lite", "generateContent"), g.request("hi"))
    assert answer.status == 404
    assert "[gateway] gemini_small_model" in g.google_error(answer)["message"]


def test_other_unknown_names_are_still_404(gateway: RunningGateway, emulator: Any) -> None:
    answer = call(gateway.url, "POST", g.path("gemini-9-ultra", "generateContent"), g.request("hi"))
    assert answer.status == 404
    assert g.google_error(answer)["status"] == "NOT_FOUND"


def test_the_dashboard_shows_which_models_relay_a_gemini_caller(
    isolated_env: Any, emulator_server: Any, emulator: Any
) -> None:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        html = call(gw.url, "GET", "/").body.decode()

    def routes_of(model: str) -> str:
        row = re.search(rf"<tr>(?:(?!</tr>).)*>{re.escape(model)}<(?:(?!</tr>).)*</tr>", html, re.S)
        assert row is not None, model
        return row.group(0)

    assert '<span class="fast">gemini: fast</span>' in routes_of(g.GEMINI_3)
    assert '<span class="translated">chat: translated</span>' not in routes_of(g.GEMINI_3)  # Chat relays
    assert '<span class="translated">gemini: translated</span>' in routes_of("databricks-claude-sonnet-4-5")
