"""Anthropic Messages request bodies ↔ the canonical Request, both directions.

``decode_request`` accepts what Claude Code, opencode and the anthropic SDK send: ``system`` as a string
or blocks (with ``cache_control``), text/image/tool_use/tool_result/thinking/redacted_thinking blocks,
``role: "system"`` entries inside ``messages``, ``thinking`` (enabled + budget, or adaptive),
``output_config.effort``, tools with ``input_schema``/``defer_loading``/``eager_input_streaming``.
A user turn's ``tool_result`` blocks become ``role="tool"`` messages (one per result), so every API
sees tool results the same way; encoding folds them back into the user turn.
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
    arguments_object,
    decode_tools,
    dumps,
    json_type,
    list_of,
    mapping,
    merge_extra,
    native_shape,
    native_tool,
    not_an_object,
    require_array,
    require_model,
    shown,
    text_of,
)

API = "anthropic_messages"
DEFAULT_MAX_TOKENS = 8192  # Messages requires max_tokens; callers that know the model's limit set their own
# Tool keys beyond name/description/input_schema that Claude clients send and Databricks passes on.
TOOL_EXTRA_KEYS = ("cache_control", "defer_loading", "eager_input_streaming")

# ---------------------------------------------------------------- canonical → Messages


def encode_request(req: Request, model: str) -> JSONObject:
    """Canonical request → a Messages body for endpoint ``model``. ``req.extra`` fills the gaps."""
    messages = req.messages
    system: list[Part] = []
    while messages and messages[0].role == "system":  # leading system messages form `system`
        system.extend(messages[0].parts)
        messages = messages[1:]
    body: JSONObject = {"model": model, "max_tokens": req.max_tokens or DEFAULT_MAX_TOKENS}
    if system:
        body["system"] = encode_content(tuple(system))
    body["messages"] = encode_messages(messages)
    tools = [t for t in (encode_tool(tool) for tool in req.tools) if t is not None]
    if tools:
        body["tools"] = tools
    tool_choice = encode_tool_choice(req.tool_choice, req.parallel_tool_calls)
    if tool_choice is not None:
        body["tool_choice"] = tool_choice
    if req.temperature is not None:
        body["temperature"] = req.temperature
    if req.top_p is not None:
        body["top_p"] = req.top_p
    if req.stop:
        body["stop_sequences"] = list(req.stop)
    if req.reasoning_budget is not None:
        body["thinking"] = {"type": "enabled", "budget_tokens": req.reasoning_budget}
    elif req.reasoning_effort is not None and req.reasoning_effort not in ("none", "minimal"):
        body["thinking"] = {"type": "adaptive"}
        body["output_config"] = {"effort": req.reasoning_effort}
    schema = mapping(mapping(req.response_format).get("json_schema")).get("schema")
    if schema is not None:
        body["output_config"] = {
            **body.get("output_config", {}),
            "format": {"type": "json_schema", "schema": schema},
        }
    if req.metadata is not None:
        body["metadata"] = dict(req.metadata)
    if req.service_tier is not None:
        body["service_tier"] = req.service_tier
    body["stream"] = req.stream
    return merge_extra(body, req.extra)


def encode_messages(messages: tuple[Message, ...]) -> list[JSONObject]:
    """Tool results join the user turn around them (Messages wants them at the start of a user turn)."""
    out: list[JSONObject] = []
    open_results: JSONObject | None = None  # the user turn that tool results are being collected into
    for msg in messages:
        if msg.role == "tool":
            blocks = [encode_tool_result(p) for p in msg.parts if isinstance(p, ToolResultPart)]
            if open_results is None:
                open_results = {"role": "user", "content": []}
                out.append(open_results)
            open_results["content"].extend(blocks)
            continue
        if msg.role == "user" and open_results is not None:
            open_results["content"].extend(encode_blocks(msg.parts))
            open_results = None
            continue
        open_results = None
        content = encode_content(msg.parts)
        out.append({"role": msg.role, "content": content})
    return out


def encode_content(parts: tuple[Part, ...]) -> str | list[JSONObject]:
    """A plain string for one plain text part; blocks otherwise."""
    if len(parts) == 1 and isinstance(parts[0], TextPart) and not parts[0].provider_data:
        return parts[0].text
    return encode_blocks(parts)


def encode_blocks(parts: tuple[Part, ...]) -> list[JSONObject]:
    blocks: list[JSONObject] = []
    for part in parts:
        block = encode_block(part)
        if block is not None:
            cache_control = (part.provider_data or {}).get("cache_control")
            if cache_control is not None:
                block["cache_control"] = cache_control
            blocks.append(block)
    return blocks


def encode_block(part: Part) -> JSONObject | None:
    if isinstance(part, TextPart):
        return {"type": "text", "text": part.text}
    if isinstance(part, ImagePart):
        return {"type": "image", "source": image_source(part)}
    if isinstance(part, ToolCallPart):
        return {
            "type": "tool_use",
            "id": part.id,
            "name": part.name,
            "input": arguments_object(part.arguments),
        }
    if isinstance(part, ToolResultPart):
        return encode_tool_result(part)
    if part.redacted is not None:
        return {"type": "redacted_thinking", "data": part.redacted}
    if part.signature is not None:
        return {"type": "thinking", "thinking": part.text, "signature": part.signature}
    return None  # unsigned reasoning: Claude rejects thinking blocks it cannot verify


def image_source(part: ImagePart) -> JSONObject:
    """Base64 source for inline data (including ``data:`` URLs), URL source otherwise."""
    if part.data_base64 is not None:
        return {"type": "base64", "media_type": part.media_type or "image/png", "data": part.data_base64}
    url = part.url or ""
    if url.startswith("data:") and ";base64," in url:
        header, data = url[5:].split(";base64,", 1)
        return {"type": "base64", "media_type": header or "image/png", "data": data}
    return {"type": "url", "url": url}


def encode_tool_result(part: ToolResultPart) -> JSONObject:
    content: str | list[JSONObject] = (
        part.content if isinstance(part.content, str) else encode_blocks(tuple(part.content))
    )
    block: JSONObject = {"type": "tool_result", "tool_use_id": part.tool_call_id, "content": content}
    if part.is_error:
        block["is_error"] = True
    cache_control = (part.provider_data or {}).get("cache_control")
    if cache_control is not None:
        block["cache_control"] = cache_control
    return block


def encode_tool(tool: Tool) -> JSONObject | None:
    is_native, raw = native_shape(tool, API)
    if is_native:
        return dict(raw) if raw is not None else None
    encoded: JSONObject = {"name": tool.name}
    if tool.description is not None:
        encoded["description"] = tool.description
    encoded["input_schema"] = dict(tool.parameters)
    for key in TOOL_EXTRA_KEYS:
        if tool.provider_data and key in tool.provider_data:
            encoded[key] = tool.provider_data[key]
    return encoded


def encode_tool_choice(choice: str | None, parallel: bool | None) -> JSONObject | None:
    if choice is None and parallel is not False:
        return None
    kinds = {None: "auto", "auto": "auto", "none": "none", "required": "any"}
    encoded: JSONObject = {"type": kinds[choice]} if choice in kinds else {"type": "tool", "name": choice}
    if parallel is False and encoded["type"] != "none":
        encoded["disable_parallel_tool_use"] = True
    return encoded


# ---------------------------------------------------------------- Messages → canonical

FIELDS: FieldTable = {
    "model": Field(STRING, canonical=True),
    "messages": Field(ARRAY, canonical=True, object_items=True),
    "system": Field(STRING + ARRAY, canonical=True),
    "tools": Field(ARRAY, canonical=True, object_items=True),
    "tool_choice": Field(OBJECT, canonical=True),
    "max_tokens": Field(INTEGER, canonical=True),
    "temperature": Field(NUMBER, canonical=True),
    "top_p": Field(NUMBER, canonical=True),
    "top_k": Field(INTEGER),
    "stop_sequences": Field(ARRAY, canonical=True),
    "thinking": Field(OBJECT, canonical=True),
    "output_config": Field(),  # its `effort` is decoded with `thinking`; other keys stay in extra
    "stream": Field(BOOLEAN, canonical=True),
    "metadata": Field(OBJECT, canonical=True),
    "service_tier": Field(STRING, canonical=True),  # Anthropic's own field; Databricks' priority opt-in
}
_CANONICAL = frozenset(name for name, field in FIELDS.items() if field.canonical)


def decode_request(body: Mapping[str, Any]) -> Request:
    """An inbound Messages body → canonical Request; ``InvalidRequest`` for a malformed one."""
    model = require_model(body)
    messages: list[Message] = []
    system = body.get("system")
    if system:
        messages.append(Message(role="system", parts=decode_blocks(system, "`system`")))
    for i, raw in enumerate(require_array(body.get("messages"), "`messages`", "messages")):
        if not isinstance(raw, dict):
            raise not_an_object(raw, f"messages[{i}]")
        decode_message(raw, i, messages)
    tools = decode_tools(body.get("tools"), decode_tool)
    extra = {k: v for k, v in body.items() if k not in _CANONICAL}
    budget, effort = decode_thinking(mapping(body.get("thinking")), extra)
    choice = mapping(body.get("tool_choice"))
    stop = body.get("stop_sequences")
    max_tokens = body.get("max_tokens")
    return Request(
        model=model,
        messages=tuple(messages),
        tools=tools,
        tool_choice=decode_tool_choice(choice),
        parallel_tool_calls=False if choice.get("disable_parallel_tool_use") else None,
        max_tokens=max_tokens if isinstance(max_tokens, int) else None,
        temperature=body.get("temperature"),
        top_p=body.get("top_p"),
        stop=tuple(s for s in list_of(stop) if isinstance(s, str)),
        reasoning_effort=effort,
        reasoning_budget=budget,
        service_tier=body.get("service_tier"),
        stream=bool(body.get("stream", False)),
        metadata=body.get("metadata"),
        extra=extra,
    )


def decode_thinking(thinking: Mapping[str, Any], extra: dict[str, Any]) -> tuple[int | None, str | None]:
    """(budget, effort) from ``thinking`` and ``output_config.effort``; the effort leaves ``extra``."""
    config = dict(mapping(extra.get("output_config")))
    effort = config.pop("effort", None)
    if "output_config" in extra:
        if config:
            extra["output_config"] = config
        else:
            del extra["output_config"]
    kind = thinking.get("type")
    budget = thinking.get("budget_tokens")
    if kind == "enabled" and isinstance(budget, int):
        return budget, effort if isinstance(effort, str) else None
    if kind == "adaptive":
        return None, effort if isinstance(effort, str) else "medium"
    return None, effort if isinstance(effort, str) else None


def decode_message(raw: Mapping[str, Any], i: int, out: list[Message]) -> None:
    """Message ``i`` appended to ``out``: a user turn's tool results as tool messages of their own."""
    role = raw.get("role")
    if role not in ("user", "assistant", "system"):
        raise InvalidRequest(f"messages[{i}].role must be user or assistant (got {shown(role)}).")
    parts = decode_blocks(raw.get("content"), f"messages[{i}].content")
    if role != "user":
        out.append(Message(role=role, parts=parts))
        return
    # split the user turn into runs: tool results become tool messages, the rest stays a user message
    start = len(out)
    run: list[Part] = []
    for part in parts:
        if isinstance(part, ToolResultPart):
            if run:
                out.append(Message(role="user", parts=tuple(run)))
                run = []
            out.append(Message(role="tool", parts=(part,)))
        else:
            run.append(part)
    if run or len(out) == start:
        out.append(Message(role="user", parts=tuple(run)))


def decode_blocks(content: Any, where: str) -> tuple[Part, ...]:
    if isinstance(content, str):
        return (TextPart(text=content),)
    if not isinstance(content, list):
        raise InvalidRequest(
            f"{where} must be a string or an array of content blocks, not {json_type(content)}."
        )
    parts: list[Part] = []
    for j, block in enumerate(content):
        if not isinstance(block, dict):
            raise not_an_object(block, f"{where}[{j}]")
        parts.append(decode_block(block, where, j))
    return tuple(parts)


def decode_block(block: Mapping[str, Any], blocks_at: str, j: int) -> Part:
    """Block ``j`` of the blocks at ``blocks_at`` (its location is formatted only for an error)."""
    kind = block.get("type")
    cache_control = block.get("cache_control")
    pd = {"cache_control": cache_control} if cache_control is not None else None
    if kind == "text":
        return TextPart(text=text_of(block.get("text")), provider_data=pd)
    if kind == "image":
        return decode_image(mapping(block.get("source")), pd, f"{blocks_at}[{j}]")
    if kind == "tool_use":
        call_input = block.get("input")
        arguments = dumps(call_input) if call_input is not None else "{}"
        return ToolCallPart(
            id=text_of(block.get("id")),
            name=text_of(block.get("name")),
            arguments=arguments,
            provider_data=pd,
        )
    if kind == "tool_result":
        content = block.get("content")
        result: str | tuple[TextPart | ImagePart, ...] = text_of(content)
        if isinstance(content, list):
            parts = decode_blocks(content, f"{blocks_at}[{j}].content")
            result = tuple(p for p in parts if isinstance(p, (TextPart, ImagePart)))
        return ToolResultPart(
            tool_call_id=text_of(block.get("tool_use_id")),
            content=result,
            is_error=block.get("is_error") is True,
            provider_data=pd,
        )
    if kind == "thinking":
        return ReasoningPart(
            text=text_of(block.get("thinking")), signature=text_of(block.get("signature")) or None
        )
    if kind == "redacted_thinking":
        return ReasoningPart(redacted=text_of(block.get("data")))
    raise InvalidRequest(
        f"{blocks_at}[{j}]: content block type {shown(kind)} cannot be translated for this model's API."
    )


def decode_image(source: Mapping[str, Any], pd: JSONObject | None, where: str) -> ImagePart:
    if source.get("type") == "base64":
        return ImagePart(
            data_base64=text_of(source.get("data")),
            media_type=text_of(source.get("media_type")) or None,
            provider_data=pd,
        )
    if source.get("type") == "url":
        return ImagePart(url=text_of(source.get("url")), provider_data=pd)
    raise InvalidRequest(
        f"{where}: image source type {shown(source.get('type'))} is not supported (use base64 or url)."
    )


def decode_tool(raw: Mapping[str, Any], i: int) -> Tool:
    if "input_schema" not in raw and raw.get("type") not in (None, "custom"):
        return native_tool(API, raw)  # a server tool (web_search_..., bash_..., text_editor_...)
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidRequest(f"tools[{i}].name must be a non-empty string (got {shown(name)}).")
    schema = raw.get("input_schema")
    description = raw.get("description")
    pd = {key: raw[key] for key in TOOL_EXTRA_KEYS if key in raw}
    return Tool(
        name=name,
        description=description if isinstance(description, str) else None,
        parameters=schema if isinstance(schema, dict) else {"type": "object", "properties": {}},
        provider_data=pd or None,
    )


def decode_tool_choice(choice: Mapping[str, Any]) -> str | None:
    kind = choice.get("type")
    if kind == "tool":
        name = choice.get("name")
        return name if isinstance(name, str) else None
    return {"auto": "auto", "any": "required", "none": "none"}.get(text_of(kind))
