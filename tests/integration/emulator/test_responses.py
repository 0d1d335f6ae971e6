"""OpenAI Responses for GPT/Codex: id defects in streams, usage, scripted tools, refused options."""

from __future__ import annotations

import json

from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import Reply, post

RESPONSES = "/serving-endpoints/responses"
CODEX = "databricks-gpt-5-2-codex"
EXEC = {
    "type": "function",
    "name": "exec_command",
    "strict": False,
    "parameters": {
        "type": "object",
        "properties": {"cmd": {"type": "string"}, "workdir": {"type": "string"}},
        "required": ["cmd"],
        "additionalProperties": False,
    },
}


def respond(emulator: EmulatorControl, input_: object, model: str = CODEX, **extra: object) -> Reply:
    return post(emulator.url + RESPONSES, {"model": model, "input": input_, **extra}, emulator.token)


def test_non_streaming_response_has_short_ids_and_total_tokens(emulator: EmulatorControl) -> None:
    reply = respond(emulator, "hello").json()
    assert reply["object"] == "response" and reply["status"] == "completed"
    assert len(reply["id"]) <= 55 and all(len(item["id"]) <= 55 for item in reply["output"])
    assert reply["usage"]["total_tokens"] == reply["usage"]["input_tokens"] + reply["usage"]["output_tokens"]
    assert reply["model"] == "gpt-5.2-codex"


def test_stream_follows_the_standard_event_sequence(emulator: EmulatorControl) -> None:
    names = [name for name, _ in respond(emulator, "hello", stream=True).sse()]
    assert names[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert names.count("response.output_text.delta") > 2
    assert names[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]


def test_stream_item_ids_differ_between_item_and_part_events(emulator: EmulatorControl) -> None:
    events = respond(emulator, "hello", stream=True).sse_json()
    added = next(e for e in events if e["type"] == "response.output_item.added")
    delta = next(e for e in events if e["type"] == "response.output_text.delta")
    assert len(added["item"]["id"]) == 54
    assert len(delta["item_id"]) == 192 and delta["item_id"] != added["item"]["id"]
    assert delta["output_index"] == added["output_index"]


def test_streamed_response_id_is_long_and_completed_usage_lacks_total(emulator: EmulatorControl) -> None:
    completed = respond(emulator, "hello", stream=True).sse_json()[-1]
    assert completed["type"] == "response.completed"
    assert len(completed["response"]["id"]) == 192
    assert "total_tokens" not in completed["response"]["usage"]


def test_event_lines_name_each_event(emulator: EmulatorControl) -> None:
    for name, data in respond(emulator, "hello", stream=True).sse():
        assert json.loads(data)["type"] == name


def test_function_call_round_trip(emulator: EmulatorControl) -> None:
    prompt = [
        {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "run the marker command"}],
        }
    ]
    first = respond(emulator, prompt, tools=[EXEC]).json()
    call = first["output"][-1]
    assert call["type"] == "function_call" and json.loads(call["arguments"]) == {
        "cmd": "echo brickgate-tool-ok"
    }
    replay = [
        *prompt,
        {
            "type": "function_call",
            "call_id": call["call_id"],
            "name": call["name"],
            "arguments": call["arguments"],
        },
        {
            "type": "function_call_output",
            "call_id": call["call_id"],
            "output": "Output:\nbrickgate-tool-ok\n",
        },
    ]
    second = respond(emulator, replay, tools=[EXEC]).json()
    assert second["output"][0]["content"][0]["text"] == "The command printed: Output:\nbrickgate-tool-ok"


def test_streamed_function_call_arguments_assemble(emulator: EmulatorControl) -> None:
    events = respond(emulator, "run the command `pwd`", tools=[EXEC], stream=True).sse_json()
    done = next(e for e in events if e["type"] == "response.function_call_arguments.done")
    deltas = "".join(e["delta"] for e in events if e["type"] == "response.function_call_arguments.delta")
    assert json.loads(deltas) == json.loads(done["arguments"]) == {"cmd": "pwd"}


def test_custom_tool_receives_the_command_as_raw_input(emulator: EmulatorControl) -> None:
    custom = {
        "type": "custom",
        "name": "shell",
        "format": {"type": "grammar", "syntax": "lark", "definition": "x"},
    }
    item = respond(emulator, "run the command `ls`", tools=[custom]).json()["output"][-1]
    assert (item["type"], item["input"]) == ("custom_tool_call", "ls")


def test_reasoning_item_precedes_the_message_when_enabled(emulator: EmulatorControl) -> None:
    reply = respond(
        emulator, "reason carefully", model="databricks-gpt-5-2", reasoning={"effort": "high"}
    ).json()
    assert [item["type"] for item in reply["output"]] == ["reasoning", "message"]


def test_replayed_input_id_over_64_chars_is_rejected(emulator: EmulatorControl) -> None:
    long_id = "msg_" + "a" * 188
    reply = respond(emulator, [{"type": "message", "id": long_id, "role": "user", "content": "hi"}])
    assert reply.status == 400
    assert reply.json()["message"] == (
        "Invalid 'input[0].id': string too long. Expected a string with maximum "
        "length 64, but got a string with length 192 instead."
    )


def test_encrypted_reasoning_include_is_refused(emulator: EmulatorControl) -> None:
    assert respond(emulator, "hi", include=["reasoning.encrypted_content"]).status == 400


def test_reasoning_summary_is_refused(emulator: EmulatorControl) -> None:
    assert respond(emulator, "hi", reasoning={"effort": "low", "summary": "auto"}).status == 400


def test_previous_response_id_is_refused(emulator: EmulatorControl) -> None:
    assert respond(emulator, "hi", previous_response_id="resp_1").status == 400


def test_store_true_is_refused_and_store_false_accepted(emulator: EmulatorControl) -> None:
    assert respond(emulator, "hi", store=True).status == 400
    assert respond(emulator, "hi", store=False).status == 200


def test_non_openai_model_is_refused_on_responses(emulator: EmulatorControl) -> None:
    reply = respond(emulator, "hi", model="databricks-claude-sonnet-4-5")
    assert reply.status == 400 and "openai/v1/responses" in reply.json()["message"]


def test_gateway_codex_and_openai_mirrors_serve_codex(emulator: EmulatorControl) -> None:
    body = {"model": CODEX, "input": "hi"}
    assert post(emulator.url + "/ai-gateway/openai/v1/responses", body, emulator.token).status == 200
    assert post(emulator.url + "/ai-gateway/codex/v1/responses", body, emulator.token).status == 200
