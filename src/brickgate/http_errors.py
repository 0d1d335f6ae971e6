"""Databricks error answers → brickgate errors: one reading of the body and one status → error mapping for
both HTTP clients (auth/rest.py's REST calls and upstream.py's inference calls).

Only the hints differ, because the same status means different things to each caller (a 404 on the
endpoint listing is a wrong host; on inference, an endpoint the workspace does not serve).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import orjson

from brickgate.errors import (
    CredentialsRejected,
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
    if status in (401, 403) or (status == 400 and message.lower().rstrip(".") == "invalid token"):
        return CredentialsRejected(
            f"{who} rejected the credentials (HTTP {status}): {message}", hints.credentials
        )
    body = redact(raw.decode("utf-8", "replace")[:2000])
    kw: dict[str, Any] = {"status": status, "error_code": code, "body": body, "detail": message}
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
