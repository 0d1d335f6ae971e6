"""Per-model refusals of the current line-up (research databricks-2026.md §1.4, §1.5, §3.1), whatever API
the request came through. Exact texts where the research has them; every other text is an ASSUMPTION in the
refusing model's own style (Claude's, OpenAI's, Google's, or the "Upstream error" wrapper seen on Kimi K3).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from brickgate.emulator.behaviours import ANTHROPIC, CHAT, GEMINI, RESPONSES
from brickgate.emulator.error_bodies import (
    UpstreamError,
    bad_request,
    databricks_error,
    google_error,
    wrapped_provider_error,
)
from brickgate.emulator.gemini_api import max_output_tokens, sampling_fields
from brickgate.emulator.turn import as_dict, as_list
from brickgate.emulator.workspace import Endpoint

KIMI_TOOL_NAME = (  # 2026 §1.5, find_string id 69386333278 (the inner message, verbatim)
    "Upstream error: INVALID_ARGUMENT: Kimi K3 tool messages need a resolvable tool name: carry "
    "`tool`/`name`, or match a preceding assistant tool_call by order."
)
THINKING_BUDGET = "`max_tokens` must be greater than `thinking.budget_tokens`"  # 2026 §1.4 [KAS]
CLAUDE_EFFORT = "reasoning_effort: Extra inputs are not permitted"  # 2026 §1.4 [KAS]
SAMPLING = ("temperature", "top_p", "top_k", "frequency_penalty", "presence_penalty", "stop", "logprobs", "n")
_STYLES = {"claude": "claude", "gpt": "openai", "codex": "openai", "gemini": "google", "grok": "xai"}
_SERVER_TOOLS = ("web_search_", "web_fetch_", "code_execution_")  # 2026 §1.5 [LLc]


def _refusal(endpoint: Endpoint, message_by_style: dict[str, str]) -> UpstreamError:
    """The refusal in the model's own style; `message_by_style` maps style → text (key "any" = fallback)."""
    style = _STYLES.get(endpoint.behaviour.family, "upstream")
    text = message_by_style.get(style, message_by_style["any"])
    if style == "google":
        return google_error(text)
    if style == "upstream":  # the Kimi K3 wrapper: {"error": "Upstream error: INVALID_ARGUMENT: ..."}
        return _upstream_error(f"Upstream error: INVALID_ARGUMENT: {text}")
    return bad_request(text)


def _upstream_error(text: str) -> UpstreamError:
    return bad_request(json.dumps({"error": text}, separators=(",", ":")))


def _sampling_refusal(endpoint: Endpoint, param: str) -> UpstreamError:
    return _refusal(
        endpoint,
        {
            # documented for temperature ([KAS]; api §2.10); ASSUMPTION: the same words for other params
            "claude": f"Model {endpoint.provider_id} does not support the {param} parameter.",
            "openai": f"Unsupported parameter: '{param}' is not supported with this model.",  # ASSUMPTION
            "xai": f"Model {endpoint.upstream_model} does not support parameter {param}.",  # ASSUMPTION
            "any": f"{endpoint.behaviour.family} models do not support the {param} parameter.",  # ASSUMPTION
        },
    )


def present_sampling(wire: str, body: Mapping[str, Any]) -> list[str]:
    if wire == GEMINI:
        return sampling_fields(body)
    return [name for name in SAMPLING if body.get(name) is not None]


def check_sampling(endpoint: Endpoint, wire: str, body: Mapping[str, Any]) -> None:
    """2026 §1.5: sampling parameters the new models refuse (any value, ASSUMPTION: defaults included)."""
    for param in present_sampling(wire, body):
        if param in endpoint.behaviour.refused_params:
            raise _sampling_refusal(endpoint, param)


def requested_effort(wire: str, body: Mapping[str, Any]) -> object:
    if wire == CHAT:
        return body.get("reasoning_effort")
    if wire == RESPONSES:
        return as_dict(body.get("reasoning")).get("effort")
    return None


def check_effort(endpoint: Endpoint, wire: str, body: Mapping[str, Any]) -> None:
    """Claude on Chat refuses `reasoning_effort` outright; others accept only their own effort values."""
    behaviour = endpoint.behaviour
    effort = requested_effort(wire, body)
    if effort is None:
        return
    if behaviour.claude and wire == CHAT:
        raise wrapped_provider_error(CLAUDE_EFFORT)
    if behaviour.efforts is None or effort in behaviour.efforts:
        return
    allowed = ", ".join(f"'{e}'" for e in behaviour.efforts)
    raise _refusal(  # every text ASSUMPTION; the refused values are 2026 §1.4
        endpoint,
        {
            "openai": f"Invalid value: '{effort}'. Supported values are: {allowed}.",
            "google": f"Invalid value for reasoning_effort: '{effort}' is not supported by this model. "
            f"Use one of {allowed}.",
            "any": f"reasoning_effort '{effort}' is not supported by this model; use one of {allowed}.",
        },
    )


def check_thinking(endpoint: Endpoint, wire: str, body: Mapping[str, Any]) -> None:
    """Anthropic-style `thinking`: Claude's budget rule, adaptive-only Claude, Gemini's refusal on chat."""
    thinking = body.get("thinking")
    if thinking is None or wire not in (CHAT, ANTHROPIC):
        return
    behaviour = endpoint.behaviour
    if behaviour.gemini:  # 2026 §1.4 [KAS]: 400 "Invalid JSON payload"; the rest of the text is Google's
        raise google_error('Invalid JSON payload received. Unknown name "thinking": Cannot find field.')
    spec = as_dict(thinking)
    if not behaviour.claude or spec.get("type") != "enabled":
        return
    if behaviour.manual_thinking_refused:  # api §3.9: adaptive-only Claude refuses budgets; text ASSUMPTION
        raise wrapped_provider_error(
            "thinking.type: 'enabled' is not supported for this model. "
            "Use thinking.type 'adaptive' with output_config.effort."
        )
    budget, limit = spec.get("budget_tokens"), body.get("max_tokens")
    if isinstance(budget, int) and isinstance(limit, int) and limit <= budget:
        raise wrapped_provider_error(THINKING_BUDGET)


def output_limit(wire: str, body: Mapping[str, Any]) -> object:
    """The request's output-token limit, in each API's own field."""
    if wire == RESPONSES:
        return body.get("max_output_tokens")
    if wire == GEMINI:
        return max_output_tokens(body)
    limit = body.get("max_tokens")
    return body.get("max_completion_tokens") if limit is None and wire == CHAT else limit


def check_admission(endpoint: Endpoint, limit: object) -> None:
    """The output-token limit: too large for the model → 400 (ASSUMPTION text; GLM's 25,000 cap is [UG]);
    larger than the model's OTPM → an immediate 429 (2026 §3.1 pre-admission reservation; text ASSUMPTION)."""
    if limit is None:
        return
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise bad_request(f"Bad request: max_tokens must be a positive integer, got {json.dumps(limit)}.")
    cap = endpoint.output_cap
    if cap is not None and limit > cap:
        raise bad_request(
            f"Bad request: max_tokens is too large: {limit}. This model supports at most {cap} output tokens."
        )
    if limit > endpoint.otpm:
        raise UpstreamError(
            databricks_error(
                429,
                "REQUEST_LIMIT_EXCEEDED",
                f"Exceeded workspace output tokens per minute rate limit for {endpoint.name}: max_tokens "
                f"{limit} cannot be reserved within the limit of {endpoint.otpm} output tokens per minute.",
            )
        )


def _tool_name_resolvable(messages: list[Mapping[str, Any]], index: int) -> bool:
    """A tool message names its tool, or is the k-th of the tool messages right after an assistant message
    with at least k tool calls (the error text's "match a preceding assistant tool_call by order")."""
    message = messages[index]
    if message.get("name") or message.get("tool"):
        return True
    start = index
    while start > 0 and messages[start - 1].get("role") == "tool":
        start -= 1
    if start == 0 or messages[start - 1].get("role") != "assistant":
        return False
    return index - start < len(as_list(messages[start - 1].get("tool_calls")))


def check_kimi_tools(endpoint: Endpoint, wire: str, body: Mapping[str, Any]) -> None:
    """2026 §1.5: Kimi K3 refuses a tool message whose tool it cannot name (Chat; ASSUMPTION: only Chat)."""
    if not endpoint.behaviour.kimi_tools or wire != CHAT:
        return
    messages = [as_dict(m) for m in as_list(body.get("messages"))]
    for index, message in enumerate(messages):
        if message.get("role") == "tool" and not _tool_name_resolvable(messages, index):
            raise _upstream_error(KIMI_TOOL_NAME)


def check_claude_messages(endpoint: Endpoint, wire: str, body: Mapping[str, Any]) -> None:
    """2026 §1.5 [LLc]: Databricks refuses `container` and the server tools it does not run (texts
    ASSUMPTION)."""
    if not endpoint.behaviour.claude or wire != ANTHROPIC:
        return
    if "container" in body:
        raise wrapped_provider_error("container: Extra inputs are not permitted")
    for index, tool in enumerate(as_list(body.get("tools"))):
        kind = str(as_dict(tool).get("type", ""))
        if kind.startswith(_SERVER_TOOLS):
            raise wrapped_provider_error(
                f"tools.{index}: server tool '{kind}' is not supported on Databricks."
            )


def check_output_kind(endpoint: Endpoint, body: Mapping[str, Any]) -> None:
    """ASSUMPTION: an image-output model takes no tools (2026 §1.2: "not for coding agents")."""
    if endpoint.behaviour.image_output and body.get("tools"):
        raise bad_request(f"Model {endpoint.name} generates images and does not support tools.")


def check_model(endpoint: Endpoint, wire: str, body: Mapping[str, Any]) -> None:
    """Every per-model refusal, cheapest first."""
    check_admission(endpoint, output_limit(wire, body))
    check_sampling(endpoint, wire, body)
    check_effort(endpoint, wire, body)
    check_thinking(endpoint, wire, body)
    check_kimi_tools(endpoint, wire, body)
    check_claude_messages(endpoint, wire, body)
    check_output_kind(endpoint, body)


def served_tier(endpoint: Endpoint, body: Mapping[str, Any]) -> str | None:
    """2026 §4.1: `service_tier: "priority"` is served at priority where the model has a priority price;
    ASSUMPTION: elsewhere (or for any other value) it falls back to, and reports, "default"."""
    requested = body.get("service_tier")
    if requested is None:
        return None
    return "priority" if requested == "priority" and endpoint.priority else "default"
