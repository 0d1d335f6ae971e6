from __future__ import annotations

from typing import Any

import orjson
import pytest

from brickgate.errors import InvalidRequest
from brickgate.protocol import (
    Finish,
    ImagePart,
    Message,
    ReasoningDelta,
    ReasoningPart,
    Request,
    Response,
    Start,
    StreamError,
    TextDelta,
    TextPart,
    Tool,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallPart,
    ToolCallStart,
    ToolResultPart,
    Usage,
    UsageReport,
    collect,
)
from brickgate.wire import gemini
from brickgate.wire.contract import feed
from brickgate.wire.sse import SSEDecoder, SSEEvent
from tests.unit.wire.replay import decode_stream, encode_stream, fixture_bytes, fixture_json

USER = {"role": "user", "parts": [{"text": "hi"}]}


def chunk(*parts: Any, finish: str | None = None) -> SSEEvent:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": list(parts)}, "index": 0}
    if finish is not None:
        candidate["finishReason"] = finish
    return SSEEvent(None, orjson.dumps({"candidates": [candidate]}).decode())


def decoded(body: dict[str, Any]) -> Request:
    return gemini.decode_request({"model": "m", **body})


def sse_payloads(data: bytes) -> list[dict[str, Any]]:
    sse = SSEDecoder()
    return [orjson.loads(e.data) for e in sse.feed(data) + sse.flush()]


# ---------------------------------------------------------------- upstream stream decoding


def test_thought_parts_are_reasoning_and_the_last_usage_counts_cached_and_thoughts() -> None:
    events = decode_stream(gemini, fixture_bytes("gemini_thoughts_text.sse"), chunk_size=17)
    assert events == [
        Start(id="gTIyaf-kL7Wgz7IP1oSfwA4", model="gemini-3.5-flash"),
        ReasoningDelta(text="**Greeting the user**\n\nThey said hello; a short answer fits."),
        TextDelta(text="Hello"),
        TextDelta(
            text="! How can I help?",
            provider_data={"thoughtSignature": "CpwBAXLI2nxQ8k3fRbJ0cm9ZdW5kZWQtdGV4dA=="},
        ),
        # prompt 1,210 of which 1,024 cached; 9 candidates + 40 thoughts
        UsageReport(
            usage=Usage(input_tokens=186, output_tokens=49, cache_read_tokens=1024, reasoning_tokens=40)
        ),
        Finish(reason="stop", raw_reason="STOP"),
    ]


def test_a_function_call_arrives_whole_with_its_signature_and_stop_means_tool_calls() -> None:
    events = decode_stream(gemini, fixture_bytes("gemini_function_call.sse"))
    start = events[2]
    assert isinstance(start, ToolCallStart) and start.id.startswith("call_")
    assert events[1:] == [
        TextDelta(text="Let me look that up."),
        ToolCallStart(
            index=0,
            id=start.id,
            name="getWeather",
            provider_data={"thoughtSignature": "CikBcsjafFK168IbtVtoxVV0Tsn8O+eU45rz"},
        ),
        ToolCallDelta(index=0, arguments='{"location":"Tokyo"}'),
        ToolCallEnd(index=0),
        UsageReport(usage=Usage(input_tokens=83, output_tokens=118, reasoning_tokens=104)),
        Finish(reason="tool-calls", raw_reason="STOP"),
    ]


def test_a_call_id_the_upstream_sends_is_kept() -> None:
    decoder = gemini.StreamDecoder()
    events = feed(decoder, chunk({"functionCall": {"id": "fc_7", "name": "f"}}, finish="STOP"))
    assert events[1] == ToolCallStart(index=0, id="fc_7", name="f")
    assert events[2] == ToolCallDelta(index=0, arguments="{}")  # no args: an empty object


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("MAX_TOKENS", "length"),
        ("SAFETY", "content-filter"),
        ("RECITATION", "content-filter"),
        ("MALFORMED_FUNCTION_CALL", "error"),
        ("MISSING_THOUGHT_SIGNATURE", "error"),
        ("OTHER", "other"),
        ("SOMETHING_NEW", "other"),
    ],
)
def test_finish_reasons(raw: str, reason: str) -> None:
    decoder = gemini.StreamDecoder()
    feed(decoder, chunk({"text": "x"}, finish=raw))
    assert decoder.close()[-1] == Finish(reason=reason, raw_reason=raw)  # type: ignore[arg-type]


def test_a_blocked_prompt_finishes_as_a_content_filter_without_candidates() -> None:
    body = {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}, "usageMetadata": {"promptTokenCount": 7}}
    events = gemini.decode_response(body)
    assert events[-2:] == [
        UsageReport(usage=Usage(input_tokens=7)),
        Finish(reason="content-filter", raw_reason="SAFETY"),
    ]


def test_a_stream_that_closes_before_a_finish_reason_was_cut() -> None:
    decoder = gemini.stream_decoder()
    feed(decoder, chunk({"text": "Hel"}))
    assert decoder.close() == [
        StreamError(message="the upstream stream ended before it finished", code="stream_incomplete")
    ]
    assert decoder.close() == []
    assert feed(decoder, chunk({"text": "late"})) == []


def test_an_error_chunk_ends_the_stream_with_googles_status() -> None:
    decoder = gemini.StreamDecoder()
    error = {"error": {"code": 429, "message": "Resource has been exhausted", "status": "RESOURCE_EXHAUSTED"}}
    assert decoder.event(error) == [
        StreamError(message="Resource has been exhausted", code="RESOURCE_EXHAUSTED")
    ]
    assert decoder.end() == []
    assert decoder.event({"error": "plain"}) == []
    assert gemini.StreamDecoder().event({"error": "plain"}) == [StreamError(message="plain", code=None)]


def test_a_payload_that_is_not_an_object_breaks_the_stream() -> None:
    decoder = gemini.StreamDecoder()
    assert decoder.text("[DONE]")[0].code == "invalid_json"
    assert decoder.text("more") == []


def test_a_whole_body_decodes_like_its_stream() -> None:
    body = {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": "hmm", "thought": True}, {"text": "Hi"}]},
                "finishReason": "STOP",
                "index": 0,
            },
            {"content": {"role": "model", "parts": [{"text": "other candidate"}]}, "index": 1},
        ],
        "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 1, "toolUsePromptTokenCount": 2},
    }
    response = collect(gemini.decode_response(body))
    assert (response.reasoning, response.text, response.finish_reason) == ("hmm", "Hi", "stop")
    assert response.usage == Usage(input_tokens=5, output_tokens=1)


def test_parts_without_content_and_junk_are_skipped() -> None:
    decoder = gemini.StreamDecoder()
    parts = (
        {"text": ""},
        {"text": "", "thought": True},
        {"inlineData": {"mimeType": "image/png", "data": "AA=="}},
        "junk",
    )
    assert feed(decoder, chunk(*parts))[1:] == []
    assert feed(decoder, chunk({"thoughtSignature": "c2ln"})) == [
        TextDelta(text="", provider_data={"thoughtSignature": "c2ln"})
    ]
    assert feed(decoder, SSEEvent(None, '{"candidates": ["junk", {"index": 0}]}')) == []


def test_usage_of_reads_one_payload() -> None:
    assert gemini.usage_of({"usageMetadata": {"candidatesTokenCount": 4}}) == Usage(output_tokens=4)
    assert gemini.usage_of({"usageMetadata": {"totalTokenCount": 4}}) is None
    assert gemini.usage_of({"usage_metadata": {"prompt_token_count": 4}}) == Usage(input_tokens=4)
    assert gemini.usage_of({}) is None


# ---------------------------------------------------------------- inbound request decoding


def test_gemini_cli_request_decodes_with_its_ids_signature_and_tools() -> None:
    req = gemini.decode_request(
        {**fixture_json("gemini_cli_request.json"), "model": "models/databricks-gemini-3-5-flash"}
    )
    assert req.model == "databricks-gemini-3-5-flash"
    assert [m.role for m in req.messages] == ["system", "user", "assistant", "tool"]
    assert [p.text for p in req.messages[1].parts if isinstance(p, TextPart)][1].startswith("Please run")
    call = req.messages[2].parts[0]
    assert call == ToolCallPart(
        id="run_shell_command_1796162690156_0",
        name="run_shell_command",
        arguments='{"command":"echo brickgate-$((40+2))","description":"Print the marker"}',
        provider_data={"thoughtSignature": "ZW11LXNpZzqp89Ab3NXA+VRsg97/TWc5XopwnzVppgpPGneKVcTecg=="},
    )
    assert req.messages[3].parts == (
        ToolResultPart(
            tool_call_id="run_shell_command_1796162690156_0",
            content="Output: brickgate-42\nProcess Group PGID: 4242",
            name="run_shell_command",
        ),
    )
    assert [t.name for t in req.tools] == ["update_topic", "run_shell_command"]
    assert req.tools[1].parameters["required"] == ["command"]
    assert (req.temperature, req.top_p, req.reasoning_effort, req.stream) == (1, 0.95, None, False)
    assert req.extra == {"generationConfig": {"topK": 64}}  # includeThoughts alone asks nothing of others


def test_snake_case_rest_request_decodes_like_camel_case() -> None:
    req = gemini.decode_request({**fixture_json("gemini_rest_request.json"), "model": "m"})
    assert [m.role for m in req.messages] == ["system", "user", "assistant", "tool"]
    call = req.messages[2].parts[0]
    result = req.messages[3].parts[0]
    assert isinstance(call, ToolCallPart) and isinstance(result, ToolResultPart)
    assert result.tool_call_id == call.id and call.id.startswith("call_")
    assert orjson.loads(result.text()) == {"location": "Tokyo", "temperature": 22, "condition": "Cloudy"}
    assert req.tools[0].parameters == {
        "type": "object",
        "properties": {
            "location": {"type": "string", "description": "City name, e.g. Tokyo"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["location"],
    }
    assert req.tool_choice == "getWeather"
    assert (req.max_tokens, req.stop, req.reasoning_effort) == (512, ("\n\n\n",), "none")
    schema = {"type": "object", "properties": {"summary": {"type": "string"}}}
    assert req.response_format == {
        "type": "json_schema",
        "json_schema": {"name": "response", "schema": schema},
    }
    assert req.extra == {
        "safety_settings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}],
        "generationConfig": {"candidate_count": 1},
    }


def test_calls_without_ids_get_the_same_ids_every_time_and_repeats_differ() -> None:
    call = {"functionCall": {"name": "sh", "args": {"c": "ls"}}}
    history = [USER, {"role": "model", "parts": [call, call]}]
    first, again = decoded({"contents": history}), decoded({"contents": history})
    ids = [p.id for p in first.messages[1].parts if isinstance(p, ToolCallPart)]
    assert ids == [p.id for p in again.messages[1].parts if isinstance(p, ToolCallPart)]
    assert ids[1] == ids[0] + "_2"


def test_function_responses_answer_by_id_then_name_then_position() -> None:
    calls = [{"functionCall": {"name": n, "id": i}} for n, i in (("a", "1"), ("b", "2"), ("c", "3"))]
    responses = [
        {"functionResponse": {"name": "x", "id": "3", "response": {"output": "by id"}}},
        {"functionResponse": {"name": "b", "response": {"output": "by name"}}},
        {"functionResponse": {"name": "z", "response": {"output": "by position"}}},
        {"functionResponse": {"name": "z", "id": "9", "response": {"output": "no call left"}}},
        {"functionResponse": {"name": "z", "response": {"output": "none and no id"}}},
    ]
    req = decoded(
        {"contents": [USER, {"role": "model", "parts": calls}, {"role": "function", "parts": responses}]}
    )
    answered = [
        (p.tool_call_id, p.name) for m in req.messages[2:] for p in m.parts if isinstance(p, ToolResultPart)
    ]
    assert answered[:4] == [("3", "x"), ("2", "b"), ("1", "z"), ("9", "z")]
    assert answered[4][0].startswith("call_")


def test_function_response_shapes() -> None:
    image = {"inlineData": {"mimeType": "image/png", "data": "iVBO"}}
    parts = [
        {"functionResponse": {"name": "f", "response": {"error": "boom"}}},
        {"functionResponse": {"name": "f", "response": {"output": "text", "parts": []}}},
        {"functionResponse": {"name": "f"}},
        {"functionResponse": {"name": "f", "response": {"output": "shot"}, "parts": [image, {"text": "x"}]}},
        {"text": "and now?"},
    ]
    req = decoded({"contents": [USER, {"parts": parts}]})
    results = [m.parts[0] for m in req.messages[1:5]]
    assert all(isinstance(r, ToolResultPart) for r in results)
    assert [(r.content, r.is_error) for r in results[:3]] == [  # type: ignore[union-attr]
        ("boom", True),
        ('{"output":"text","parts":[]}', False),
        ("", False),
    ]
    assert results[3].content == (
        TextPart(text="shot"),
        ImagePart(data_base64="iVBO", media_type="image/png"),
    )  # type: ignore[union-attr]
    assert req.messages[5] == Message.of("user", "and now?")


def test_content_parts_become_canonical_parts() -> None:
    parts = [
        {"text": "see", "thoughtSignature": "s1"},
        {"inline_data": {"mime_type": "image/jpeg", "data": "/9j/"}},
        {"fileData": {"mimeType": "image/png", "fileUri": "https://example.com/a.png"}},
        {"fileData": {"fileUri": "gs://bucket/b"}},
        {"executableCode": {"language": "PYTHON", "code": "print(1)"}},
        {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "1\n"}},
    ]
    req = decoded(
        {
            "contents": [
                {
                    "role": "model",
                    "parts": [{"text": "plan", "thought": True, "thoughtSignature": "s0"}, *parts],
                }
            ]
        }
    )
    assert req.messages[0].parts == (
        ReasoningPart(text="plan", provider_data={"thoughtSignature": "s0"}),
        TextPart(text="see", provider_data={"thoughtSignature": "s1"}),
        ImagePart(data_base64="/9j/", media_type="image/jpeg"),
        ImagePart(url="https://example.com/a.png"),
        ImagePart(url="gs://bucket/b"),
        TextPart(text="```python\nprint(1)\n```"),
        TextPart(text="1\n"),
    )


def test_system_instruction_as_text_and_a_user_turn_without_parts() -> None:
    req = decoded({"systemInstruction": "be brief", "contents": [{"role": "user"}]})
    assert req.messages == (Message.of("system", "be brief"), Message(role="user"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"contents": [{"role": "assistant", "parts": []}]}, "contents[0].role must be user or model"),
        (
            {"contents": [{"parts": [{"inlineData": {"mimeType": "application/pdf", "data": "JVBE"}}]}]},
            "application/pdf data",
        ),
        ({"contents": [{"parts": [{"videoMetadata": {}}]}]}, "its keys: videoMetadata"),
        ({"contents": [{"parts": [{}]}]}, "its keys: none"),
        (
            {"contents": [USER], "tools": [{"functionDeclarations": [{"description": "x"}]}]},
            "functionDeclarations[0].name",
        ),
        ({"contents": [USER], "generationConfig": []}, "`generationConfig` must be an object"),
        ({"contents": None}, "`contents` is missing"),
    ],
)
def test_requests_a_decoder_cannot_read_say_where(body: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidRequest, match=message.replace("(", r"\(").replace("[", r"\[")):
        decoded(body)


def test_tools_native_tools_and_tool_choice() -> None:
    body = {
        "contents": [USER],
        "tools": [
            {
                "functionDeclarations": [
                    {"name": "f"},
                    {"name": "g", "parameters": {"type": "OBJECT", "anyOf": [{"type": "STRING"}]}},
                ]
            },
            {"googleSearch": {}},
        ],
        "toolConfig": {"functionCallingConfig": {"mode": "any"}},
    }
    req = decoded(body)
    assert req.tools[0] == Tool(name="f")
    assert req.tools[1].parameters == {"type": "object", "anyOf": [{"type": "string"}]}
    assert req.tools[2] == Tool(
        name="googleSearch", provider_data={"native_api": "gemini", "native_tool": {"googleSearch": {}}}
    )
    assert req.tool_choice == "required"
    for mode, choice in (("AUTO", "auto"), ("VALIDATED", "auto"), ("NONE", "none"), ("ODD", None)):
        assert (
            decoded({**body, "toolConfig": {"functionCallingConfig": {"mode": mode}}}).tool_choice == choice
        )
    assert decoded({"contents": [USER]}).tool_choice is None


@pytest.mark.parametrize(
    ("thinking", "effort"),
    [
        ({"thinkingLevel": "HIGH"}, "high"),
        ({"thinkingLevel": "minimal", "thinkingBudget": 5}, "minimal"),
        ({"thinkingBudget": 0}, "none"),
        ({"thinkingBudget": 512}, "low"),
        ({"thinkingBudget": 8192}, "medium"),
        ({"thinkingBudget": 24576}, "high"),
        ({"thinkingBudget": -1}, None),
        ({"thinkingBudget": True}, None),
        ({"includeThoughts": True}, None),
    ],
)
def test_thinking_config_becomes_an_effort(thinking: dict[str, Any], effort: str | None) -> None:
    assert (
        decoded({"contents": [USER], "generationConfig": {"thinkingConfig": thinking}}).reasoning_effort
        == effort
    )


def test_response_formats() -> None:
    def fmt(config: dict[str, Any]) -> Any:
        return decoded({"contents": [USER], "generationConfig": config}).response_format

    schema = {"type": "object"}
    assert fmt({"responseMimeType": "application/json"}) == {"type": "json_object"}
    assert (
        fmt({"responseMimeType": "application/json", "_responseJsonSchema": schema})["json_schema"]["schema"]
        == schema
    )
    assert fmt({"responseMimeType": "text/x.enum", "responseSchema": schema}) is None
    assert fmt({"temperature": "hot"}) is None
    kept = decoded(
        {"contents": [USER], "generationConfig": {"responseMimeType": "text/x.enum", "temperature": True}}
    )
    assert kept.extra == {"generationConfig": {"responseMimeType": "text/x.enum"}}
    assert kept.temperature is None  # not a number: left out


# ---------------------------------------------------------------- canonical → upstream request


def test_a_conversation_encodes_as_gemini_turns() -> None:
    req = Request(
        model="m",
        messages=(
            Message.of("system", "be brief"),
            Message.of("user", "run it"),
            Message(
                role="assistant",
                parts=(
                    ReasoningPart(text="unsigned: never replayed"),
                    ReasoningPart(text="Anthropic's", signature="sig"),
                    ReasoningPart(text="signed", provider_data={"thoughtSignature": "t0"}),
                    TextPart(text="ok"),
                    ToolCallPart(
                        id="c1", name="sh", arguments='{"c":"ls"}', provider_data={"thoughtSignature": "t1"}
                    ),
                    ToolCallPart(id="", name="sh", arguments="not json"),
                ),
            ),
            Message(role="tool", parts=(ToolResultPart(tool_call_id="c1", content="a b"),)),
            Message(
                role="tool", parts=(ToolResultPart(tool_call_id="", content="bad", is_error=True, name="sh"),)
            ),
            Message(role="user", parts=(TextPart(text="and?"), ImagePart(url="data:image/gif;base64,R0lG"))),
            Message(role="user"),
            Message(role="assistant", parts=(ReasoningPart(text="nothing Gemini can take"),)),
            Message(role="system", parts=(TextPart(text="late rule"),)),
            Message(
                role="user", parts=(ImagePart(url="https://x.test/a.jpg"), ImagePart(url="https://x.test/b"))
            ),
        ),
    )
    body = gemini.encode_request(req, "databricks-gemini-3-5-flash")
    assert "model" not in body
    assert body["systemInstruction"] == {"parts": [{"text": "be brief"}, {"text": "late rule"}]}
    assert body["contents"] == [
        {"role": "user", "parts": [{"text": "run it"}]},
        {
            "role": "model",
            "parts": [
                {"text": "signed", "thought": True, "thoughtSignature": "t0"},
                {"text": "ok"},
                {"functionCall": {"id": "c1", "name": "sh", "args": {"c": "ls"}}, "thoughtSignature": "t1"},
                {"functionCall": {"name": "sh", "args": {}}},
            ],
        },
        {
            "role": "user",
            "parts": [
                {"functionResponse": {"id": "c1", "name": "sh", "response": {"output": "a b"}}},
                {"functionResponse": {"name": "sh", "response": {"error": "bad"}}},
                {"text": "and?"},
                {"inlineData": {"mimeType": "image/gif", "data": "R0lG"}},
            ],
        },
        {
            "role": "user",
            "parts": [
                {"fileData": {"mimeType": "image/jpeg", "fileUri": "https://x.test/a.jpg"}},
                {"fileData": {"mimeType": "image/png", "fileUri": "https://x.test/b"}},
            ],
        },
    ]


def test_tool_results_with_images_and_raw_image_data() -> None:
    image = ImagePart(data_base64="iVBO", media_type=None)
    req = Request(
        model="m",
        messages=(
            Message(role="assistant", parts=(ToolCallPart(id="c1", name="shot", arguments="{}"),)),
            Message(
                role="tool",
                parts=(ToolResultPart(tool_call_id="c1", content=(TextPart(text="here"), image)),),
            ),
        ),
    )
    assert gemini.encode_request(req, "m")["contents"][1]["parts"] == [
        {"functionResponse": {"id": "c1", "name": "shot", "response": {"output": "here"}}},
        {"inlineData": {"mimeType": "image/png", "data": "iVBO"}},
    ]


def test_options_encode_into_generation_config_and_tool_config() -> None:
    native = Tool(
        name="googleSearch", provider_data={"native_api": "gemini", "native_tool": {"googleSearch": {}}}
    )
    foreign = Tool(
        name="web_search",
        provider_data={"native_api": "openai_responses", "native_tool": {"type": "web_search"}},
    )
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    req = Request(
        model="m",
        messages=(Message.of("user", "hi"),),
        tools=(Tool(name="f", description="does f", parameters=schema), Tool(name="g"), native, foreign),
        tool_choice="f",
        max_tokens=100,
        temperature=0.2,
        top_p=0.9,
        stop=("END",),
        reasoning_effort="xhigh",
        reasoning_budget=2048,
        response_format={"type": "json_schema", "json_schema": {"name": "r", "schema": schema}},
        extra={"generationConfig": {"topK": 40, "temperature": 1.5}, "safetySettings": []},
    )
    body = gemini.encode_request(req, "m")
    assert body["tools"] == [
        {
            "functionDeclarations": [
                {"name": "f", "description": "does f", "parametersJsonSchema": schema},
                {"name": "g", "parametersJsonSchema": {"type": "object", "properties": {}}},
            ]
        },
        {"googleSearch": {}},
    ]
    assert body["toolConfig"] == {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["f"]}}
    assert body["generationConfig"] == {
        "topK": 40,
        "temperature": 0.2,
        "maxOutputTokens": 100,
        "topP": 0.9,
        "stopSequences": ["END"],
        "thinkingConfig": {"thinkingLevel": "HIGH", "thinkingBudget": 2048, "includeThoughts": True},
        "responseMimeType": "application/json",
        "responseJsonSchema": schema,
    }
    assert body["safetySettings"] == []
    for choice, config in (
        ("auto", {"mode": "AUTO"}),
        ("none", {"mode": "NONE"}),
        ("required", {"mode": "ANY"}),
    ):
        encoded = gemini.encode_request(Request(model="m", messages=(), tool_choice=choice), "m")
        assert encoded["toolConfig"] == {"functionCallingConfig": config}
    plain = Request(model="m", messages=(), reasoning_effort="none", response_format={"type": "json_schema"})
    assert gemini.encode_request(plain, "m") == {
        "contents": [],
        "generationConfig": {"responseMimeType": "application/json"},
    }
    assert gemini.encode_request(Request(model="m", messages=(), response_format={"type": "text"}), "m") == {
        "contents": []
    }


def test_a_decoded_gemini_request_encodes_back_to_the_same_body() -> None:
    body = fixture_json("gemini_cli_request.json")
    again = gemini.encode_request(gemini.decode_request({**body, "model": "m"}), "m")
    assert again["contents"] == body["contents"]
    assert again["systemInstruction"] == body["systemInstruction"]
    assert again["tools"] == body["tools"]
    assert again["generationConfig"] == {"topK": 64, "temperature": 1, "topP": 0.95}


# ---------------------------------------------------------------- answers for Gemini callers


def test_events_encode_as_gemini_chunks_and_a_closing_chunk() -> None:
    encoder = gemini.StreamEncoder("databricks-claude-sonnet-4-5", response_id="r1")
    events = [
        Start(id="msg_1", model="claude"),
        ReasoningDelta(text="thinking", signature="anthropic-sig"),
        ReasoningDelta(text="", signature="only a signature"),
        TextDelta(text="Hel"),
        TextDelta(text=""),
        TextDelta(text="", provider_data={"thoughtSignature": "t"}),
        ToolCallStart(index=0, id="toolu_1", name="sh", provider_data={"thoughtSignature": "s0"}),
        ToolCallDelta(index=0, arguments='{"c":'),
        ToolCallDelta(index=0, arguments='"ls"}'),
        ToolCallDelta(index=5, arguments="lost"),
        ToolCallEnd(index=0, provider_data={"late": "x"}),
        ToolCallEnd(index=0),
        UsageReport(usage=Usage(input_tokens=10, output_tokens=7, cache_read_tokens=5, reasoning_tokens=2)),
        Finish(reason="tool-calls", raw_reason="tool_use"),
    ]
    payloads = sse_payloads(encode_stream(encoder, events))
    tail = {"modelVersion": "databricks-claude-sonnet-4-5", "responseId": "r1"}
    parts = [p["candidates"][0]["content"]["parts"] for p in payloads[:-1]]
    assert parts == [
        [{"text": "thinking", "thought": True}],
        [{"text": "Hel"}],
        [{"text": "", "thoughtSignature": "t"}],
        [{"functionCall": {"id": "toolu_1", "name": "sh", "args": {"c": "ls"}}, "thoughtSignature": "s0"}],
    ]
    assert all(
        p["modelVersion"] == "databricks-claude-sonnet-4-5" and p["responseId"] == "r1" for p in payloads
    )
    assert payloads[-1] == {
        "candidates": [{"finishReason": "STOP", "index": 0}],
        "usageMetadata": {
            "promptTokenCount": 15,
            "candidatesTokenCount": 5,
            "totalTokenCount": 22,
            "cachedContentTokenCount": 5,
            "thoughtsTokenCount": 2,
        },
        **tail,
    }
    assert encoder.finish() == b""


def test_a_call_left_open_is_sent_when_the_answer_finishes() -> None:
    encoder = gemini.StreamEncoder("m")
    encoder.encode(ToolCallStart(index=0, id="c", name="f"))
    encoder.encode(Finish(reason="length", raw_reason="MAX_TOKENS"))
    payloads = sse_payloads(encoder.finish())
    assert payloads[0]["candidates"][0]["content"]["parts"] == [
        {"functionCall": {"id": "c", "name": "f", "args": {}}}
    ]
    assert payloads[1]["candidates"][0]["finishReason"] == "MAX_TOKENS"
    assert payloads[1]["usageMetadata"] == {
        "promptTokenCount": 0,
        "candidatesTokenCount": 0,
        "totalTokenCount": 0,
    }


@pytest.mark.parametrize(
    ("reason", "raw", "sent"),
    [
        ("stop", "end_turn", "STOP"),
        ("content-filter", "refusal", "SAFETY"),
        ("error", None, "OTHER"),
        ("other", "SPII", "SPII"),
    ],
)
def test_finish_reasons_for_gemini_callers(reason: str, raw: str | None, sent: str) -> None:
    encoder = gemini.StreamEncoder("m")
    encoder.encode(Finish(reason=reason, raw_reason=raw))  # type: ignore[arg-type]
    assert sse_payloads(encoder.finish())[-1]["candidates"][0]["finishReason"] == sent


def test_an_error_is_googles_error_chunk_and_ends_the_answer() -> None:
    encoder = gemini.stream_encoder("m", {})
    out = encoder.encode(StreamError(message="upstream cut", code="stream_incomplete"))
    assert sse_payloads(out) == [{"error": {"code": 500, "message": "upstream cut", "status": "INTERNAL"}}]
    assert encoder.encode(TextDelta(text="more")) == b""
    assert encoder.finish() == b""


def test_a_response_encodes_as_one_generate_content_response() -> None:
    response = Response(
        message=Message(
            role="assistant",
            parts=(
                ReasoningPart(text="why", provider_data={"thoughtSignature": "t0"}),
                ReasoningPart(redacted="opaque"),
                TextPart(text="Hi"),
                ToolCallPart(id="c1", name="f", arguments='{"x":1}'),
            ),
        ),
        usage=Usage(input_tokens=3, output_tokens=4),
        finish_reason="tool-calls",
    )
    body = gemini.encode_response(response, "gw")
    assert body["candidates"] == [
        {
            "content": {
                "role": "model",
                "parts": [
                    {"text": "why", "thought": True, "thoughtSignature": "t0"},
                    {"text": "Hi"},
                    {"functionCall": {"id": "c1", "name": "f", "args": {"x": 1}}},
                ],
            },
            "finishReason": "STOP",
            "index": 0,
        }
    ]
    assert body["modelVersion"] == "gw" and body["responseId"]
    assert collect(gemini.decode_response(body)).tool_calls == response.tool_calls
