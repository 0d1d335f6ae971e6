"""Reasoning through the gateway, both directions, read by the real SDKs: each inbound API shows the model's
thinking in its own form, and the model's own reasoning is never sent back upstream as history or text.

Upstream forms (research databricks-2026.md §1.4, api §2.6): GLM/Kimi/Inkling put it in ``reasoning_content``
beside ``content`` (Inkling even unasked); Claude, Gemini 3 (with ``reasoning_effort``) and gpt-oss as
``{"type": "reasoning"}`` content parts; adaptive Claude as an empty thinking block with a signature.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.server import RunningGateway
from tests.gateway_harness import running_gateway
from tests.unit.quirks.upstream_http import CHAT_PATH, post

anthropic = pytest.importorskip("anthropic")
openai = pytest.importorskip("openai")

INKLING = "databricks-inkling"  # reasons unasked, as `reasoning_content`; chat only
GEMINI_3 = "databricks-gemini-3-5-flash"  # reasoning parts when `reasoning_effort` is set
GPT_OSS = "databricks-gpt-oss-20b"  # reasoning parts
GLM = "databricks-glm-5-3"
ADAPTIVE_CLAUDE = "databricks-claude-opus-5"  # empty thinking, signature only
THINK = "think about it, then say hi"


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


@pytest.fixture(autouse=True)
def inkling_in_service(emulator: EmulatorControl) -> None:
    emulator.set_today("2026-09-01")  # Inkling retires on 2026-10-30 (§1.6)


def anthropic_client(gateway: RunningGateway) -> Any:
    return anthropic.Anthropic(base_url=gateway.url, api_key="any", max_retries=0)


def openai_client(gateway: RunningGateway) -> Any:
    return openai.OpenAI(base_url=gateway.url + "/v1", api_key="any", max_retries=0)


def upstream_bodies(emulator: EmulatorControl) -> list[dict[str, Any]]:
    return [r["body"] for r in emulator.requests()]


# -- the model's thinking, shown in the caller's own form ------------------------------------------------


def test_inkling_sends_its_reasoning_as_reasoning_content(emulator: EmulatorControl) -> None:
    body = {"model": INKLING, "messages": [{"role": "user", "content": "hi"}]}
    message = post(emulator, CHAT_PATH, body).json()["choices"][0]["message"]
    assert message["reasoning_content"] and isinstance(message["content"], str)


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
def test_claude_code_sees_inkling_reasoning_as_a_thinking_block(
    gateway: RunningGateway, stream: bool
) -> None:
    client = anthropic_client(gateway)
    request: dict[str, Any] = {
        "model": INKLING,
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "hi"}],
    }
    if stream:
        with client.messages.stream(**request) as events:
            message = events.get_final_message()
    else:
        message = client.messages.create(**request)
    assert [block.type for block in message.content] == ["thinking", "text"]
    assert message.content[0].thinking.startswith("The user wrote")
    assert message.content[1].text.startswith("Hello from databricks-inkling")


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
def test_codex_sees_inkling_reasoning_as_a_reasoning_item_first(
    gateway: RunningGateway, stream: bool
) -> None:
    client = openai_client(gateway)
    if stream:
        with client.responses.stream(model=INKLING, input="hi") as events:
            kinds = {event.type for event in events}
            response = events.get_final_response()
        assert "response.reasoning_summary_text.delta" in kinds
    else:
        response = client.responses.create(model=INKLING, input="hi")
    assert [item.type for item in response.output] == ["reasoning", "message"]
    assert response.output[0].summary[0].text.startswith("The user wrote")
    assert response.output_text.startswith("Hello from databricks-inkling")


def test_gemini_3_sends_reasoning_as_content_parts(emulator: EmulatorControl) -> None:
    body = {"model": GEMINI_3, "reasoning_effort": "high", "messages": [{"role": "user", "content": THINK}]}
    content = post(emulator, CHAT_PATH, body).json()["choices"][0]["message"]["content"]
    assert isinstance(content, list) and content[0]["type"] == "reasoning"


@pytest.mark.parametrize("model", [GEMINI_3, GPT_OSS])
def test_chat_clients_get_reasoning_parts_as_reasoning_content(gateway: RunningGateway, model: str) -> None:
    client = openai_client(gateway)
    request: dict[str, Any] = {
        "model": model,
        "reasoning_effort": "high",
        "messages": [{"role": "user", "content": THINK}],
    }
    done = client.chat.completions.create(**request)
    assert isinstance(done.choices[0].message.content, str)
    assert done.choices[0].message.model_extra["reasoning_content"].startswith("The user wrote")
    chunks = list(client.chat.completions.create(**request, stream=True))
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    assert all(not isinstance(d.content, list) for d in deltas)
    thought = "".join((d.model_extra or {}).get("reasoning_content") or "" for d in deltas)
    assert thought == done.choices[0].message.model_extra["reasoning_content"]
    assert "".join(d.content or "" for d in deltas) == done.choices[0].message.content


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
def test_adaptive_claude_thinking_reaches_claude_code_with_its_signature(
    gateway: RunningGateway, stream: bool
) -> None:
    client = anthropic_client(gateway)
    request: dict[str, Any] = {
        "model": ADAPTIVE_CLAUDE,
        "max_tokens": 4096,
        "thinking": {"type": "adaptive"},
        "messages": [{"role": "user", "content": THINK}],
    }
    if stream:
        with client.messages.stream(**request) as events:
            message = events.get_final_message()
    else:
        message = client.messages.create(**request)
    thinking = message.content[0]
    assert (thinking.type, thinking.thinking) == ("thinking", "")  # adaptive summaries come back empty
    assert thinking.signature.startswith("ZW11LXNpZz")  # the emulator's signature, passed on untouched


# -- never replayed upstream as text the model did not write ---------------------------------------------


def test_reasoning_content_in_chat_history_is_not_sent_back(gateway: RunningGateway, emulator: Any) -> None:
    history = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "Hello.", "reasoning_content": "They greeted me."},
        {"role": "user", "content": "and again"},
    ]
    done = openai_client(gateway).chat.completions.create(model=GLM, messages=history)
    assert done.choices[0].message.content.startswith("Hello from databricks-glm-5-3")
    (sent,) = upstream_bodies(emulator)
    assert sent["messages"][1] == {"role": "assistant", "content": "Hello."}


def test_thinking_from_an_earlier_turn_is_not_sent_to_a_chat_model_as_text(
    gateway: RunningGateway, emulator: Any
) -> None:
    history = [
        {"role": "user", "content": "hi"},
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "They greeted me.", "signature": ""},
                {"type": "text", "text": "Hello."},
            ],
        },
        {"role": "user", "content": "and again"},
    ]
    anthropic_client(gateway).messages.create(model=INKLING, max_tokens=1024, messages=history)
    (sent,) = upstream_bodies(emulator)
    assert "They greeted me." not in str(sent)
    assert sent["messages"][1]["content"] == "Hello."
