"""The Gemini API as Databricks relays it (research api §2.9, 2026 §6): `generateContent` and
`streamGenerateContent` on `/serving-endpoints/gemini/...` and `/ai-gateway/gemini/...`.

Bodies follow Google's public API (`contents[].parts[]` with `text`, `functionCall`, `functionResponse`;
`systemInstruction`; `tools[].functionDeclarations`; `generationConfig`), answers carry `candidates`,
`usageMetadata` and `modelVersion`. A function call part carries a `thoughtSignature` that Gemini 3 wants
back when the call is replayed (api §3.2); errors are Google-shaped (api §2.9). Streams are SSE with
`alt=sse` (one GenerateContentResponse per event, Google's `\\r\\n\\r\\n` framing — ASSUMPTION that Databricks
relays it unchanged), else one JSON array. Thoughts come back as `{"text", "thought": true}` parts when
`thinkingConfig.includeThoughts` is set (Google's shape; ASSUMPTION for Databricks).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from brickgate.emulator.error_bodies import google_error
from brickgate.emulator.script import Conversation, ToolOffer, split_in_chunks
from brickgate.emulator.turn import Turn, as_dict, as_list, signature_is_valid

MISSING_SIGNATURE = (  # Google's text (api §3.2), as on Chat Completions
    "Function call is missing a thought_signature in functionCall parts. This is required for tools to work "
    "correctly, and missing thought_signature may lead to degraded model performance. Additional data, "
    "function call `default_api:{name}` , position {position}. Please refer to "
    "https://ai.google.dev/gemini-api/docs/thought-signatures for more details."
)
INVALID_SIGNATURE = "Unable to submit request because Thought signature is not valid."  # ASSUMPTION
# generationConfig names of the sampling parameters a model may refuse
SAMPLING_FIELDS = {"temperature": "temperature", "topP": "top_p", "topK": "top_k", "stopSequences": "stop"}


def _parts(content: object) -> list[Mapping[str, Any]]:
    return [as_dict(p) for p in as_list(as_dict(content).get("parts"))]


def _text(parts: list[Mapping[str, Any]]) -> str:
    return "".join(str(p["text"]) for p in parts if isinstance(p.get("text"), str) and not p.get("thought"))


def _response_text(response: Mapping[str, Any]) -> str:
    for key in ("output", "content", "result"):
        if key in response:
            value = response[key]
            return value if isinstance(value, str) else json.dumps(value)
    return json.dumps(response)


def call_basis(name: object, args: object) -> str:
    """What a functionCall's thoughtSignature signs (the emulator's choice: name and arguments)."""
    return f"fc:{name}:{json.dumps(args, sort_keys=True)}"


def gemini_conversation(body: Mapping[str, Any]) -> Conversation:
    """The scripted model's view of a generateContent request."""
    contents = [as_dict(c) for c in as_list(body.get("contents"))]
    last = contents[-1] if contents else {}
    answers = [as_dict(p["functionResponse"]) for p in _parts(last) if "functionResponse" in p]
    tool_output = "\n".join(_response_text(as_dict(a.get("response"))) for a in answers) if answers else None
    user_text = next(
        (text for c in reversed(contents) if c.get("role", "user") == "user" and (text := _text(_parts(c)))),
        "",
    )
    tools = []
    for tool in as_list(body.get("tools")):
        for decl in map(as_dict, as_list(as_dict(tool).get("functionDeclarations"))):
            schema = decl.get("parameters") or decl.get("parametersJsonSchema")
            if decl.get("name"):
                tools.append(ToolOffer(str(decl["name"]), dict(as_dict(schema))))
    thinking = as_dict(as_dict(body.get("generationConfig")).get("thinkingConfig"))
    return Conversation(
        last_user_text=user_text,
        tool_output=tool_output,
        tools=tuple(tools),
        reasoning_enabled=thinking.get("includeThoughts") is True,
        input_chars=len(json.dumps(contents))
        + len(json.dumps(body.get("systemInstruction") or ""))
        + len(json.dumps(body.get("tools") or [])),
        prior_tool_calls=sum(1 for c in contents for p in _parts(c) if "functionCall" in p),
    )


def max_output_tokens(body: Mapping[str, Any]) -> object:
    return as_dict(body.get("generationConfig")).get("maxOutputTokens")


def sampling_fields(body: Mapping[str, Any]) -> list[str]:
    """The canonical names of the sampling parameters set in `generationConfig`."""
    config = as_dict(body.get("generationConfig"))
    return [canonical for name, canonical in SAMPLING_FIELDS.items() if name in config]


def check_gemini_request(body: Mapping[str, Any], key: bytes, *, signatures: bool) -> None:
    """Google's own refusals: no contents; Gemini 3 replayed function calls without their signature."""
    contents = [as_dict(c) for c in as_list(body.get("contents"))]
    if not contents:
        raise google_error("* GenerateContentRequest.contents: contents is not specified\n")
    if signatures:
        check_signatures(contents, key)


def check_signatures(contents: list[Mapping[str, Any]], key: bytes) -> None:
    """Gemini 3: in the current turn (ASSUMPTION: after the last user text), the first functionCall part of
    each model step must carry the signature we issued."""
    asks = [i for i, c in enumerate(contents) if c.get("role", "user") == "user" and _text(_parts(c))]
    start = asks[-1] if asks else 0
    for position, content in enumerate(contents[start:], start=start):
        calls = [p for p in _parts(content) if "functionCall" in p]
        if content.get("role") != "model" or not calls:
            continue
        first = calls[0]
        call = as_dict(first.get("functionCall"))
        signature = first.get("thoughtSignature")
        if not signature:
            raise google_error(MISSING_SIGNATURE.format(name=call.get("name", ""), position=position + 1))
        if not signature_is_valid(key, call_basis(call.get("name"), call.get("args", {})), signature):
            raise google_error(INVALID_SIGNATURE)


def _answer_parts(turn: Turn) -> list[dict[str, Any]]:
    reply = turn.reply
    parts: list[dict[str, Any]] = []
    if reply.reasoning:
        parts.append({"text": reply.reasoning, "thought": True})
    if reply.text:
        parts.append({"text": reply.text, "thoughtSignature": turn.sign(reply.text)})
    if reply.tool_call is not None:
        args = json.loads(reply.tool_call.arguments)
        call = {"name": reply.tool_call.name, "args": args}
        parts.append({"functionCall": call, "thoughtSignature": turn.sign(call_basis(call["name"], args))})
    return parts or [{"text": ""}]


def _usage(turn: Turn) -> dict[str, Any]:
    thoughts = len(turn.reply.reasoning) // 4
    usage = {
        "promptTokenCount": turn.reply.input_tokens,
        "candidatesTokenCount": turn.reply.output_tokens - thoughts,
        "totalTokenCount": turn.reply.input_tokens + turn.reply.output_tokens,
    }
    if thoughts:
        usage["thoughtsTokenCount"] = thoughts
    return usage


def _chunk(turn: Turn, parts: list[dict[str, Any]], *, final: bool) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
    if final:
        candidate["finishReason"] = "MAX_TOKENS" if turn.reply.truncated else "STOP"
    prompt = turn.reply.input_tokens
    usage = _usage(turn) if final else {"promptTokenCount": prompt, "totalTokenCount": prompt}
    return {
        "candidates": [candidate],
        "usageMetadata": usage,
        "modelVersion": turn.model,
        "responseId": turn.reply.seed,
    }


def render_generate(turn: Turn) -> dict[str, Any]:
    """A non-streaming GenerateContentResponse."""
    return _chunk(turn, _answer_parts(turn), final=True)


def stream_chunks(turn: Turn) -> list[dict[str, Any]]:
    """Text in small pieces (the signature on the last one), a function call whole, usage on the last."""
    chunks: list[list[dict[str, Any]]] = []
    for part in _answer_parts(turn):
        text = part.get("text")
        if not text:
            chunks.append([part])
            continue
        unsigned = {k: v for k, v in part.items() if k != "thoughtSignature"}
        pieces = split_in_chunks(text)
        for i, piece in enumerate(pieces):
            chunks.append([{**(part if i == len(pieces) - 1 else unsigned), "text": piece}])
    return [_chunk(turn, parts, final=i == len(chunks) - 1) for i, parts in enumerate(chunks)]


def render_generate_sse(turn: Turn) -> list[bytes]:
    return [
        b"data: " + json.dumps(c, separators=(",", ":")).encode() + b"\r\n\r\n" for c in stream_chunks(turn)
    ]
