"""The documented upstream rejections, with their exact statuses and texts (research §2.10, §3).

Each check raises `UpstreamError` carrying the response Databricks sends. Texts marked ASSUMPTION are
not confirmed by the research; they are realistic choices, documented in the emulator README.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any

from brickgate.emulator.behaviours import ANTHROPIC, CHAT, GEMINI, RESPONSES, Behaviour
from brickgate.emulator.error_bodies import bad_request, google_error, wrapped_provider_error
from brickgate.emulator.gemini_api import INVALID_SIGNATURE, MISSING_SIGNATURE, check_gemini_request
from brickgate.emulator.turn import as_dict, as_list, signature_is_valid
from brickgate.emulator.workspace import Endpoint

# research §2.4: the documented chat request fields; strict (Go) decoders reject anything else
CHAT_FIELDS = frozenset(
    {
        "model",
        "messages",
        "max_tokens",
        "temperature",
        "top_p",
        "top_k",
        "stop",
        "n",
        "stream",
        "tools",
        "tool_choice",
        "response_format",
        "logprobs",
        "top_logprobs",
        "reasoning_effort",
        "extra_params",
        "usage_context",
        "client_request_id",
        "service_tier",  # 2026 §4.1: the priority-tier opt-in, a documented body field
    }
)
EMPTY_TEXT = "messages: text content blocks must be non-empty"
MULTIPLE_SYSTEM = (  # ASSUMPTION: Gemini takes one system instruction
    "Invalid JSON payload received. Multiple system messages are not supported: only one system instruction "
    "can be set, at the start of the conversation."
)
REF_WITH_SIBLINGS = (
    "Schema.ref '{ref}' was set alongside unsupported fields. If a schema node has Schema.ref set, then only "
    "description and default can be set alongside it"
)
UNANSWERED_TOOL_USE = (  # Anthropic's wording
    "messages.{index}: `tool_use` ids were found without `tool_result` blocks immediately after: {ids}. "
    "Each `tool_use` block must have a corresponding `tool_result` block in the next message."
)
UNEXPECTED_TOOL_RESULT = (  # Anthropic's wording
    "messages.{index}.content.0: unexpected `tool_use_id` found in `tool_result` blocks: {id}. "
    "Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
)
_REF_SIBLINGS_OK = frozenset({"$ref", "description", "default"})


def _has_empty_text(content: object) -> bool:
    """Exactly empty only: Databricks' own client fix sends " " for tool-call turns, so whitespace passes."""
    if content == "":
        return True
    return any(as_dict(p).get("type") == "text" and as_dict(p).get("text") == "" for p in as_list(content))


def _check_claude_chat(messages: list[Mapping[str, Any]]) -> None:
    for message in messages:
        if message.get("role") != "tool" and _has_empty_text(message.get("content")):
            raise wrapped_provider_error(EMPTY_TEXT)


def _check_strict_fields(body: Mapping[str, Any]) -> None:
    for name in body:
        if name not in CHAT_FIELDS:
            raise bad_request(f'Bad request: json: unknown field "{name}"')


def _check_single_tool_call(messages: list[Mapping[str, Any]]) -> None:
    for message in messages:
        if message.get("role") == "assistant" and len(as_list(message.get("tool_calls"))) >= 2:
            raise bad_request("Multiple tool calls are not supported.\n")


def _schema_ref_with_siblings(node: object) -> str | None:
    """The referenced name of the first `$ref` node carrying fields other than description/default."""
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str) and set(node) - _REF_SIBLINGS_OK:
            return ref.rsplit("/", 1)[-1]
        children: list[Any] = list(node.values())
    elif isinstance(node, list):
        children = node
    else:
        return None
    return next((name for child in children if (name := _schema_ref_with_siblings(child)) is not None), None)


def _schema_union(node: object, where: str) -> str | None:
    """The refusal for the first `anyOf`, union `type` list or typeless array `items` in a schema (api §3.3:
    Gemini rejects them; the texts are Google's protobuf-JSON wording, ASSUMPTION)."""
    if isinstance(node, list):
        return next((m for i, n in enumerate(node) if (m := _schema_union(n, f"{where}[{i}]"))), None)
    if not isinstance(node, Mapping):
        return None
    invalid = "Invalid JSON payload received."
    if "anyOf" in node:
        return f"{invalid} Unknown name \"anyOf\" at '{where}': Cannot find field."
    if isinstance(node.get("type"), list):
        return f"{invalid} Proto field is not repeating, cannot start list at '{where}.type'."
    if node.get("type") == "array" and "type" not in as_dict(node.get("items")):
        return f"* GenerateContentRequest.{where}.items: missing field.\n"
    children = (_schema_union(v, f"{where}.{k}") for k, v in node.items() if isinstance(v, (Mapping, list)))
    return next((m for m in children if m), None)


def _check_gemini_tools(body: Mapping[str, Any], *, unions: bool) -> None:
    for index, tool in enumerate(as_list(body.get("tools"))):
        params = as_dict(as_dict(as_dict(tool).get("function")).get("parameters"))
        where = f"tools[0].function_declarations[{index}].parameters"
        if "$schema" in params:
            raise google_error(
                f"Invalid JSON payload received. Unknown name \"$schema\" at '{where}': Cannot find field.",
                field=f"{where}.$schema",
            )
        ref = _schema_ref_with_siblings(params)
        if ref is not None:
            raise google_error(REF_WITH_SIBLINGS.format(ref=ref))
        refusal = _schema_union(params, where) if unions else None
        if refusal is not None:
            raise google_error(refusal)


def _replayed_signatures(message: Mapping[str, Any]) -> list[object]:
    return [as_dict(p).get("thoughtSignature") for p in as_list(message.get("content"))]


def _check_thought_signatures(messages: list[Mapping[str, Any]], key: bytes) -> None:
    """Gemini 3: the first tool call of every replayed assistant turn needs the signature we issued, on
    the call (`tool_calls[i].thoughtSignature`) or on a content part (`content[j].thoughtSignature`)."""
    for position, message in enumerate(messages):
        calls = [as_dict(c) for c in as_list(message.get("tool_calls"))]
        if message.get("role") != "assistant" or not calls:
            continue
        first = calls[0]
        call_id = re.sub(r"^call_", "", str(first.get("id", "")))
        offered = [first.get("thoughtSignature"), *_replayed_signatures(message)]
        offered = [s for s in offered if s]
        if not offered:
            name = as_dict(first.get("function")).get("name", "")
            raise google_error(MISSING_SIGNATURE.format(name=name, position=position + 1))
        if not any(signature_is_valid(key, call_id, s) for s in offered):
            raise google_error(INVALID_SIGNATURE)


def _check_gemini_chat(
    body: Mapping[str, Any], messages: list[Mapping[str, Any]], key: bytes, behaviour: Behaviour
) -> None:
    if "stream_options" in body:
        raise google_error(
            "Invalid JSON payload received. Unknown name \"stream_options\" at 'generation_config': "
            "Cannot find field.",
            field="generation_config.stream_options",
        )
    # issue 13: a `developer` message is a system instruction too (ASSUMPTION: on the 2026 Gemini rows)
    system_roles = ("system", "developer") if behaviour.developer_is_system else ("system",)
    if sum(1 for m in messages if m.get("role") in system_roles) > 1:
        raise google_error(MULTIPLE_SYSTEM)
    _check_gemini_tools(body, unions=behaviour.rejects_schema_unions)
    if behaviour.needs_thought_signature:
        _check_thought_signatures(messages, key)


def check_chat(endpoint: Endpoint, body: Mapping[str, Any], signing_key: bytes) -> None:
    """Chat Completions (and invocations) rejections for this endpoint's behaviour."""
    behaviour = endpoint.behaviour
    messages = [as_dict(m) for m in as_list(body.get("messages"))]
    if not messages:
        raise bad_request("Bad request: messages must be a non-empty list")
    if behaviour.strict_fields:
        _check_strict_fields(body)
    if behaviour.claude:
        _check_claude_chat(messages)
    if behaviour.gemini:
        _check_gemini_chat(body, messages, signing_key, behaviour)
    if behaviour.single_tool_call:
        _check_single_tool_call(messages)


def _tool_ids(message: Mapping[str, Any], kind: str, key: str) -> list[str]:
    return [
        str(as_dict(b).get(key)) for b in as_list(message.get("content")) if as_dict(b).get("type") == kind
    ]


def _check_tool_pairing(messages: list[tuple[int, Mapping[str, Any]]]) -> None:
    """Anthropic: each tool_use is answered in the next message; each tool_result answers the previous one."""
    for (index, message), (next_index, following) in itertools.pairwise(messages):
        uses = _tool_ids(message, "tool_use", "id") if message.get("role") == "assistant" else []
        results = (
            _tool_ids(following, "tool_result", "tool_use_id") if following.get("role") == "user" else []
        )
        missing = [u for u in uses if u not in results]
        if missing:
            raise wrapped_provider_error(UNANSWERED_TOOL_USE.format(index=index, ids=", ".join(missing)))
        unexpected = [r for r in results if r not in uses]
        if unexpected:
            raise wrapped_provider_error(UNEXPECTED_TOOL_RESULT.format(index=next_index, id=unexpected[0]))


def check_messages(endpoint: Endpoint, body: Mapping[str, Any]) -> None:
    """Anthropic Messages rejections (Claude's wording; GLM and Kimi share the checks, ASSUMPTION)."""
    messages = [(i, as_dict(m)) for i, m in enumerate(as_list(body.get("messages")))]
    if not messages:
        raise wrapped_provider_error("messages: at least one message is required")
    if any(_has_empty_text(m.get("content")) for _, m in messages) or _has_empty_text(body.get("system")):
        raise wrapped_provider_error(EMPTY_TEXT)
    _check_tool_pairing([(i, m) for i, m in messages if m.get("role") != "system"])


def check_responses(body: Mapping[str, Any]) -> None:
    """Responses rejections: replayed ids over 64 chars (§3.7) and options Databricks does not serve."""
    for index, item in enumerate(as_list(body.get("input"))):
        item_id = as_dict(item).get("id")
        if isinstance(item_id, str) and len(item_id) > 64:
            raise bad_request(  # OpenAI's wording for the documented rejection
                f"Invalid 'input[{index}].id': string too long. Expected a string with maximum length 64, "
                f"but got a string with length {len(item_id)} instead."
            )
    # ASSUMPTION: the four refusals below are realistic choices; research lists these options as ones to drop
    if "reasoning.encrypted_content" in as_list(body.get("include")):
        raise bad_request(
            "Unsupported parameter: 'include' value 'reasoning.encrypted_content' is not supported."
        )
    if "summary" in as_dict(body.get("reasoning")):
        raise bad_request("Unsupported parameter: 'reasoning.summary' is not supported.")
    if body.get("previous_response_id"):
        raise bad_request(
            "Unsupported parameter: 'previous_response_id' is not supported. Send the full input."
        )
    if body.get("store") is True:
        raise bad_request("Unsupported parameter: 'store' must be false; responses are not stored.")


def check_request(wire: str, endpoint: Endpoint, body: Mapping[str, Any], signing_key: bytes) -> None:
    """Every wire-level rejection for one request, in the order the upstream would notice them."""
    if wire == CHAT:
        check_chat(endpoint, body, signing_key)
    elif wire == ANTHROPIC:
        check_messages(endpoint, body)
    elif wire == RESPONSES:
        check_responses(body)
    elif wire == GEMINI:
        check_gemini_request(body, signing_key, signatures=endpoint.behaviour.needs_thought_signature)
