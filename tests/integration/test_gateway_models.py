"""Model listing, model-name aliases agents hard-code, and the local token-count estimate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from brickgate.gateway.server import RunningGateway
from tests.gateway_harness import DIALECTS, call, running_gateway


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


def test_models_list_names_serving_endpoints(gateway: RunningGateway, emulator: Any) -> None:
    doc = call(gateway.url, "GET", "/v1/models").json()
    ids = {m["id"] for m in doc["data"]}
    assert {"databricks-claude-sonnet-4-5", "databricks-gpt-5-2-codex", "databricks-gpt-oss-20b"} <= ids


def test_models_list_leaves_out_embedding_endpoints(gateway: RunningGateway, emulator: Any) -> None:
    doc = call(gateway.url, "GET", "/v1/models").json()
    assert "databricks-gte-large-en" not in {m["id"] for m in doc["data"]}


def test_models_list_has_both_sdk_shapes(gateway: RunningGateway, emulator: Any) -> None:
    doc = call(gateway.url, "GET", "/v1/models").json()
    assert doc["object"] == "list"
    assert doc["has_more"] is False
    assert doc["first_id"] == doc["data"][0]["id"]
    assert doc["last_id"] == doc["data"][-1]["id"]
    entry = doc["data"][0]
    assert entry["object"] == "model"
    assert entry["type"] == "model"
    assert {"created", "owned_by", "display_name", "created_at"} <= set(entry)


def test_models_list_carries_limits(gateway: RunningGateway, emulator: Any) -> None:
    doc = call(gateway.url, "GET", "/v1/models").json()
    claude = next(m for m in doc["data"] if m["id"] == "databricks-claude-sonnet-4-5")
    assert claude["context_window"] > 0
    assert claude["max_output_tokens"] > 0


def test_one_model_is_found_by_its_short_name(gateway: RunningGateway, emulator: Any) -> None:
    answer = call(gateway.url, "GET", "/v1/models/gpt-5-2")
    assert answer.status == 200
    assert answer.json()["id"] == "databricks-gpt-5-2"


def test_unknown_model_lookup_is_404(gateway: RunningGateway, emulator: Any) -> None:
    assert call(gateway.url, "GET", "/v1/models/no-such-model").status == 404


@pytest.mark.parametrize(
    ("sent", "endpoint"),
    [
        ("databricks-claude-sonnet-4-5", "databricks-claude-sonnet-4-5"),
        ("claude-sonnet-4-5", "databricks-claude-sonnet-4-5"),
        ("claude-sonnet-4-5-20250929", "databricks-claude-sonnet-4-5"),
        ("databricks/databricks-claude-sonnet-4-5", "databricks-claude-sonnet-4-5"),
        ("databricks/claude-sonnet-4-5", "databricks-claude-sonnet-4-5"),
        ("gpt-5.2", "databricks-gpt-5-2"),
        ("GPT-5.2-Codex", "databricks-gpt-5-2-codex"),
        ("my-custom-chat", "my-custom-chat"),
    ],
)
def test_model_names_agents_send_reach_the_endpoint(
    gateway: RunningGateway, emulator: Any, sent: str, endpoint: str
) -> None:
    dialect = DIALECTS["chat"]
    answer = call(gateway.url, "POST", dialect.path, dialect.request(sent, "hi", stream=False))
    assert answer.status == 200, answer.body
    assert f"Hello from {endpoint}" in dialect.text(answer)


def test_count_tokens_estimates_about_four_chars_per_token(gateway: RunningGateway, emulator: Any) -> None:
    body = {
        "model": "claude-sonnet-4-5",
        "system": "s" * 400,
        "messages": [{"role": "user", "content": [{"type": "text", "text": "u" * 800}]}],
    }
    answer = call(gateway.url, "POST", "/v1/messages/count_tokens?beta=true", body)
    assert answer.status == 200
    assert 295 <= answer.json()["input_tokens"] <= 320  # 1,200 characters of text, plus a little structure


def test_count_tokens_counts_tool_definitions(gateway: RunningGateway, emulator: Any) -> None:
    base = {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "hi"}]}
    tool = {"name": "bash", "description": "d" * 400, "input_schema": {"type": "object"}}
    without = call(gateway.url, "POST", "/v1/messages/count_tokens", base).json()["input_tokens"]
    with_tool = call(gateway.url, "POST", "/v1/messages/count_tokens", {**base, "tools": [tool]}).json()
    assert with_tool["input_tokens"] > without + 90


def test_count_tokens_for_unknown_model_is_404(gateway: RunningGateway, emulator: Any) -> None:
    body = {"model": "nope", "messages": [{"role": "user", "content": "hi"}]}
    answer = call(gateway.url, "POST", "/v1/messages/count_tokens", body)
    assert answer.status == 404
    assert answer.json()["type"] == "error"


def test_count_tokens_counts_an_image_as_an_image_not_as_its_base64_text(
    gateway: RunningGateway, emulator: Any
) -> None:
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "A" * 400_000}}
    content = [image, {"type": "text", "text": "what is this?"}]
    body = {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": content}]}
    answer = call(gateway.url, "POST", "/v1/messages/count_tokens", body)
    assert answer.status == 200
    assert 100 <= answer.json()["input_tokens"] <= 2_000  # Anthropic bills at most ~1,600 per image


def test_count_tokens_is_served_without_v1_too(gateway: RunningGateway, emulator: Any) -> None:
    body = {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "hi"}]}
    assert call(gateway.url, "POST", "/messages/count_tokens", body).status == 200
