"""The Gemini API upstream: generateContent and streamGenerateContent on both surfaces, function calls with
thought signatures, usageMetadata, Google-shaped errors (research api §2.9, §3.2; 2026 §6)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import Reply, post

MODEL = "databricks-gemini-3-1-pro"
GATEWAY = "/ai-gateway/gemini/v1beta/models/"
CLASSIC = "/serving-endpoints/gemini/v1beta/models/"
SHELL = {
    "functionDeclarations": [
        {
            "name": "run_shell_command",
            "parameters": {
                "type": "object",
                "properties": {"command": {"type": "string"}},
                "required": ["command"],
            },
        }
    ]
}


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "parts": [{"text": text}]}


def generate(
    emulator: EmulatorControl, contents: list[dict[str, Any]], *, method: str = "generateContent",
    base: str = GATEWAY, model: str = MODEL, query: str = "", **extra: Any,
) -> Reply:  # fmt: skip
    body = {"contents": contents, **extra}
    return post(f"{emulator.url}{base}{model}:{method}{query}", body, emulator.token)


def function_call_turn(emulator: EmulatorControl) -> dict[str, Any]:
    """The model turn a Gemini 3 model answers to "run the marker command" with a shell tool offered."""
    reply = generate(emulator, [user("run the marker command")], tools=[SHELL]).json()
    content: dict[str, Any] = reply["candidates"][0]["content"]
    return content


@pytest.mark.parametrize("base", [GATEWAY, CLASSIC])
def test_generate_content_answers_on_both_surfaces(emulator: EmulatorControl, base: str) -> None:
    reply = generate(emulator, [user("hello")], base=base).json()
    candidate = reply["candidates"][0]
    assert candidate["content"]["role"] == "model" and candidate["finishReason"] == "STOP"
    assert candidate["content"]["parts"][0]["text"].startswith("Hello from databricks-gemini-3-1-pro")
    assert reply["modelVersion"] == "gemini-3.1-pro-preview"
    usage = reply["usageMetadata"]
    assert usage["totalTokenCount"] == usage["promptTokenCount"] + usage["candidatesTokenCount"]


def test_uc_name_reaches_the_model_on_the_gateway(emulator: EmulatorControl) -> None:
    assert generate(emulator, [user("hi")], model="system.ai.gemini-3-1-pro").status == 200


def test_stream_with_alt_sse_is_server_sent_events(emulator: EmulatorControl) -> None:
    reply = generate(emulator, [user("hello there")], method="streamGenerateContent", query="?alt=sse")
    assert reply.headers["content-type"].startswith("text/event-stream")
    assert b"\r\n\r\n" in reply.raw
    chunks = reply.sse_json()
    text = "".join(p["text"] for c in chunks for p in c["candidates"][0]["content"]["parts"])
    assert text.startswith("Hello from")
    assert (
        "finishReason" not in chunks[0]["candidates"][0]
        and chunks[-1]["candidates"][0]["finishReason"] == "STOP"
    )
    assert chunks[-1]["usageMetadata"]["candidatesTokenCount"] > 0


def test_stream_without_alt_sse_is_one_json_array(emulator: EmulatorControl) -> None:
    chunks = generate(emulator, [user("hello there")], method="streamGenerateContent").json()
    assert isinstance(chunks, list) and len(chunks) > 1


def test_function_call_part_carries_a_thought_signature(emulator: EmulatorControl) -> None:
    [part] = function_call_turn(emulator)["parts"]
    assert part["functionCall"] == {
        "name": "run_shell_command",
        "args": {"command": "echo brickgate-tool-ok"},
    }
    assert part["thoughtSignature"]


def test_function_response_is_answered_with_its_output(emulator: EmulatorControl) -> None:
    answer = {"functionResponse": {"name": "run_shell_command", "response": {"output": "brickgate-tool-ok"}}}
    contents = [
        user("run the marker command"),
        function_call_turn(emulator),
        {"role": "user", "parts": [answer]},
    ]
    reply = generate(emulator, contents, tools=[SHELL]).json()
    assert reply["candidates"][0]["content"]["parts"][0]["text"] == "The command printed: brickgate-tool-ok"


def test_gemini_3_refuses_a_replayed_function_call_without_its_signature(emulator: EmulatorControl) -> None:
    turn = function_call_turn(emulator)
    unsigned = {"role": "model", "parts": [{"functionCall": turn["parts"][0]["functionCall"]}]}
    answer = {"functionResponse": {"name": "run_shell_command", "response": {"output": "ok"}}}
    reply = generate(
        emulator, [user("run the marker command"), unsigned, {"role": "user", "parts": [answer]}]
    )
    error = reply.json()["error"]
    assert (reply.status, error["code"], error["status"]) == (400, 400, "INVALID_ARGUMENT")
    assert error["message"].startswith("Function call is missing a thought_signature in functionCall parts.")
    assert "`default_api:run_shell_command`" in error["message"]


def test_gemini_3_refuses_a_made_up_signature(emulator: EmulatorControl) -> None:
    turn = function_call_turn(emulator)
    forged = {"role": "model", "parts": [{**turn["parts"][0], "thoughtSignature": "Zm9yZ2Vk"}]}
    answer = {"functionResponse": {"name": "run_shell_command", "response": {"output": "ok"}}}
    reply = generate(emulator, [user("run the marker command"), forged, {"role": "user", "parts": [answer]}])
    assert reply.status == 400 and "Thought signature is not valid" in reply.json()["error"]["message"]


def test_gemini_3_reads_a_signature_sent_back_in_url_safe_base64(emulator: EmulatorControl) -> None:
    # proto3 JSON reads `bytes` in either base64 alphabet, padded or not; google-genai sends URL-safe
    turn = function_call_turn(emulator)
    signature = turn["parts"][0]["thoughtSignature"]
    urlsafe = signature.replace("+", "-").replace("/", "_").rstrip("=")
    replayed = {"role": "model", "parts": [{**turn["parts"][0], "thoughtSignature": urlsafe}]}
    answer = {"functionResponse": {"name": "run_shell_command", "response": {"output": "ok"}}}
    reply = generate(
        emulator, [user("run the marker command"), replayed, {"role": "user", "parts": [answer]}]
    )
    assert reply.status == 200, reply.json()


def test_gemini_2_5_does_not_require_the_signature_back(emulator: EmulatorControl) -> None:
    call = {"functionCall": {"name": "run_shell_command", "args": {"command": "ls"}}}
    answer = {"functionResponse": {"name": "run_shell_command", "response": {"output": "ok"}}}
    contents = [
        user("run the command `ls`"),
        {"role": "model", "parts": [call]},
        {"role": "user", "parts": [answer]},
    ]
    assert generate(emulator, contents, model="databricks-gemini-2-5-pro", base=CLASSIC).status == 200


def test_thoughts_come_back_when_asked(emulator: EmulatorControl) -> None:
    config = {"thinkingConfig": {"includeThoughts": True, "thinkingLevel": "high"}}
    parts = generate(emulator, [user("think about it")], generationConfig=config).json()["candidates"][0][
        "content"
    ]
    assert parts["parts"][0]["thought"] is True
    assert (
        "thoughtsTokenCount"
        in generate(emulator, [user("think")], generationConfig=config).json()["usageMetadata"]
    )


def test_empty_contents_is_a_google_shaped_400(emulator: EmulatorControl) -> None:
    reply = generate(emulator, [])
    assert reply.status == 400 and reply.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_sampling_refusal_reads_generation_config(emulator: EmulatorControl) -> None:
    reply = generate(
        emulator, [user("hi")], model="databricks-gemini-3-8-flash", generationConfig={"temperature": 0.2}
    )
    assert reply.status == 400 and "temperature" in reply.json()["error"]["message"]


def test_count_tokens_is_not_served(emulator: EmulatorControl) -> None:
    reply = generate(emulator, [user("hi")], method="countTokens")
    assert (reply.status, reply.json()["error_code"]) == (404, "ENDPOINT_NOT_FOUND")


def test_bearer_is_the_credential_and_x_goog_api_key_is_ignored(emulator: EmulatorControl) -> None:
    url = f"{emulator.url}{GATEWAY}{MODEL}:generateContent"
    reply = post(url, {"contents": [user("hi")]}, headers={"x-goog-api-key": emulator.token})
    assert (reply.status, reply.raw) == (400, b"Invalid Token")


def test_requests_are_recorded_with_their_query(emulator: EmulatorControl) -> None:
    generate(emulator, [user("hi")], method="streamGenerateContent", query="?alt=sse")
    [record] = emulator.requests()
    assert record["query"] == "alt=sse" and json.dumps(record["body"]).startswith('{"contents"')
