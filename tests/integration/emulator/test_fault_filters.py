"""Faults that break one model on purpose: narrowed to tool or image requests, kept until reset."""

from __future__ import annotations

from typing import Any

from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import Reply, post

CHAT = "/serving-endpoints/chat/completions"
MESSAGES = "/serving-endpoints/anthropic/v1/messages"
RESPONSES = "/serving-endpoints/responses"
MODEL = "databricks-gpt-5-2"
BASH = {"type": "function", "function": {"name": "bash", "parameters": {"type": "object"}}}
PNG = "data:image/png;base64,iVBORw0KGgo="


def chat(emulator: EmulatorControl, content: Any = "hi", tools: bool = False) -> Reply:
    body: dict[str, Any] = {"model": MODEL, "messages": [{"role": "user", "content": content}]}
    if tools:
        body["tools"] = [BASH]
    return post(emulator.url + CHAT, body, emulator.token)


def test_400_fault_answers_bad_request_with_the_given_message(emulator: EmulatorControl) -> None:
    refusal = "Tool use is not available for this model."
    emulator.fault({"kind": "400", "message": refusal})
    reply = chat(emulator)
    assert reply.status == 400
    assert reply.json() == {"error_code": "BAD_REQUEST", "message": refusal}


def test_server_error_fault_takes_a_message(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "500", "message": "Model crashed."})
    assert chat(emulator).json()["message"] == "Model crashed."


def test_when_tools_fault_skips_requests_without_tools(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "400", "when": "tools"})
    assert chat(emulator).status == 200
    assert chat(emulator, tools=True).status == 400


def test_when_images_fault_matches_a_chat_image_part(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "400", "when": "images"})
    assert chat(emulator).status == 200
    image = [{"type": "text", "text": "what is this?"}, {"type": "image_url", "image_url": {"url": PNG}}]
    assert chat(emulator, image).status == 400


def test_when_images_fault_matches_messages_and_responses_image_parts(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "400", "when": "images", "until_reset": True})
    source = {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}
    messages = {
        "model": "databricks-claude-sonnet-4-5",
        "max_tokens": 100,
        "messages": [{"role": "user", "content": [{"type": "image", "source": source}]}],
    }
    responses = {
        "model": MODEL,
        "input": [{"role": "user", "content": [{"type": "input_image", "image_url": PNG}]}],
    }
    assert post(emulator.url + MESSAGES, messages, emulator.token).status == 400
    assert post(emulator.url + RESPONSES, responses, emulator.token).status == 400


def test_until_reset_fault_is_never_used_up(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "503", "model": MODEL, "until_reset": True})
    assert [chat(emulator).status for _ in range(3)] == [503, 503, 503]
    assert emulator.stats()["faults_pending"] == 1
    emulator.reset()
    assert chat(emulator).status == 200


def test_unknown_when_is_refused_with_a_clear_message(emulator: EmulatorControl) -> None:
    reply = post(emulator.url + "/_emulator/faults", [{"kind": "400", "when": "audio"}])
    assert reply.status == 400 and "fault when must be one of tools, images" in reply.json()["message"]
