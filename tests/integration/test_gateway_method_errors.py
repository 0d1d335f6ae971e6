"""A wrong method, and a missing key on the model list, are answered in the caller's own API error shape
with the same hint as the inference routes (issue 9, item 5), not as plain text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from brickgate.gateway.server import RunningGateway
from tests.gateway_harness import DIALECTS, FAMILY_MODELS, call, running_gateway


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


@pytest.fixture(scope="module")
def keyed_gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token, api_key="sk-gw-shape-1") as gw:
        yield gw


@pytest.mark.parametrize(
    ("path", "api"),
    [
        ("/v1/chat/completions", "chat"),
        ("/v1/responses", "responses"),
        ("/v1/messages", "messages"),
        ("/v1/messages/count_tokens", "messages"),
    ],
)
def test_get_on_an_inference_route_is_405_in_that_apis_shape(
    gateway: RunningGateway, path: str, api: str
) -> None:
    answer = call(gateway.url, "GET", path)

    assert answer.status == 405
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["allow"] == "POST"
    doc = answer.json()
    if api == "messages":
        assert doc["type"] == "error" and doc["error"]["type"] == "invalid_request_error"
        message = doc["error"]["message"]
    else:
        assert doc["error"]["code"] == "method_not_allowed"
        message = doc["error"]["message"]
    assert f"GET {path}" in message and "POST" in message


def test_codex_websocket_attempt_gets_a_json_405(gateway: RunningGateway) -> None:
    headers = {"connection": "Upgrade", "upgrade": "websocket", "sec-websocket-version": "13",
               "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ=="}  # fmt: skip
    answer = call(gateway.url, "GET", "/v1/responses", headers=headers)
    assert answer.status == 405
    assert answer.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("headers", "shape"), [({}, "openai"), ({"anthropic-version": "2023-06-01"}, "anthropic")]
)
def test_wrong_method_on_the_model_list_follows_the_callers_sdk(
    gateway: RunningGateway, headers: dict[str, str], shape: str
) -> None:
    answer = call(gateway.url, "DELETE", "/v1/models", headers=headers)

    assert answer.status == 405
    assert "GET" in answer.headers["allow"]
    doc = answer.json()
    assert ("type" in doc) == (shape == "anthropic")


def test_model_list_401_gives_the_same_hint_as_the_inference_routes(keyed_gateway: RunningGateway) -> None:
    listing = call(keyed_gateway.url, "GET", "/v1/models", headers={"authorization": "Bearer sk-wrong"})
    body = DIALECTS["chat"].request(FAMILY_MODELS["llama"], "hi", stream=False)
    inference = call(keyed_gateway.url, "POST", "/v1/chat/completions", body, {"authorization": "Bearer x"})

    assert listing.status == inference.status == 401
    assert listing.json() == inference.json()
    assert "BRICKGATE_API_KEY" in listing.json()["error"]["message"]
