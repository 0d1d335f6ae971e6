"""Gemini 3 thought signatures on replayed tool calls.

Upstream fact (research/databricks-api.md §3.2): Gemini 3 requires the thought signature to be sent back on
function calls, else 400 ``Function call is missing a thought_signature in functionCall parts``
[issue: goose #5792/#6013]; via Databricks Chat Completions it comes back in ``content[].thoughtSignature``
[issue: goose #7997, PR #8042]. Which field Databricks reads on a *replayed* tool call is unconfirmed, so the
signature is written to both candidates: the tool call object (``tool_calls[i].thoughtSignature``, goose
style) and an assistant content-array part (``{"type": "text", "text": "", "thoughtSignature": ...}``, the
shape Gemini itself emits for a signature-only part).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from brickgate.quirks.copy_on_change import map_items
from brickgate.quirks.memory import RepairMemory, SignatureStore

JSON = dict[str, Any]


def _call_signature(call: Any, remembered: SignatureStore) -> str | None:
    """The signature a tool call carries under any of the names clients and SDKs use."""
    if not isinstance(call, dict):
        return None
    for key in ("thoughtSignature", "thought_signature"):
        if isinstance(call.get(key), str) and call[key]:
            return str(call[key])
    google = (
        (call.get("extra_content") or {}).get("google")
        if isinstance(call.get("extra_content"), dict)
        else None
    )
    sig = google.get("thought_signature") if isinstance(google, dict) else None
    if isinstance(sig, str) and sig:
        return sig
    # Agents replay plain strings; the signature was remembered when the answer passed through.
    call_id = call.get("id")
    return remembered.get(call_id) if isinstance(call_id, str) else None


def _content_signatures(content: Any) -> list[str]:
    if not isinstance(content, list):
        return []
    return [p["thoughtSignature"] for p in content if isinstance(p, dict) and p.get("thoughtSignature")]


def _content_with(content: Any, missing: list[str]) -> list[Any]:
    parts: list[Any] = list(content) if isinstance(content, list) else []
    if isinstance(content, str) and content:
        parts.append({"type": "text", "text": content})
    parts.extend({"type": "text", "text": "", "thoughtSignature": sig} for sig in missing)
    return parts


def _signed_turn(message: JSON, remembered: SignatureStore) -> JSON | None:
    calls: list[Any] = message["tool_calls"]
    signatures = [_call_signature(c, remembered) for c in calls]
    in_content = _content_signatures(message.get("content"))
    if not any(signatures) and in_content:
        signatures[0] = in_content[0]  # Gemini signs the first function call of a step
    new_calls = [
        {**c, "thoughtSignature": sig} if sig and c.get("thoughtSignature") != sig else c
        for c, sig in zip(calls, signatures, strict=True)
    ]
    missing = [s for s in dict.fromkeys(signatures) if s and s not in in_content]
    if not missing and all(a is b for a, b in zip(new_calls, calls, strict=True)):
        return None
    fixed = {**message, "tool_calls": new_calls}
    if missing:
        fixed["content"] = _content_with(message.get("content"), missing)
    return fixed


def attach_thought_signatures(body: JSON, memory: RepairMemory) -> JSON:
    """Every replayed assistant tool call carries its thought signature on the call and in the content array.

    Prevents ``Function call is missing a thought_signature in functionCall parts`` (Gemini 3, §3.2) whatever
    field Databricks reads. A call the agent replayed without one gets the signature ``memory`` kept from
    the answer that made it; calls with no known signature are left alone (a made-up one is rejected).
    """
    return map_items(body, "messages", partial(_signed_if_tool_turn, remembered=memory.signatures))


def _signed_if_tool_turn(message: Any, remembered: SignatureStore) -> JSON | None:
    if not isinstance(message, dict) or message.get("role") != "assistant":
        return None
    if not isinstance(message.get("tool_calls"), list) or not message["tool_calls"]:
        return None
    return _signed_turn(message, remembered)
