"""Databricks error answers → brickgate errors: one reading of the body and one status → error mapping for
both HTTP clients (auth/rest.py's REST calls and upstream.py's inference calls).

Only the hints differ, because the same status means different things to each caller (a 404 on the
endpoint listing is a wrong host; on inference, an endpoint the workspace does not serve).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from brickgate.errors import (
    CredentialsRejected,
    UpstreamBlocked,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamRejected,
    UpstreamUnavailable,
)
from brickgate.redact import redact


@dataclass(frozen=True, slots=True)
class Hints:
    """What to tell the user for each kind of error answer."""

    credentials: str
    not_found: str
    rate_limited: str
    unavailable: str
    rejected: str | None


INFERENCE_HINTS = Hints(
    credentials="Your token may have expired or lack access to this endpoint. Run `brickgate login` again.",
    not_found="Run `brickgate models --refresh` to see the endpoints this workspace serves.",
    rate_limited="Wait a moment and retry; pay-per-token endpoints have per-workspace limits "
    "(a provisioned-throughput endpoint raises them).",
    unavailable="This is on the server side; retry shortly. `brickgate doctor` checks each model.",
    rejected="The model refused this request as sent. If a brickgate repair should have fixed it, "
    "rerun with --debug and report the message.",
)
REST_HINTS = Hints(
    credentials="Check that these credentials may use this workspace, then `brickgate status`.",
    not_found="Check that the host is a Databricks workspace URL.",
    rate_limited="Wait a moment and try again.",
    unavailable="The workspace is having trouble; try again shortly.",
    rejected=None,
)


# A workspace policy refusing the request (research databricks-2026.md §3.2/§3.3: status and text of budget
# blocks UNCONFIRMED; guardrails: "Request blocked by input guardrail '<name>'.", api §2.10). Designed for a
# 4xx whose text names the policy; "budget_tokens" (Claude's thinking budget) is not a budget block.
_GUARDRAIL = re.compile(r"\bguardrails?\b", re.IGNORECASE)
_BUDGET = re.compile(r"\bbudgets?\b", re.IGNORECASE)
_BLOCKING = re.compile(r"\b(block|exhaust|exceed|reached|BLOCK_USAGE)", re.IGNORECASE)
BUDGET_HINT = (
    "An AI Gateway budget of this workspace blocks further requests (budgets count list-price dollars per "
    "user and month). Retrying will not help: ask a workspace admin to raise the budget, or wait until it "
    "resets."
)
INPUT_GUARDRAIL_HINT = (
    "An AI Gateway guardrail on this endpoint refused the request's content. Retrying the same request will "
    "not help: change the prompt, or ask a workspace admin which guardrail applies."
)
OUTPUT_GUARDRAIL_HINT = (
    "An AI Gateway guardrail on this endpoint refused the model's answer. Rephrase the request, or ask a "
    "workspace admin which guardrail applies."
)
# Databricks reserves max_tokens against the model's output tokens per minute before admitting a request
# (2026 §3.1); a limit above this is large enough that a 429 may be that reservation, not traffic.
LARGE_OUTPUT_LIMIT = 8_192
_OUTPUT_LIMIT_FIELDS = ("max_tokens", "max_completion_tokens", "max_output_tokens")


def policy_block(status: int, message: str) -> str | None:
    """``"budget"`` or ``"guardrail"`` when a 4xx answer says a workspace policy refused the request."""
    if not 400 <= status < 500:
        return None
    if _GUARDRAIL.search(message):
        return "guardrail"
    if _BUDGET.search(message) and _BLOCKING.search(message):
        return "budget"
    return None


def _blocked(message: str, reason: str, who: str, **kw: Any) -> UpstreamBlocked:
    status = kw["status"]
    if reason == "budget":
        return UpstreamBlocked(
            f"{who} blocked the request: a usage budget is exhausted (HTTP {status}): {message}",
            BUDGET_HINT,
            reason=reason,
            **kw,
        )
    output = message.lower().startswith("response blocked") or "output guardrail" in message.lower()
    return UpstreamBlocked(
        f"{who} blocked the {'answer' if output else 'request'} with a guardrail (HTTP {status}): {message}",
        OUTPUT_GUARDRAIL_HINT if output else INPUT_GUARDRAIL_HINT,
        reason=reason,
        **kw,
    )


def output_limit(body: Mapping[str, Any]) -> int | None:
    """The output-token limit a request body asks for (Chat, Responses or Messages spelling)."""
    for name in _OUTPUT_LIMIT_FIELDS:
        value = body.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def explain_reservation(error: UpstreamError, body: Mapping[str, Any]) -> None:
    """A 429 for a request with a large output limit: say that the limit itself may be what was refused."""
    limit = output_limit(body)
    if error.status != 429 or limit is None or limit <= LARGE_OUTPUT_LIMIT:
        return
    error.hint = (
        f"This request asks for up to {limit:,} output tokens (max_tokens). Databricks reserves that many "
        "against the model's output-tokens-per-minute limit before it admits a request, so a 429 that comes "
        "at once, even with nothing else running, means the reservation does not fit: lower max_tokens "
        "(for example to 8,192) and retry. Otherwise: " + (error.hint or "wait a moment and retry.")
    )


def parse_error_body(raw: bytes) -> tuple[str | None, str]:
    """(error_code, message) from any error shape Databricks uses: its own, Google's, Anthropic's,
    OpenAI's, or plain text."""
    text = raw.decode("utf-8", "replace").strip()
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError:
        if text.lstrip().lower().startswith(("<!doctype", "<html")):
            return None, "an HTML error page instead of a JSON error"
        return None, text[:500] or "(empty body)"
    if not isinstance(doc, dict):
        return None, text[:500]
    code = doc.get("error_code")
    message = doc.get("message")
    err = doc.get("error")
    if isinstance(err, dict):  # Google / OpenAI / Anthropic shapes
        code = code or err.get("status") or err.get("type") or err.get("code")
        message = message or err.get("message")
    elif isinstance(err, str):
        message = message or err
    message = str(message) if message is not None else text[:500]
    # Claude via Databricks nests a JSON document in `message`.
    if message.startswith("{"):
        try:
            inner = orjson.loads(message)
            if isinstance(inner, dict) and isinstance(inner.get("message"), str):
                message = inner["message"]
        except orjson.JSONDecodeError:
            pass
    return (str(code) if code is not None else None), message.strip()


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header in seconds; None when absent, an HTTP date (unconfirmed on Databricks) or
    not finite."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(0.0, seconds) if math.isfinite(seconds) else None


def error_from_response(
    status: int,
    raw: bytes,
    *,
    retry_after: str | None = None,
    who: str = "Databricks",
    hints: Hints = INFERENCE_HINTS,
) -> UpstreamError | CredentialsRejected:
    """The error for a non-2xx answer (``retry_after``: its Retry-After header); ``who`` answered it."""
    code, message = parse_error_body(raw)
    message = redact(message)
    body = redact(raw.decode("utf-8", "replace")[:2000])
    kw: dict[str, Any] = {"status": status, "error_code": code, "body": body, "detail": message}
    blocked = policy_block(status, message)
    if blocked is not None:  # before the credential check: a budget block may come as a 403
        return _blocked(message, blocked, who, **kw)
    if status in (401, 403) or (status == 400 and message.lower().rstrip(".") == "invalid token"):
        rejected = CredentialsRejected(
            f"{who} rejected the credentials (HTTP {status}): {message}", hints.credentials
        )
        rejected.status = status
        return rejected
    if status == 429:
        return UpstreamRateLimited(
            f"{who} rate limit hit (HTTP 429): {message}",
            hints.rate_limited,
            retry_after=retry_after_seconds(retry_after),
            **kw,
        )
    if status >= 500:
        return UpstreamUnavailable(
            f"{who} failed to serve the request (HTTP {status}): {message}", hints.unavailable, **kw
        )
    if status == 404:
        return UpstreamRejected(
            f"{who} does not know this endpoint or path (HTTP 404): {message}", hints.not_found, **kw
        )
    return UpstreamRejected(f"{who} rejected the request (HTTP {status}): {message}", hints.rejected, **kw)
