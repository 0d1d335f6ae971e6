"""Every documented Databricks rejection on Chat Completions, with its exact status and text."""

from __future__ import annotations

from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import Reply, post

CHAT = "/serving-endpoints/chat/completions"
EMPTY_TEXT = '{"message":"messages: text content blocks must be non-empty"}'


def chat(emulator: EmulatorControl, model: str, messages: list[dict] | None = None, **extra: object) -> Reply:
    body = {"model": model, "messages": messages or [{"role": "user", "content": "hi"}], **extra}
    return post(emulator.url + CHAT, body, emulator.token)


def tool(parameters: dict) -> dict:
    return {"type": "function", "function": {"name": "lookup", "parameters": parameters}}


def tool_turn(*ids: str, content: object = None, **call_extra: object) -> dict:
    calls = [
        {"id": i, "type": "function", "function": {"name": "bash", "arguments": "{}"}, **call_extra}
        for i in ids
    ]
    return {"role": "assistant", "content": content, "tool_calls": calls}


def results(*ids: str) -> list[dict]:
    return [{"role": "tool", "tool_call_id": i, "content": "ok"} for i in ids]


def test_codex_model_rejects_chat_completions(emulator: EmulatorControl) -> None:
    reply = chat(emulator, "databricks-gpt-5-1-codex-max")
    assert reply.status == 400
    assert reply.json() == {
        "error_code": "BAD_REQUEST",
        "message": "Model databricks-gpt-5-1-codex-max only "
        "supports the Responses API. Please use /serving-endpoints/responses instead.",
    }


def test_claude_rejects_empty_assistant_content_next_to_tool_calls(emulator: EmulatorControl) -> None:
    history = [{"role": "user", "content": "go"}, tool_turn("call_1", content=""), *results("call_1")]
    reply = chat(emulator, "databricks-claude-opus-4-5", history)
    assert (reply.status, reply.json()) == (400, {"error_code": "BAD_REQUEST", "message": EMPTY_TEXT})


def test_claude_accepts_single_space_content_next_to_tool_calls(emulator: EmulatorControl) -> None:
    history = [{"role": "user", "content": "go"}, tool_turn("call_1", content=" "), *results("call_1")]
    assert chat(emulator, "databricks-claude-opus-4-5", history).status == 200


def test_claude_rejects_empty_text_part(emulator: EmulatorControl) -> None:
    reply = chat(
        emulator,
        "databricks-claude-sonnet-4-5",
        [{"role": "user", "content": [{"type": "text", "text": ""}]}],
    )
    assert reply.json()["message"] == EMPTY_TEXT


def test_other_families_accept_empty_assistant_content(emulator: EmulatorControl) -> None:
    history = [{"role": "user", "content": "go"}, tool_turn("call_1", content=""), *results("call_1")]
    assert chat(emulator, "databricks-gpt-5-2", history).status == 200


def test_gemini_rejects_stream_options_with_google_error(emulator: EmulatorControl) -> None:
    reply = chat(emulator, "databricks-gemini-2-5-pro", stream=True, stream_options={"include_usage": True})
    error = reply.json()["error"]
    assert (reply.status, error["code"], error["status"]) == (400, 400, "INVALID_ARGUMENT")
    assert error["message"] == (
        'Invalid JSON payload received. Unknown name "stream_options" at '
        "'generation_config': Cannot find field."
    )


def test_gemini_rejects_schema_keyword_in_tool_parameters(emulator: EmulatorControl) -> None:
    tools = [
        tool({"type": "object"}),
        tool({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}),
    ]
    message = chat(emulator, "databricks-gemini-2-5-flash", tools=tools).json()["error"]["message"]
    assert message == (
        'Invalid JSON payload received. Unknown name "$schema" at '
        "'tools[0].function_declarations[1].parameters': Cannot find field."
    )


def test_gemini_rejects_ref_with_sibling_fields(emulator: EmulatorControl) -> None:
    params = {
        "type": "object",
        "properties": {"q": {"$ref": "#/$defs/QuestionOption", "type": "object"}},
        "$defs": {"QuestionOption": {"type": "string"}},
    }
    message = chat(emulator, "databricks-gemini-3-pro", tools=[tool(params)]).json()["error"]["message"]
    assert message == (
        "Schema.ref 'QuestionOption' was set alongside unsupported fields. If a schema node has "
        "Schema.ref set, then only description and default can be set alongside it"
    )


def test_gemini_accepts_ref_with_description_only(emulator: EmulatorControl) -> None:
    params = {
        "type": "object",
        "properties": {"q": {"$ref": "#/$defs/Q", "description": "a question"}},
        "$defs": {"Q": {"type": "string"}},
    }
    assert chat(emulator, "databricks-gemini-2-5-pro", tools=[tool(params)]).status == 200


def test_gemini_rejects_more_than_one_system_message(emulator: EmulatorControl) -> None:
    history = [
        {"role": "system", "content": "a"},
        {"role": "system", "content": "b"},
        {"role": "user", "content": "hi"},
    ]
    reply = chat(emulator, "databricks-gemini-2-5-pro", history)
    assert (reply.status, reply.json()["error"]["status"]) == (400, "INVALID_ARGUMENT")


def _gemini3_tool_call(emulator: EmulatorControl) -> dict:
    bash = {
        "type": "function",
        "function": {
            "name": "bash",
            "parameters": {
                "type": "object",
                "properties": {"command": {"type": "string"}},
                "required": ["command"],
            },
        },
    }
    return chat(
        emulator,
        "databricks-gemini-3-pro",
        [{"role": "user", "content": "run the marker command"}],
        tools=[bash],
    ).json()["choices"][0]["message"]


def test_gemini3_rejects_replayed_tool_call_without_signature(emulator: EmulatorControl) -> None:
    message = _gemini3_tool_call(emulator)
    history = [
        {"role": "user", "content": "run the marker command"},
        {"role": "assistant", "content": None, "tool_calls": message["tool_calls"]},
        *results(message["tool_calls"][0]["id"]),
    ]
    reply = chat(emulator, "databricks-gemini-3-pro", history)
    assert reply.status == 400
    assert reply.json()["error"]["message"].startswith(
        "Function call is missing a thought_signature in functionCall parts."
    )


def test_gemini3_accepts_signature_replayed_in_content_part(emulator: EmulatorControl) -> None:
    message = _gemini3_tool_call(emulator)
    history = [
        {"role": "user", "content": "run the marker command"},
        message,
        *results(message["tool_calls"][0]["id"]),
    ]
    assert chat(emulator, "databricks-gemini-3-pro", history).status == 200


def test_gemini3_accepts_signature_replayed_on_the_tool_call(emulator: EmulatorControl) -> None:
    message = _gemini3_tool_call(emulator)
    signature = message["content"][0]["thoughtSignature"]
    call = {**message["tool_calls"][0], "thoughtSignature": signature}
    history = [
        {"role": "user", "content": "run the marker command"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        *results(call["id"]),
    ]
    assert chat(emulator, "databricks-gemini-3-pro", history).status == 200


def test_gemini3_rejects_a_made_up_signature(emulator: EmulatorControl) -> None:
    history = [
        {"role": "user", "content": "go"},
        tool_turn("call_1", thoughtSignature="bWFkZS11cA=="),
        *results("call_1"),
    ]
    reply = chat(emulator, "databricks-gemini-3-pro", history)
    assert (reply.status, reply.json()["error"]["status"]) == (400, "INVALID_ARGUMENT")


def test_gemini_2_5_does_not_need_signatures(emulator: EmulatorControl) -> None:
    history = [{"role": "user", "content": "go"}, tool_turn("call_1"), *results("call_1")]
    assert chat(emulator, "databricks-gemini-2-5-pro", history).status == 200


def test_open_model_rejects_stream_options_as_unknown_field(emulator: EmulatorControl) -> None:
    reply = chat(
        emulator,
        "databricks-qwen3-next-80b-a3b-instruct",
        stream=True,
        stream_options={"include_usage": True},
    )
    assert reply.status == 400
    assert reply.json() == {
        "error_code": "BAD_REQUEST",
        "message": 'Bad request: json: unknown field "stream_options"',
    }


def test_open_model_rejects_parallel_tool_calls_field(emulator: EmulatorControl) -> None:
    reply = chat(emulator, "databricks-meta-llama-3-3-70b-instruct", parallel_tool_calls=False)
    assert reply.json()["message"] == 'Bad request: json: unknown field "parallel_tool_calls"'


def test_open_model_accepts_documented_fields(emulator: EmulatorControl) -> None:
    reply = chat(
        emulator,
        "databricks-gemma-3-12b",
        max_tokens=10,
        temperature=0.1,
        top_p=0.9,
        stop=["x"],
        n=1,
        reasoning_effort="low",
        usage_context={"team": "a"},
        client_request_id="r1",
    )
    assert reply.status == 200


def test_gpt_oss_rejects_history_with_two_tool_calls_in_one_turn(emulator: EmulatorControl) -> None:
    history = [{"role": "user", "content": "go"}, tool_turn("call_1", "call_2"), *results("call_1", "call_2")]
    reply = chat(emulator, "databricks-gpt-oss-120b", history)
    assert (reply.status, reply.json()) == (
        400,
        {"error_code": "BAD_REQUEST", "message": "Multiple tool calls are not supported.\n"},
    )


def test_gpt_oss_accepts_one_tool_call_per_turn(emulator: EmulatorControl) -> None:
    history = [{"role": "user", "content": "go"}, tool_turn("call_1"), *results("call_1")]
    assert chat(emulator, "databricks-gpt-oss-20b", history).status == 200


def test_claude_opus_5_rejects_temperature_on_chat(emulator: EmulatorControl) -> None:
    reply = chat(emulator, "databricks-claude-opus-5", temperature=0.5)
    assert reply.json()["message"] == (
        "Model global.anthropic.claude-opus-5 does not support the temperature parameter."
    )
