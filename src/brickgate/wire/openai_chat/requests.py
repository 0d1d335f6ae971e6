"""Chat Completions request bodies ↔ the canonical Request, both directions.

``encode_request`` builds what Databricks' ``/serving-endpoints/chat/completions`` takes; ``decode_request``
accepts what real chat clients send (opencode, llm, aider, the openai SDK): system/developer messages,
string or array content, ``content: ""``/``null`` beside ``tool_calls``, ``max_completion_tokens`` ...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from brickgate.errors import InvalidRequest
from brickgate.protocol import (
    ImagePart,
    Message,
    Part,
    ReasoningPart,
    Request,
    TextPart,
    Tool,
    ToolCallPart,
    ToolResultPart,
)
from brickgate.wire.contract import ARRAY, BOOLEAN, INTEGER, NUMBER, OBJECT, STRING, Field, FieldTable
from brickgate.wire.fields import (
    JSONObject,
    decode_tools,
    json_type,
    list_of,
    mapping,
    merge_extra,
    native_shape,
    native_tool,
    not_an_object,
    optional_array,
    require_array,
    require_model,
    require_object,
    shown,
    text_of,
)

API = "openai_chat"

# ---------------------------------------------------------------- canonical → chat


def encode_request(req: Request, model: str) -> JSONObject:
    """Canonical request → a chat completions body for endpoint ``model``. ``req.extra`` fills the gaps."""
    body: JSONObject = {"model": model, "messages": encode_messages(req.messages)}
    tools = [t for t in (encode_tool(tool) for tool in req.tools) if t is not None]
    if tools:
        body["tools"] = tools
    if req.tool_choice is not None:
        body["tool_choice"] = encode_tool_choice(req.tool_choice)
    if req.parallel_tool_calls is not None:
        body["parallel_tool_calls"] = req.parallel_tool_calls
    if req.max_tokens is not None:
        body["max_tokens"] = req.max_tokens
    if req.temperature is not None:
        body["temperature"] = req.temperature
    if req.top_p is not None:
        body["top_p"] = req.top_p
    if req.stop:
        body["stop"] = list(req.stop)
    if req.reasoning_effort is not None:
        body["reasoning_effort"] = req.reasoning_effort
    if req.reasoning_budget is not None:  # Databricks takes Claude's `thinking` on chat too
        body["thinking"] = {"type": "enabled", "budget_tokens": req.reasoning_budget}
    if req.response_format is not None:
        body["response_format"] = dict(req.response_format)
    if req.service_tier is not None:
        body["service_tier"] = req.service_tier
    body["stream"] = req.stream
    if req.stream:
        body["stream_options"] = {"include_usage": True}
    return merge_extra(body, req.extra)


def encode_messages(messages: tuple[Message, ...]) -> list[JSONObject]:
    out: list[JSONObject] = []
    for msg in messages:
        results = [encode_tool_result(p) for p in msg.parts if isinstance(p, ToolResultPart)]
        out.extend(results)
        if msg.role == "tool":
            continue
        if msg.role == "assistant":
            out.append(encode_assistant(msg))
            continue
        if results and len(results) == len(msg.parts):
            continue
        role = (
            "developer"
            if msg.role == "system" and (msg.provider_data or {}).get("role") == "developer"
            else msg.role
        )
        encoded: JSONObject = {"role": role, "content": encode_content(msg.parts)}
        if msg.name:
            encoded["name"] = msg.name
        out.append(encoded)
    return out


def encode_content(parts: Sequence[Part]) -> str | list[JSONObject]:
    """A plain string for one plain text part, else the array form (images, several parts, signatures)."""
    items: list[JSONObject] = []
    for part in parts:
        item = encode_part(part)
        if item is not None:
            items.append(item)
    if len(items) == 1 and items[0]["type"] == "text" and len(items[0]) == 2:
        text: str = items[0]["text"]
        return text
    if not items:
        return ""
    return items


def encode_part(part: Part) -> JSONObject | None:
    if isinstance(part, TextPart):
        item: JSONObject = {"type": "text", "text": part.text}
        signature = (part.provider_data or {}).get("thoughtSignature")
        if signature:
            item["thoughtSignature"] = signature
        return item
    if isinstance(part, ImagePart):
        image: JSONObject = {"url": part.as_url()}
        if part.detail:
            image["detail"] = part.detail
        return {"type": "image_url", "image_url": image}
    if isinstance(part, ReasoningPart):
        if part.redacted is not None:
            return {
                "type": "reasoning",
                "summary": [{"type": "summary_encrypted_text", "data": part.redacted}],
            }
        if part.signature is not None:
            summary = {"type": "summary_text", "text": part.text, "signature": part.signature}
            return {"type": "reasoning", "summary": [summary]}
    return None  # unsigned reasoning is not replayed; tool calls/results are encoded by the caller


def encode_assistant(msg: Message) -> JSONObject:
    content_parts: list[Part] = []
    calls: list[JSONObject] = []
    for part in msg.parts:  # one pass: an agent's history is mostly assistant turns
        if isinstance(part, ToolCallPart):
            calls.append(encode_tool_call(part))
        elif isinstance(part, (TextPart, ReasoningPart)):
            content_parts.append(part)
    content = encode_content(content_parts)
    encoded: JSONObject = {"role": "assistant", "content": None if calls and content == "" else content}
    if calls:
        encoded["tool_calls"] = calls
    return encoded


def encode_tool_call(call: ToolCallPart) -> JSONObject:
    encoded: JSONObject = {
        "id": call.id,
        "type": "function",
        "function": {"name": call.name, "arguments": call.arguments},
    }
    signature = (call.provider_data or {}).get("thoughtSignature")
    if signature:
        encoded["thoughtSignature"] = signature  # Gemini 3 wants it back on the function call
    return encoded


def encode_tool_result(part: ToolResultPart) -> JSONObject:
    content: str | list[JSONObject]
    if isinstance(part.content, str):
        content = part.content
    else:
        content = [item for item in (encode_part(p) for p in part.content) if item is not None]
    return {"role": "tool", "tool_call_id": part.tool_call_id, "content": content}


def encode_tool(tool: Tool) -> JSONObject | None:
    is_native, raw = native_shape(tool, API)
    if is_native:
        return dict(raw) if raw is not None else None
    function: JSONObject = {"name": tool.name}
    if tool.description is not None:
        function["description"] = tool.description
    function["parameters"] = dict(tool.parameters)
    if tool.strict is not None:
        function["strict"] = tool.strict
    return {"type": "function", "function": function}


def encode_tool_choice(choice: str) -> str | JSONObject:
    if choice in ("auto", "none", "required"):
        return choice
    return {"type": "function", "function": {"name": choice}}


# ---------------------------------------------------------------- chat → canonical

# research/databricks-api.md §2.4 for the documented ones (SDK ``query()``; ai-bridge
# ``call-options-to-fmapi-args.ts``); the rest are what OpenAI clients send.
FIELDS: FieldTable = {
    "model": Field(STRING, canonical=True, documented=True),
    "messages": Field(ARRAY, canonical=True, object_items=True, documented=True),
    "tools": Field(ARRAY, canonical=True, object_items=True, documented=True),
    "tool_choice": Field(STRING + OBJECT, canonical=True, documented=True),
    "parallel_tool_calls": Field(BOOLEAN, canonical=True),
    "max_tokens": Field(INTEGER, canonical=True, documented=True),
    "max_completion_tokens": Field(INTEGER, canonical=True),
    "temperature": Field(NUMBER, canonical=True, documented=True),
    "top_p": Field(NUMBER, canonical=True, documented=True),
    "top_k": Field(documented=True),
    "stop": Field(STRING + ARRAY, canonical=True, documented=True),
    "n": Field(INTEGER, documented=True),
    "stream": Field(BOOLEAN, canonical=True, documented=True),
    "stream_options": Field(OBJECT),
    "response_format": Field(OBJECT, canonical=True, documented=True),
    "reasoning_effort": Field(STRING, canonical=True, documented=True),
    "service_tier": Field(STRING, canonical=True, documented=True),  # 2026 §4.1: the priority opt-in
    "metadata": Field(OBJECT, canonical=True),
    "thinking": Field(),  # Claude's, on Databricks chat too; decoded when it carries a budget
    "logprobs": Field(documented=True),
    "top_logprobs": Field(documented=True),
    "extra_params": Field(documented=True),
    "usage_context": Field(documented=True),
    "client_request_id": Field(documented=True),
}
_CANONICAL = frozenset(name for name, field in FIELDS.items() if field.canonical)


def decode_request(body: Mapping[str, Any]) -> Request:
    """An inbound chat completions body → canonical Request; ``InvalidRequest`` for a malformed one."""
    model = require_model(body)
    raw_messages = require_array(body.get("messages"), "`messages`", "messages")
    messages: list[Message] = []
    for i, raw in enumerate(raw_messages):
        if not isinstance(raw, dict):
            raise not_an_object(raw, f"messages[{i}]")
        messages.append(decode_message(raw, i))
    tools = decode_tools(body.get("tools"), decode_tool)
    max_tokens = body.get("max_completion_tokens", body.get("max_tokens"))
    stop = body.get("stop")
    thinking = mapping(body.get("thinking"))
    extra = {k: v for k, v in body.items() if k not in _CANONICAL}
    budget = thinking.get("budget_tokens") if thinking.get("type") == "enabled" else None
    if isinstance(budget, int):
        extra.pop("thinking")
    return Request(
        model=model,
        messages=tuple(messages),
        tools=tools,
        tool_choice=decode_tool_choice(body.get("tool_choice")),
        parallel_tool_calls=body.get("parallel_tool_calls"),
        max_tokens=max_tokens if isinstance(max_tokens, int) else None,
        temperature=body.get("temperature"),
        top_p=body.get("top_p"),
        stop=(stop,) if isinstance(stop, str) else tuple(s for s in list_of(stop) if isinstance(s, str)),
        reasoning_effort=body.get("reasoning_effort"),
        reasoning_budget=budget if isinstance(budget, int) else None,
        response_format=body.get("response_format"),
        service_tier=body.get("service_tier"),
        stream=bool(body.get("stream", False)),
        metadata=body.get("metadata"),
        extra=extra,
    )


def decode_message(raw: Mapping[str, Any], i: int) -> Message:
    role = raw.get("role")
    if role == "assistant":
        return decode_assistant(raw, i)
    content = raw.get("content")
    name = raw.get("name")
    if not isinstance(name, str):
        name = None
    if role == "tool":
        call_id = raw.get("tool_call_id")
        if not isinstance(call_id, str):
            raise InvalidRequest(f"messages[{i}]: a tool message needs a string `tool_call_id`.")
        result: str | tuple[TextPart | ImagePart, ...]
        if isinstance(content, list):
            result = tuple(p for p in decode_parts(content, i) if isinstance(p, (TextPart, ImagePart)))
        else:
            result = text_of(content)
        return Message(role="tool", parts=(ToolResultPart(tool_call_id=call_id, content=result, name=name),))
    if role == "user":
        return Message(role="user", parts=decode_parts(content, i), name=name)
    if role in ("system", "developer"):
        pd = {"role": "developer"} if role == "developer" else None
        return Message(role="system", parts=decode_parts(content, i), provider_data=pd)
    raise InvalidRequest(
        f"messages[{i}].role must be system, developer, user, assistant or tool (got {shown(role)})."
    )


def decode_parts(content: Any, i: int) -> tuple[Part, ...]:
    if content is None or content == "":
        return ()
    if isinstance(content, str):
        return (TextPart(text=content),)
    if not isinstance(content, list):
        raise InvalidRequest(
            f"messages[{i}].content must be a string or an array of content parts, not {json_type(content)}."
        )
    parts: list[Part] = []
    for j, item in enumerate(content):
        if not isinstance(item, dict):
            raise not_an_object(item, f"messages[{i}].content[{j}]")
        part = decode_part(item, i)
        if part is not None:
            parts.append(part)
    return tuple(parts)


def decode_part(item: Mapping[str, Any], i: int) -> Part | None:
    kind = item.get("type")
    if kind in ("text", "refusal"):
        signature = item.get("thoughtSignature")
        pd = {"thoughtSignature": signature} if isinstance(signature, str) else None
        return TextPart(text=text_of(item.get(kind)), provider_data=pd)
    if kind == "image_url":
        image = item.get("image_url")
        if isinstance(image, str):
            return ImagePart(url=image)
        image = mapping(image)
        detail = image.get("detail")
        return ImagePart(url=text_of(image.get("url")), detail=detail if isinstance(detail, str) else None)
    if kind == "reasoning":
        return decode_reasoning(item)
    raise InvalidRequest(
        f"messages[{i}]: a content part's type must be text or image_url (got {shown(kind)})."
    )


def decode_reasoning(item: Mapping[str, Any]) -> ReasoningPart | None:
    for summary in list_of(item.get("summary")):
        summary = mapping(summary)
        if summary.get("type") == "summary_encrypted_text":
            return ReasoningPart(redacted=text_of(summary.get("data")))
        signature = summary.get("signature")
        return ReasoningPart(
            text=text_of(summary.get("text")), signature=signature if isinstance(signature, str) else None
        )
    return None


def decode_assistant(raw: Mapping[str, Any], i: int) -> Message:
    parts: list[Part] = []
    reasoning = raw.get("reasoning_content") or raw.get("reasoning")
    if isinstance(reasoning, str) and reasoning:
        parts.append(ReasoningPart(text=reasoning))
    parts.extend(decode_parts(raw.get("content"), i))
    calls = raw.get("tool_calls")
    if not isinstance(calls, list):  # [] when absent, else the error (formatted only then)
        calls = optional_array(calls, f"messages[{i}].tool_calls", "tool calls")
    for j, call in enumerate(calls):
        if not isinstance(call, dict):
            raise not_an_object(call, f"messages[{i}].tool_calls[{j}]")
        function = call.get("function")
        if not isinstance(function, dict):
            raise not_an_object(function, f"messages[{i}].tool_calls[{j}].function")
        signature = call.get("thoughtSignature")
        parts.append(
            ToolCallPart(
                id=text_of(call.get("id")),
                name=text_of(function.get("name")),
                arguments=text_of(function.get("arguments")),
                provider_data={"thoughtSignature": signature} if isinstance(signature, str) else None,
            )
        )
    return Message(role="assistant", parts=tuple(parts))


def decode_tool(raw: Mapping[str, Any], i: int) -> Tool:
    if raw.get("type", "function") != "function":
        return native_tool(API, raw)
    function = require_object(raw.get("function"), f"tools[{i}].function")
    name = function.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidRequest(f"tools[{i}].function.name must be a non-empty string (got {shown(name)}).")
    parameters = function.get("parameters")
    strict = function.get("strict")
    return Tool(
        name=name,
        description=function.get("description") if isinstance(function.get("description"), str) else None,
        parameters=parameters if isinstance(parameters, dict) else {"type": "object", "properties": {}},
        strict=strict if isinstance(strict, bool) else None,
    )


def decode_tool_choice(choice: Any) -> str | None:
    if isinstance(choice, str):
        return choice
    if isinstance(choice, Mapping):
        name = mapping(choice.get("function")).get("name")
        if isinstance(name, str):
            return name
    return None
