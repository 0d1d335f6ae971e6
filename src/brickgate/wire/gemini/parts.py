"""Gemini ``Part`` objects ↔ canonical parts, shared by the request codec and both stream directions.

A Gemini part holds one of ``text`` (``thought: true`` marks reasoning), ``inlineData``, ``fileData``,
``functionCall``, ``functionResponse``, ``executableCode`` or ``codeExecutionResult``, and may carry a
``thoughtSignature`` (Gemini 3 wants it back on the first function call of a step, research api §3.2),
kept in ``provider_data["thoughtSignature"]`` as wire/__init__.py lays down.

Google's JSON parser takes every field in lowerCamelCase or in its proto snake_case (LiteLLM and other
REST clients send ``function_call``, ``inline_data``, ``system_instruction``), so reads go through
``pick``, which tries both; what brickgate writes is lowerCamelCase, as Google's own SDKs send it.
"""

from __future__ import annotations

import functools
import mimetypes
import re
from collections.abc import Mapping
from typing import Any

from brickgate.protocol import ImagePart, Part, ReasoningPart, TextPart, ToolCallPart
from brickgate.wire.fields import JSONObject, arguments_object, dumps, mapping, text_of

SIGNATURE = "thoughtSignature"
_UPPER = re.compile(r"(?<!^)(?=[A-Z])")


@functools.cache
def snake(name: str) -> str:
    """``maxOutputTokens`` → ``max_output_tokens``: the proto name Google also accepts."""
    return _UPPER.sub("_", name).lower()


def pick(obj: Mapping[str, Any], name: str) -> Any:
    """Field ``name`` (lowerCamelCase) of a Gemini object, in either spelling Google accepts."""
    value = obj.get(name)
    return obj.get(snake(name)) if value is None else value


def signature_of(raw: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """A part's thought signature as ``provider_data``, or None."""
    signature = pick(raw, SIGNATURE)
    return {SIGNATURE: signature} if isinstance(signature, str) and signature else None


def with_signature(part: JSONObject, provider_data: Mapping[str, Any] | None) -> JSONObject:
    """``part`` with the thought signature ``provider_data`` carries (if any) beside its content."""
    signature = (provider_data or {}).get(SIGNATURE)
    if isinstance(signature, str) and signature:
        part[SIGNATURE] = signature
    return part


# ---------------------------------------------------------------- Gemini → canonical


def decode_media(raw: Mapping[str, Any]) -> ImagePart | None:
    """``inlineData`` / ``fileData`` as an image, or None when the part is neither (or not an image)."""
    inline = pick(raw, "inlineData")
    if isinstance(inline, dict):
        media = text_of(pick(inline, "mimeType"))
        if not _image(media):
            return None
        return ImagePart(data_base64=text_of(inline.get("data")), media_type=media or None)
    file = pick(raw, "fileData")
    if isinstance(file, dict):
        media = text_of(pick(file, "mimeType"))
        return ImagePart(url=text_of(pick(file, "fileUri"))) if _image(media) else None
    return None


def _image(media_type: str) -> bool:
    return not media_type or media_type.startswith("image/")


def code_text(raw: Mapping[str, Any]) -> str | None:
    """Code execution parts (Gemini's own server tool) as the text they show, for other APIs."""
    code = pick(raw, "executableCode")
    if isinstance(code, dict):
        return f"```{text_of(code.get('language')).lower()}\n{text_of(code.get('code'))}\n```"
    result = pick(raw, "codeExecutionResult")
    if isinstance(result, dict):
        return text_of(result.get("output"))
    return None


def decode_text(raw: Mapping[str, Any]) -> TextPart | ReasoningPart | None:
    """A text or thought part (a signature-only part is text ""), or None for other kinds of part."""
    text = raw.get("text")
    if text is None and (text := code_text(raw)) is None:
        if len(raw) != 1 or signature_of(raw) is None:  # the signature alone: Gemini 3's closing part
            return None
        text = ""
    pd = signature_of(raw)
    if raw.get("thought") is True:
        return ReasoningPart(text=text_of(text), provider_data=pd)
    return TextPart(text=text_of(text), provider_data=pd)


def call_arguments(call: Mapping[str, Any]) -> str:
    """A ``functionCall``'s ``args`` object as the JSON arguments text the canonical model holds."""
    args = call.get("args")
    return dumps(args if isinstance(args, dict) else {})


# ---------------------------------------------------------------- canonical → Gemini


def encode_image(part: ImagePart) -> JSONObject:
    """Inline data (including ``data:`` URLs) as ``inlineData``; a URL as ``fileData``."""
    if part.data_base64 is not None:
        return {"inlineData": {"mimeType": part.media_type or "image/png", "data": part.data_base64}}
    url = part.url or ""
    if url.startswith("data:") and ";base64," in url:
        header, data = url[5:].split(";base64,", 1)
        return {"inlineData": {"mimeType": header or "image/png", "data": data}}
    media = part.media_type or mimetypes.guess_type(url)[0] or "image/png"
    return {"fileData": {"mimeType": media, "fileUri": url}}


def call_part(call_id: str, name: str, arguments: str, provider_data: Mapping[str, Any] | None) -> JSONObject:
    """A ``functionCall`` part with its id (Gemini CLI sends ids in its history, and pairs its function
    responses by them) and thought signature."""
    call: JSONObject = {"id": call_id} if call_id else {}
    call.update(name=name, args=arguments_object(arguments))
    return with_signature({"functionCall": call}, provider_data)


def encode_part(part: Part) -> JSONObject | None:
    """A text, thought, image or function-call part; None for what Gemini has no slot for (unsigned
    or foreign reasoning: wire/__init__.py)."""
    if isinstance(part, TextPart):
        return with_signature({"text": part.text}, part.provider_data)
    if isinstance(part, ImagePart):
        return encode_image(part)
    if isinstance(part, ToolCallPart):
        return call_part(part.id, part.name, part.arguments, part.provider_data)
    if isinstance(part, ReasoningPart) and signature_of(mapping(part.provider_data)) is not None:
        return with_signature({"text": part.text, "thought": True}, part.provider_data)
    return None
