"""Chat Completions: rendering per family, streaming shapes, scripted tools, recording."""

from __future__ import annotations

import json

from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import Reply, post

CHAT = "/serving-endpoints/chat/completions"
BASH_TOOL = {
    "type": "function",
    "function": {
        "name": "bash",
        "parameters": {
            "type": "object",
            "properties": {"command": {"type": "string"}, "timeout": {"type": "integer"}},
            "required": ["command"],
        },
    },
}


def chat(emulator: EmulatorControl, model: str, content: str = "hello", **extra: object) -> Reply:
    body = {"model": model, "messages": [{"role": "user", "content": content}], **extra}
    return post(emulator.url + CHAT, body, emulator.token)


def test_answer_echoes_upstream_model_and_served_model_header(emulator: EmulatorControl) -> None:
    reply = chat(emulator, "databricks-gpt-5-2")
    assert reply.json()["model"] == "gpt-5.2-2025-12-11"
    assert reply.headers["served-model-name"] == "databricks-gpt-5-2"


def test_scripted_text_names_endpoint_family_and_prompt(emulator: EmulatorControl) -> None:
    message = chat(emulator, "databricks-meta-llama-3-3-70b-instruct", "how are you").json()["choices"][0][
        "message"
    ]
    assert (
        message["content"]
        == "Hello from databricks-meta-llama-3-3-70b-instruct (llama)! You said: how are you"
    )


def test_usage_estimates_tokens_from_characters(emulator: EmulatorControl) -> None:
    usage = chat(emulator, "databricks-gpt-5-2", "x" * 400).json()["usage"]
    assert usage["prompt_tokens"] >= 100
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_claude_stream_has_partial_usage_on_every_chunk_and_full_usage_last(
    emulator: EmulatorControl,
) -> None:
    chunks = chat(emulator, "databricks-claude-sonnet-4-5", stream=True).sse_json()
    assert len(chunks) > 3
    assert all(c["usage"]["completion_tokens"] is None for c in chunks[:-1])
    assert all(c["usage"]["prompt_tokens"] > 0 for c in chunks)
    assert chunks[-1]["usage"]["completion_tokens"] > 0
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


def test_stream_ends_with_done(emulator: EmulatorControl) -> None:
    events = chat(emulator, "databricks-gpt-oss-20b", stream=True).sse()
    assert events[-1][1] == "[DONE]"


def test_gemini_content_is_an_array_with_thought_signature(emulator: EmulatorControl) -> None:
    content = chat(emulator, "databricks-gemini-2-5-pro").json()["choices"][0]["message"]["content"]
    assert content[0]["type"] == "text" and content[0]["text"].startswith("Hello from")
    assert content[0]["thoughtSignature"]


def test_gemini_stream_chunks_carry_array_content_and_null_usage(emulator: EmulatorControl) -> None:
    chunks = chat(emulator, "databricks-gemini-2-5-flash", stream=True).sse_json()
    deltas = [c["choices"][0]["delta"] for c in chunks[:-1]]
    assert all(isinstance(d["content"], list) for d in deltas)
    assert all(
        c["usage"] == {"prompt_tokens": None, "completion_tokens": None, "total_tokens": None}
        for c in chunks[:-1]
    )


def test_gpt_stream_ends_with_a_usage_chunk_without_choices(emulator: EmulatorControl) -> None:
    chunks = chat(emulator, "databricks-gpt-5-mini", stream=True).sse_json()
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] > 0
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"


def test_open_model_reports_usage_in_final_chunk(emulator: EmulatorControl) -> None:
    chunks = chat(emulator, "databricks-qwen3-next-80b-a3b-instruct", stream=True).sse_json()
    assert "usage" not in chunks[0]
    assert chunks[-1]["usage"]["prompt_tokens"] > 0


def test_marker_command_calls_the_shell_tool_with_schema_arguments(emulator: EmulatorControl) -> None:
    reply = chat(emulator, "databricks-gpt-5-2", '"run the marker command"', tools=[BASH_TOOL]).json()
    choice = reply["choices"][0]
    call = choice["message"]["tool_calls"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert call["function"]["name"] == "bash"
    assert json.loads(call["function"]["arguments"]) == {"command": "echo brickgate-tool-ok"}


def test_run_the_command_in_backticks_uses_that_command(emulator: EmulatorControl) -> None:
    reply = chat(
        emulator, "databricks-claude-haiku-4-5", "please run the command `ls -la`", tools=[BASH_TOOL]
    )
    arguments = reply.json()["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
    assert json.loads(arguments)["command"] == "ls -la"


def test_tool_call_streams_as_id_then_argument_fragments(emulator: EmulatorControl) -> None:
    chunks = chat(
        emulator, "databricks-gpt-oss-120b", "run the marker command", tools=[BASH_TOOL], stream=True
    ).sse_json()
    calls = [
        c["choices"][0]["delta"]["tool_calls"][0]
        for c in chunks
        if c["choices"] and "tool_calls" in c["choices"][0]["delta"]
    ]
    assert calls[0]["id"].startswith("call_") and calls[0]["function"]["arguments"] == ""
    assert json.loads("".join(c["function"]["arguments"] for c in calls)) == {
        "command": "echo brickgate-tool-ok"
    }
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_tool_result_is_answered_with_its_output(emulator: EmulatorControl) -> None:
    messages = [
        {"role": "user", "content": "run the marker command"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "bash", "arguments": '{"command": "echo brickgate-tool-ok"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "brickgate-tool-ok\n"},
    ]
    body = {"model": "databricks-meta-llama-3-3-70b-instruct", "messages": messages, "tools": [BASH_TOOL]}
    reply = post(emulator.url + CHAT, body, emulator.token).json()
    assert reply["choices"][0]["message"]["content"] == "The command printed: brickgate-tool-ok"


def test_claude_returns_empty_string_content_for_tool_only_turns(emulator: EmulatorControl) -> None:
    message = chat(
        emulator, "databricks-claude-sonnet-4-5", "run the marker command", tools=[BASH_TOOL]
    ).json()["choices"][0]["message"]
    assert message["content"] == ""


def test_claude_thinking_streams_reasoning_content_with_signature(emulator: EmulatorControl) -> None:
    chunks = chat(
        emulator,
        "databricks-claude-opus-4-5",
        "think first, then reply",
        stream=True,
        thinking={"type": "enabled", "budget_tokens": 1024},
        max_tokens=2048,
    ).sse_json()
    reasoning = [
        c["choices"][0]["delta"]["content"][0]
        for c in chunks
        if isinstance(c["choices"][0]["delta"].get("content"), list)
    ]
    assert reasoning and all(r["type"] == "reasoning" for r in reasoning)
    assert reasoning[-1]["summary"][0]["signature"]


def test_claude_cache_control_prefix_is_written_then_read(emulator: EmulatorControl) -> None:
    system = {
        "role": "system",
        "content": [{"type": "text", "text": "S" * 800, "cache_control": {"type": "ephemeral"}}],
    }
    body = {"model": "databricks-claude-sonnet-4-5", "messages": [system, {"role": "user", "content": "hi"}]}
    first = post(emulator.url + CHAT, body, emulator.token).json()["usage"]
    second = post(emulator.url + CHAT, body, emulator.token).json()["usage"]
    assert first["cache_creation_input_tokens"] > 0 and first["cache_read_input_tokens"] == 0
    assert second["cache_read_input_tokens"] == first["cache_creation_input_tokens"]
    assert second["prompt_tokens"] < 100


def test_invocations_takes_the_model_from_the_path(emulator: EmulatorControl) -> None:
    body = {"messages": [{"role": "user", "content": "hi"}]}
    reply = post(f"{emulator.url}/serving-endpoints/my-custom-chat/invocations", body, emulator.token)
    assert reply.json()["choices"][0]["message"]["content"].startswith("Hello from my-custom-chat (chat)!")


def test_claude_invocations_answer_in_openai_format(emulator: EmulatorControl) -> None:
    body = {"messages": [{"role": "user", "content": "hi"}]}
    reply = post(
        f"{emulator.url}/serving-endpoints/databricks-claude-sonnet-4-5/invocations", body, emulator.token
    )
    assert reply.json()["object"] == "chat.completion"


def test_external_model_behaves_like_a_plain_chat_model(emulator: EmulatorControl) -> None:
    reply = chat(emulator, "my-openai-proxy", stream_options={"include_usage": True}, seed=3)
    assert (reply.status, reply.json()["model"]) == (200, "gpt-4o")


def test_embeddings_return_vectors_and_usage(emulator: EmulatorControl) -> None:
    body = {"model": "databricks-gte-large-en", "input": ["a", "b"]}
    reply = post(emulator.url + "/serving-endpoints/embeddings", body, emulator.token).json()
    assert [d["index"] for d in reply["data"]] == [0, 1]
    assert reply["usage"]["total_tokens"] == 2


def test_unknown_model_is_404_resource_does_not_exist(emulator: EmulatorControl) -> None:
    reply = chat(emulator, "databricks-no-such-model")
    assert (reply.status, reply.json()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")


def test_not_ready_endpoint_is_rejected_with_400(emulator: EmulatorControl) -> None:
    reply = chat(emulator, "my-warming-chat")
    assert reply.status == 400
    assert "not ready" in reply.json()["message"]


def test_gateway_chat_accepts_unity_catalog_model_names(emulator: EmulatorControl) -> None:
    body = {"model": "system.ai.claude-sonnet-4-5", "messages": [{"role": "user", "content": "hi"}]}
    reply = post(emulator.url + "/ai-gateway/mlflow/v1/chat/completions", body, emulator.token)
    assert reply.json()["model"] == "claude-sonnet-4-5-20250929"


def test_requests_are_recorded_with_authorization_redacted(emulator: EmulatorControl) -> None:
    chat(emulator, "databricks-gpt-5-2", "recorded")
    [record] = emulator.requests()
    assert record["path"] == CHAT and record["status"] == 200
    assert record["body"]["messages"][0]["content"] == "recorded"
    assert record["headers"]["authorization"] == "****"
    assert emulator.token not in json.dumps(record)
