"""Responses request bodies ↔ the canonical Request, both directions.

``decode_request`` accepts what Codex CLI, opencode and the openai SDK send: ``input`` as a string or as
items (messages with ``input_text``/``output_text``/``input_image``, developer/system roles, items with
``id``s, ``function_call``, ``function_call_output``, ``reasoning`` with ``encrypted_content``), optional
``instructions``, flat function tools, and tool types with no canonical shape (kept as native tools).
Consecutive assistant-side items (reasoning, assistant message, function calls) form one assistant turn.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    require_model,
    shown,
    text_of,
)
from brickgate.wire.openai_responses.reasoning import unpack_encrypted

API = "openai_responses"

# ---------------------------------------------------------------- canonical → Responses


def encode_request(req: Request, model: str) -> JSONObject:
    """Canonical request → a Responses body for endpoint ``model``. ``req.extra`` fills the gaps."""
    messages = req.messages
    body: JSONObject = {"model": model}
    if messages and (messages[0].provider_data or {}).get("instructions"):
        body["instructions"] = messages[0].text()
        messages = messages[1:]
    body["input"] = encode_input(messages)
    tools = [t for t in (encode_tool(tool) for tool in req.tools) if t is not None]
    if tools:
        body["tools"] = tools
    if req.tool_choice is not None:
        choice = req.tool_choice
        body["tool_choice"] = (
            choice if choice in ("auto", "none", "required") else {"type": "function", "name": choice}
        )
    if req.parallel_tool_calls is not None:
        body["parallel_tool_calls"] = req.parallel_tool_calls
    if req.max_tokens is not None:
        body["max_output_tokens"] = req.max_tokens
    if req.temperature is not None:
        body["temperature"] = req.temperature
    if req.top_p is not None:
        body["top_p"] = req.top_p
    if req.reasoning_effort is not None:
        body["reasoning"] = {"effort": req.reasoning_effort}
    if req.response_format is not None:
        body["text"] = {"format": encode_text_format(req.response_format)}
    if req.metadata is not None:
        body["metadata"] = dict(req.metadata)
    if req.service_tier is not None:
        body["service_tier"] = req.service_tier
    body["stream"] = req.stream
    return merge_extra(body, req.extra)


def encode_text_format(response_format: Mapping[str, Any]) -> JSONObject:
    """Chat ``response_format`` → Responses ``text.format`` (json_schema flattens one level)."""
    if response_format.get("type") == "json_schema":
        return {"type": "json_schema", **mapping(response_format.get("json_schema"))}
    return dict(response_format)


def encode_input(messages: tuple[Message, ...]) -> list[JSONObject]:
    items: list[JSONObject] = []
    for msg in messages:
        if msg.role == "assistant":
            items.extend(encode_assistant(msg))
            continue
        results = [p for p in msg.parts if isinstance(p, ToolResultPart)]
        items.extend(encode_tool_result(p) for p in results)
        rest = [p for p in msg.parts if isinstance(p, (TextPart, ImagePart))]
        if msg.role == "tool" or (results and not rest):
            continue
        role: str = msg.role
        if role == "system" and (msg.provider_data or {}).get("role") == "developer":
            role = "developer"
        item: JSONObject = {"type": "message", "role": role, "content": [encode_input_part(p) for p in rest]}
        with_id(item, msg.provider_data)
        items.append(item)
    return items


def with_id(item: JSONObject, provider_data: Mapping[str, Any] | None) -> JSONObject:
    item_id = (provider_data or {}).get("id")
    if isinstance(item_id, str):
        item["id"] = item_id
    return item


def encode_input_part(part: TextPart | ImagePart) -> JSONObject:
    if isinstance(part, TextPart):
        return {"type": "input_text", "text": part.text}
    return {"type": "input_image", "image_url": part.as_url(), "detail": part.detail or "auto"}


def encode_assistant(msg: Message) -> list[JSONObject]:
    items: list[JSONObject] = []
    text_item: JSONObject | None = None
    for part in msg.parts:
        if isinstance(part, TextPart):
            if text_item is None or (part.provider_data or {}).get("id"):
                text_item = with_id(
                    {"type": "message", "role": "assistant", "content": []}, part.provider_data
                )
                items.append(text_item)
            text_item["content"].append({"type": "output_text", "text": part.text, "annotations": []})
            continue
        text_item = None
        if isinstance(part, ToolCallPart):
            call = {
                "type": "function_call",
                "call_id": part.id,
                "name": part.name,
                "arguments": part.arguments,
            }
            items.append(with_id(call, part.provider_data))
        elif isinstance(part, ReasoningPart) and (
            part.redacted is not None or (part.provider_data or {}).get("id")
        ):
            items.append(encode_reasoning(part))
    return items


def encode_reasoning(part: ReasoningPart) -> JSONObject:
    """A reasoning item to replay upstream: its id and real encrypted content (not foreign signatures)."""
    item: JSONObject = {"type": "reasoning", "summary": []}
    with_id(item, part.provider_data)
    if part.text:
        item["summary"] = [{"type": "summary_text", "text": part.text}]
    if part.redacted is not None:
        item["encrypted_content"] = part.redacted
    return item


def encode_tool_result(part: ToolResultPart) -> JSONObject:
    content = part.content
    output = content if isinstance(content, str) else [encode_input_part(p) for p in content]
    return with_id(
        {"type": "function_call_output", "call_id": part.tool_call_id, "output": output}, part.provider_data
    )


def encode_tool(tool: Tool) -> JSONObject | None:
    is_native, raw = native_shape(tool, API)
    if is_native:
        return dict(raw) if raw is not None else None
    encoded: JSONObject = {"type": "function", "name": tool.name}
    if tool.description is not None:
        encoded["description"] = tool.description
    encoded["parameters"] = dict(tool.parameters)
    if tool.strict is not None:
        encoded["strict"] = tool.strict
    return encoded


# ---------------------------------------------------------------- Responses → canonical

FIELDS: FieldTable = {
    "model": Field(STRING, canonical=True),
    "input": Field(STRING + ARRAY, canonical=True, object_items=True),
    "instructions": Field(STRING, canonical=True),
    "tools": Field(ARRAY, canonical=True, object_items=True),
    "tool_choice": Field(STRING + OBJECT, canonical=True),
    "parallel_tool_calls": Field(BOOLEAN, canonical=True),
    "max_output_tokens": Field(INTEGER, canonical=True),
    "temperature": Field(NUMBER, canonical=True),
    "top_p": Field(NUMBER, canonical=True),
    "stream": Field(BOOLEAN, canonical=True),
    "metadata": Field(OBJECT, canonical=True),
    "reasoning": Field(OBJECT, canonical=True),  # `effort` is canonical; other keys go back to extra
    "text": Field(OBJECT, canonical=True),  # likewise `format`
    "include": Field(ARRAY),
    "service_tier": Field(STRING, canonical=True),  # 2026 §4.1: the priority opt-in
}
_CANONICAL = frozenset(name for name, field in FIELDS.items() if field.canonical)


def decode_request(body: Mapping[str, Any]) -> Request:
    """An inbound Responses body → canonical Request; ``InvalidRequest`` for a malformed one."""
    model = require_model(body)
    messages: list[Message] = []
    instructions = body.get("instructions")
    if isinstance(instructions, str) and instructions:
        messages.append(
            Message(role="system", parts=(TextPart(text=instructions),), provider_data={"instructions": True})
        )
    messages.extend(decode_input(body.get("input")))
    tools = decode_tools(body.get("tools"), decode_tool)
    reasoning = dict(mapping(body.get("reasoning")))
    text = dict(mapping(body.get("text")))
    effort = reasoning.pop("effort", None)
    text_format = mapping(text.pop("format", None))
    extra = {k: v for k, v in body.items() if k not in _CANONICAL}
    if reasoning:
        extra["reasoning"] = reasoning
    if text:
        extra["text"] = text
    max_tokens = body.get("max_output_tokens")
    return Request(
        model=model,
        messages=tuple(messages),
        tools=tools,
        tool_choice=decode_tool_choice(body.get("tool_choice")),
        parallel_tool_calls=body.get("parallel_tool_calls"),
        max_tokens=max_tokens if isinstance(max_tokens, int) else None,
        temperature=body.get("temperature"),
        top_p=body.get("top_p"),
        reasoning_effort=effort if isinstance(effort, str) else None,
        response_format=decode_text_format(text_format),
        service_tier=body.get("service_tier"),
        stream=bool(body.get("stream", False)),
        metadata=body.get("metadata"),
        extra=extra,
    )


def decode_text_format(text_format: Mapping[str, Any]) -> JSONObject | None:
    kind = text_format.get("type")
    if kind == "json_schema":
        return {"type": "json_schema", "json_schema": {k: v for k, v in text_format.items() if k != "type"}}
    if kind == "json_object":
        return {"type": "json_object"}
    return None


def decode_input(raw: Any) -> list[Message]:
    if isinstance(raw, str):
        return [Message.of("user", raw)]
    if not isinstance(raw, list):
        raise InvalidRequest(f"`input` must be a string or an array of input items, not {json_type(raw)}.")
    messages: list[Message] = []
    turn: list[Part] = []  # the assistant turn being gathered from consecutive items
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise not_an_object(item, f"input[{i}]")
        kind = item.get("type", "message")
        part = decode_assistant_item(item, kind, i)
        if part is not None:
            turn.append(part)
            continue
        if turn:
            messages.append(Message(role="assistant", parts=tuple(turn)))
            turn = []
        messages.append(decode_other_item(item, kind, i))
    if turn:
        messages.append(Message(role="assistant", parts=tuple(turn)))
    return messages


def item_id(item: Mapping[str, Any]) -> JSONObject | None:
    """The ``provider_data`` keeping an item's ``id`` (restored when encoding for Responses again)."""
    found = item.get("id")
    return {"id": found} if isinstance(found, str) else None


def decode_assistant_item(item: Mapping[str, Any], kind: Any, i: int) -> Part | None:
    """The part an assistant-side item of type ``kind`` adds to the current assistant turn (None: not one)."""
    if kind == "function_call":
        return ToolCallPart(
            id=text_of(item.get("call_id")) or text_of(item.get("id")),
            name=text_of(item.get("name")),
            arguments=text_of(item.get("arguments")),
            provider_data=item_id(item),
        )
    if kind == "reasoning":
        summary = [text_of(mapping(s).get("text")) for s in list_of(item.get("summary"))]
        signature, redacted = unpack_encrypted(item.get("encrypted_content"))
        return ReasoningPart(
            text="\n\n".join(s for s in summary if s),
            signature=signature,
            redacted=redacted,
            provider_data=item_id(item),
        )
    if kind == "message" and item.get("role") == "assistant":
        content = item.get("content")
        if isinstance(content, str):
            return TextPart(text=content, provider_data=item_id(item))
        if not isinstance(content, list):  # [] when absent, else the error (formatted only then)
            content = optional_array(content, f"input[{i}].content", "content parts")
        texts = decode_content_parts(content, i, "content")
        return TextPart(
            text="".join(p.text for p in texts if isinstance(p, TextPart)), provider_data=item_id(item)
        )
    return None


def decode_other_item(item: Mapping[str, Any], kind: Any, i: int) -> Message:
    if kind == "function_call_output":
        output = item.get("output")
        content = decode_content_parts(output, i, "output") if isinstance(output, list) else text_of(output)
        result = ToolResultPart(
            tool_call_id=text_of(item.get("call_id")), content=content, provider_data=item_id(item)
        )
        return Message(role="tool", parts=(result,))
    if kind != "message":
        raise InvalidRequest(
            f"input[{i}]: item type {shown(kind)} cannot be translated for this model's API."
        )
    role = item.get("role")
    if role not in ("user", "system", "developer"):
        raise InvalidRequest(
            f"input[{i}].role must be user, system, developer or assistant (got {shown(role)})."
        )
    content_raw = item.get("content")
    if isinstance(content_raw, str):
        parts: tuple[TextPart | ImagePart, ...] = (TextPart(text=content_raw),)
    elif isinstance(content_raw, list):
        parts = decode_content_parts(content_raw, i, "content")
    else:
        raise InvalidRequest(
            f"input[{i}].content must be a string or an array of content parts, not {json_type(content_raw)}."
        )
    pd = item_id(item)
    if role == "developer":
        pd = {**(pd or {}), "role": "developer"}
    return Message(role="user" if role == "user" else "system", parts=parts, provider_data=pd)


def decode_content_parts(raw: list[Any], i: int, key: str) -> tuple[TextPart | ImagePart, ...]:
    """Item ``i``'s ``key`` (``content`` or ``output``), an array of content parts."""
    parts: list[TextPart | ImagePart] = []
    for j, part in enumerate(raw):
        if not isinstance(part, dict):
            raise not_an_object(part, f"input[{i}].{key}[{j}]")
        parts.append(decode_content_part(part, i))
    return tuple(parts)


def decode_content_part(part: Mapping[str, Any], i: int) -> TextPart | ImagePart:
    kind = part.get("type")
    if kind in ("input_text", "output_text", "text"):
        return TextPart(text=text_of(part.get("text")))
    if kind == "refusal":
        return TextPart(text=text_of(part.get("refusal")))
    if kind == "input_image":
        url = part.get("image_url")
        detail = part.get("detail")
        if not isinstance(url, str):
            raise InvalidRequest(
                f"input[{i}]: input_image needs an `image_url` (file ids are not supported)."
            )
        return ImagePart(url=url, detail=detail if isinstance(detail, str) and detail != "auto" else None)
    raise InvalidRequest(
        f"input[{i}]: a content part's type must be input_text, output_text, refusal or input_image "
        f"(got {shown(kind)})."
    )


def decode_tool(raw: Mapping[str, Any], i: int) -> Tool:
    if raw.get("type") != "function":
        return native_tool(API, raw)
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidRequest(f"tools[{i}].name must be a non-empty string (got {shown(name)}).")
    parameters = raw.get("parameters")
    strict = raw.get("strict")
    description = raw.get("description")
    return Tool(
        name=name,
        description=description if isinstance(description, str) else None,
        parameters=parameters if isinstance(parameters, dict) else {"type": "object", "properties": {}},
        strict=strict if isinstance(strict, bool) else None,
    )


def decode_tool_choice(choice: Any) -> str | None:
    if isinstance(choice, str):
        return choice
    name = mapping(choice).get("name")
    return name if isinstance(name, str) else None
