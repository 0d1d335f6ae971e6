"""Gemini ``generateContent`` request bodies ↔ the canonical Request, both directions.

The model is named by the path (``/v1beta/models/{model}:generateContent``), not the body: the gateway
copies it into ``model`` (Google's own request field) before decoding, and ``encode_request`` leaves it
out (``routing.upstream_path`` puts the endpoint into the upstream path). Whether the answer streams is
also the path's business (``:streamGenerateContent``), so a decoded Request says ``stream=False``.

Function calls carry no id before Gemini 3 (and Databricks' Gemini answers carry none): a call without one
gets ``call_`` + a hash of its name and arguments (``_2``, ``_3`` ... for repeats), the same id every time
the same history is sent, so a translated upstream sees stable ids (its prompt cache keys on them). A
``functionResponse`` answers the call with its id, else the first open call of the same name, else the
first open call of the preceding model turn (Gemini itself pairs them by position).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from brickgate.errors import InvalidRequest
from brickgate.protocol import (
    ImagePart,
    Message,
    Part,
    Request,
    TextPart,
    ToolCallPart,
    ToolResultPart,
)
from brickgate.wire.contract import ARRAY, OBJECT, STRING, Field, FieldTable
from brickgate.wire.fields import (
    JSONObject,
    dumps,
    list_of,
    mapping,
    merge_extra,
    not_an_object,
    optional_array,
    require_array,
    require_model,
    require_object,
    shown,
    text_of,
)
from brickgate.wire.gemini.config import (
    decode_response_format,
    decode_thinking,
    decode_tool_choice,
    decode_tools,
    encode_generation_config,
    encode_tool_choice,
    encode_tools,
)
from brickgate.wire.gemini.parts import (
    call_arguments,
    decode_media,
    decode_text,
    encode_image,
    encode_part,
    pick,
    signature_of,
    snake,
)

# ---------------------------------------------------------------- the field table


def _both_spellings(table: dict[str, Field]) -> FieldTable:
    """Each field under its lowerCamelCase name and its proto snake_case name (Google reads both)."""
    return {spelled: field for name, field in table.items() for spelled in dict.fromkeys((name, snake(name)))}


# GenerateContentRequest (Google's v1beta reference; databricks-api.md §2.9: "standard Gemini body").
# generationConfig is partly canonical: its canonical keys are decoded, the rest travels in extra.
FIELDS: FieldTable = _both_spellings(
    {
        "model": Field(STRING, canonical=True),  # the path's model, copied in by the gateway
        "contents": Field(ARRAY, canonical=True, object_items=True, documented=True),
        "systemInstruction": Field(OBJECT + STRING, canonical=True, documented=True),
        "tools": Field(ARRAY, canonical=True, object_items=True, documented=True),
        "toolConfig": Field(OBJECT, canonical=True, documented=True),
        "generationConfig": Field(OBJECT, documented=True),
        "safetySettings": Field(ARRAY, documented=True),
        "cachedContent": Field(STRING, documented=True),
        "labels": Field(OBJECT),  # Vertex AI's
    }
)
_CANONICAL = frozenset(name for name, field in FIELDS.items() if field.canonical)
# generationConfig keys decoded onto the Request (both spellings); response keys only with a JSON mime type
_CONFIG_KEYS = ("maxOutputTokens", "temperature", "topP", "stopSequences", "thinkingConfig")

# ---------------------------------------------------------------- Gemini → canonical


def decode_request(body: Mapping[str, Any]) -> Request:
    """An inbound generateContent body (with the path's ``model``) → canonical Request."""
    model = require_model(body).removeprefix("models/")
    messages: list[Message] = []
    system = pick(body, "systemInstruction")
    if system is not None:
        messages.append(Message(role="system", parts=decode_system(system)))
    calls = _Calls()
    for i, raw in enumerate(require_array(pick(body, "contents"), "`contents`", "contents")):
        if not isinstance(raw, dict):
            raise not_an_object(raw, f"contents[{i}]")
        messages.extend(decode_content(raw, f"contents[{i}]", calls))
    tools = decode_tools(optional_array(pick(body, "tools"), "`tools`", "tools"))
    config = pick(body, "generationConfig")
    config = require_object(config, "`generationConfig`") if config is not None else {}
    response_format, response_keys = decode_response_format(config)
    extra = {
        k: v
        for k, v in body.items()
        if k not in _CANONICAL and k not in ("generationConfig", "generation_config")
    }
    rest = {k: v for k, v in config.items() if k not in _consumed(response_keys)}
    if rest:
        extra["generationConfig"] = rest
    max_tokens = pick(config, "maxOutputTokens")
    stop = pick(config, "stopSequences")
    return Request(
        model=model,
        messages=tuple(messages),
        tools=tools,
        tool_choice=decode_tool_choice(
            mapping(pick(mapping(pick(body, "toolConfig")), "functionCallingConfig"))
        ),
        max_tokens=max_tokens if isinstance(max_tokens, int) else None,
        temperature=_number(config.get("temperature")),
        top_p=_number(pick(config, "topP")),
        stop=tuple(s for s in list_of(stop) if isinstance(s, str)),
        reasoning_effort=decode_thinking(mapping(pick(config, "thinkingConfig"))),
        response_format=response_format,
        stream=False,
        extra=extra,
    )


def _consumed(response_keys: tuple[str, ...]) -> frozenset[str]:
    names = (*_CONFIG_KEYS, *response_keys)
    return frozenset(spelled for name in names for spelled in (name, snake(name)))


def _number(value: Any) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def decode_system(system: Any) -> tuple[Part, ...]:
    """``systemInstruction``: a Content (its role ignored) or, as the SDKs also allow, plain text."""
    if isinstance(system, str):
        return (TextPart(text=system),)
    system = require_object(system, "`systemInstruction`")
    raw_parts = optional_array(pick(system, "parts"), "`systemInstruction.parts`", "parts")
    return tuple(
        decode_part(require_object(p, f"systemInstruction.parts[{j}]"), "systemInstruction.parts", j)
        for j, p in enumerate(raw_parts)
    )


def decode_content(raw: Mapping[str, Any], where: str, calls: _Calls) -> list[Message]:
    """One Content: a model turn, or a user turn whose function responses become tool messages first."""
    role = raw.get("role", "user")
    parts_at = f"{where}.parts"  # error locations below are formatted only for an error
    raw_parts = pick(raw, "parts")
    if not isinstance(raw_parts, list):  # [] when absent, else the error
        raw_parts = optional_array(raw_parts, parts_at, "parts")
    for j, p in enumerate(raw_parts):
        if not isinstance(p, dict):
            raise not_an_object(p, f"{parts_at}[{j}]")
    if role == "model":
        calls.new_turn()
        parts = tuple(
            calls.call(call, signature_of(p))
            if isinstance(call := pick(p, "functionCall"), dict)
            else decode_part(p, parts_at, j)
            for j, p in enumerate(raw_parts)
        )
        return [Message(role="assistant", parts=parts)]
    if role not in ("user", "function", "tool"):  # "function": the v1beta role of old function responses
        raise InvalidRequest(f"{where}.role must be user or model (got {shown(role)}).")
    out: list[Message] = []
    rest: list[Part] = []
    for j, p in enumerate(raw_parts):
        response = pick(p, "functionResponse")
        if isinstance(response, dict):
            out.append(Message(role="tool", parts=(calls.answer(response),)))
        else:
            rest.append(decode_part(p, parts_at, j))
    if rest or not out:
        out.append(Message(role="user", parts=tuple(rest)))
    return out


def decode_part(raw: Mapping[str, Any], parts_at: str, j: int) -> Part:
    """Part ``j`` of the parts at ``parts_at`` (its location is formatted only for an error)."""
    part = decode_text(raw) or decode_media(raw)
    if part is not None:
        return part
    where = f"{parts_at}[{j}]"
    media = mapping(pick(raw, "inlineData") or pick(raw, "fileData"))
    if media:
        kind = text_of(pick(media, "mimeType")) or "this"
        raise InvalidRequest(f"{where}: {kind} data cannot be translated for this model's API (only images).")
    keys = ", ".join(sorted(raw)) or "none"
    raise InvalidRequest(
        f"{where}: a part must hold text, inlineData, fileData, functionCall or functionResponse "
        f"(its keys: {keys})."
    )


class _Calls:
    """Canonical ids for a conversation's function calls, and the open call each response answers."""

    __slots__ = ("_minted", "_open")

    def __init__(self) -> None:
        self._minted: dict[str, int] = {}
        self._open: list[ToolCallPart] = []

    def new_turn(self) -> None:
        self._open = []

    def call(self, raw: Mapping[str, Any], provider_data: Mapping[str, Any] | None) -> ToolCallPart:
        name = text_of(raw.get("name"))
        arguments = call_arguments(raw)
        call_id = text_of(raw.get("id")) or self._mint(f"{name}\0{arguments}")
        part = ToolCallPart(id=call_id, name=name, arguments=arguments, provider_data=provider_data)
        self._open.append(part)
        return part

    def answer(self, raw: Mapping[str, Any]) -> ToolResultPart:
        name = text_of(raw.get("name"))
        wanted = text_of(raw.get("id"))
        call = self._take(wanted, name)
        content, is_error = decode_result(raw)
        return ToolResultPart(
            tool_call_id=call.id if call is not None else wanted or self._mint(f"{name}\0result"),
            content=content,
            is_error=is_error,
            name=name or (call.name if call is not None else None),
        )

    def _mint(self, basis: str) -> str:
        base = "call_" + hashlib.blake2b(basis.encode(), digest_size=8).hexdigest()
        seen = self._minted.get(base, 0) + 1
        self._minted[base] = seen
        return base if seen == 1 else f"{base}_{seen}"

    def _take(self, wanted: str, name: str) -> ToolCallPart | None:
        for index, call in enumerate(self._open):
            if wanted and call.id == wanted:
                return self._open.pop(index)
        for index, call in enumerate(self._open):
            if call.name == name:
                return self._open.pop(index)
        return self._open.pop(0) if self._open else None


def decode_result(raw: Mapping[str, Any]) -> tuple[str | tuple[TextPart | ImagePart, ...], bool]:
    """A ``functionResponse``'s ``response`` as tool output text: ``{"output": text}`` and
    ``{"error": text}`` (Gemini CLI's shapes) as their text, anything else as JSON; images from its
    ``parts`` (Gemini 3's multimodal function responses) after the text."""
    response = pick(raw, "response")
    is_error = False
    if isinstance(response, dict) and len(response) == 1 and isinstance(response.get("output"), str):
        text = response["output"]
    elif isinstance(response, dict) and len(response) == 1 and isinstance(response.get("error"), str):
        text, is_error = response["error"], True
    else:
        text = "" if response is None else dumps(response)
    images = [m for p in list_of(pick(raw, "parts")) if (m := decode_media(mapping(p))) is not None]
    return ((TextPart(text=text), *images) if images else text), is_error


# ---------------------------------------------------------------- canonical → Gemini


def encode_request(req: Request, model: str) -> JSONObject:
    """Canonical request → a generateContent body. ``model`` goes into the upstream path, not the body."""
    del model
    system = [p for m in req.messages if m.role == "system" for p in m.parts]
    body: JSONObject = {"contents": encode_contents(req.messages)}
    instruction = [x for x in (encode_part(p) for p in system) if x is not None]
    if instruction:
        body["systemInstruction"] = {"parts": instruction}
    tools = encode_tools(req.tools)
    if tools:
        body["tools"] = tools
    if req.tool_choice is not None:
        body["toolConfig"] = {"functionCallingConfig": encode_tool_choice(req.tool_choice)}
    config = encode_generation_config(req)
    if config:
        body["generationConfig"] = config
    return merge_extra(body, req.extra)


def encode_contents(messages: tuple[Message, ...]) -> list[JSONObject]:
    """Turns as Gemini wants them: one user turn holds every function response of the model turn before
    it (Gemini checks the counts match), followed by the user's next words; empty turns are left out."""
    contents: list[JSONObject] = []
    names: dict[str, str] = {}  # call id → function name, which a functionResponse must repeat
    results: list[JSONObject] | None = None  # the parts of the user turn collecting responses
    for msg in messages:
        if msg.role == "system":
            continue
        responses = [r for p in msg.parts if isinstance(p, ToolResultPart) for r in encode_result(p, names)]
        parts = [x for x in (encode_part(p) for p in msg.parts) if x is not None]
        if msg.role == "assistant":
            names.update((c.id, c.name) for c in msg.tool_calls())
            results = None
            if parts:
                contents.append({"role": "model", "parts": parts})
            continue
        if results is None and (responses or parts):
            results = []
            contents.append({"role": "user", "parts": results})
        if results is not None:
            results.extend(responses + parts)
        if msg.role == "user":
            results = None
    return contents


def encode_result(part: ToolResultPart, names: Mapping[str, str]) -> list[JSONObject]:
    key = "error" if part.is_error else "output"
    name = part.name or names.get(part.tool_call_id, "")
    response: JSONObject = {"id": part.tool_call_id, "name": name, "response": {key: part.text()}}
    if not part.tool_call_id:
        del response["id"]
    images = [] if isinstance(part.content, str) else [p for p in part.content if isinstance(p, ImagePart)]
    return [{"functionResponse": response}, *(encode_image(p) for p in images)]
