"""Errors in the caller's own API: status, JSON body and mid-stream error events for each inbound API.

OpenAI (Chat, Responses): ``{"error": {"message", "type", "param", "code"}}``.
Anthropic Messages: ``{"type": "error", "error": {"type", "message"}}``.
Gemini (Google): ``{"error": {"code", "message", "status", "details"}}`` (research databricks-api.md §2.9),
``status`` the google.rpc code name for the HTTP status, and brickgate's machine code in an ErrorInfo.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import orjson

from brickgate.errors import (
    AuthError,
    BrickgateError,
    ConfigError,
    CredentialsRejected,
    HostUnreachable,
    InvalidRequest,
    ModelNotFound,
    StreamInterrupted,
    UpstreamBlocked,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from brickgate.redact import redact
from brickgate.wire.contract import Api
from brickgate.wire.sse import encode_sse

_ANTHROPIC_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    503: "overloaded_error",
    529: "overloaded_error",
}
_OPENAI_TYPES = {401: "authentication_error", 403: "permission_error", 429: "rate_limit_error"}
# google.rpc.Code names by HTTP status (Google's AIP-193 mapping; 405/413/415/502 have no code of their own)
_GOOGLE_STATUSES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "UNIMPLEMENTED",
    409: "ABORTED",
    413: "INVALID_ARGUMENT",
    415: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

TOO_DEEP = (
    "Malformed request: the body is nested too deeply (arrays and objects more than about 250 levels "
    "inside each other) for brickgate to read and re-encode it. Flatten the deepest value (a tool schema, "
    "a tool input or a metadata field) and send it again."
)


def _too_deep(exc: BaseException) -> bool:
    """A body deeper than orjson re-encodes (254 levels) or than a recursive walk of it reaches."""
    if isinstance(exc, RecursionError):
        return True
    return isinstance(exc, orjson.JSONEncodeError) and "Recursion limit" in str(exc)


@dataclass(frozen=True, slots=True)
class GatewayError:
    """One error as the gateway answers it: HTTP status, a message for people, a machine code."""

    status: int
    message: str
    code: str | None = None
    retry_after: float | None = None
    trace_id: str | None = None  # set for brickgate's own failures: the log line to look for

    @classmethod
    def of(cls, exc: BaseException) -> GatewayError:
        """Map any exception to a status and a redacted message that includes the hint.

        Only brickgate's errors say what went wrong; anything else is a bug in the gateway: a 500 with a
        trace id that the gateway's log repeats beside the traceback."""
        if _too_deep(exc):  # request_shape.py: nesting fails where it is met
            return cls(400, TOO_DEEP, "invalid_request")
        if not isinstance(exc, BrickgateError):
            trace = os.urandom(6).hex()
            message = (
                f"The brickgate gateway failed on this request (trace id {trace}). "
                "Its log has the details under that id; please report it."
            )
            return cls(500, message, "internal_error", trace_id=trace)
        text = redact(exc.describe())
        if isinstance(exc, InvalidRequest):
            return cls(400, f"Malformed request: {text}", "invalid_request")
        if isinstance(exc, ModelNotFound):
            return cls(404, text, "model_not_found")
        if isinstance(exc, UpstreamBlocked):
            # a budget block is not a rate limit: a 429 would make agents retry what cannot succeed
            status = 403 if exc.status in (0, 429) else exc.status
            return cls(status, text, "budget_exceeded" if exc.reason == "budget" else "guardrail_blocked")
        if isinstance(exc, UpstreamRateLimited):
            return cls(429, text, exc.error_code or "rate_limit_exceeded", exc.retry_after)
        if isinstance(exc, CredentialsRejected):
            return cls(401, "The gateway's Databricks credentials failed: " + text, "upstream_auth")
        if isinstance(exc, HostUnreachable):
            return cls(502, "The gateway cannot reach Databricks: " + text, "upstream_unreachable")
        if isinstance(exc, StreamInterrupted):
            return cls(502, text, exc.error_code or "stream_interrupted")
        if isinstance(exc, UpstreamUnavailable):
            return cls(
                exc.status if exc.status >= 500 else 502, text, exc.error_code or "upstream_unavailable"
            )
        if isinstance(exc, UpstreamError):
            status = exc.status if 400 <= exc.status < 500 else 400
            return cls(status, text, exc.error_code or "upstream_rejected")
        if isinstance(exc, AuthError):
            return cls(401, text, "upstream_auth")
        if isinstance(exc, ConfigError):
            return cls(500, text, "gateway_config")
        return cls(500, text, "internal_error")

    def headers(self) -> list[tuple[bytes, bytes]]:
        headers = [(b"content-type", b"application/json")]
        if self.retry_after is not None:
            headers.append((b"retry-after", str(max(0, math.ceil(self.retry_after))).encode()))
        return headers

    def body(self, api: Api) -> bytes:
        """The JSON error body in ``api``'s own shape."""
        if api == "messages":
            kind = _ANTHROPIC_TYPES.get(
                self.status, "api_error" if self.status >= 500 else "invalid_request_error"
            )
            return orjson.dumps({"type": "error", "error": {"type": kind, "message": self.message}})
        if api == "gemini":
            return orjson.dumps({"error": self._google_error()})
        return orjson.dumps({"error": self._openai_error()})

    def stream_event(self, api: Api) -> bytes:
        """The error as a final SSE event, for a stream that breaks after bytes were sent."""
        if api == "messages":
            return encode_sse(self.body(api), "error")
        if api in ("chat", "gemini"):  # the google SDKs raise on a chunk that is an `error` object
            return encode_sse(self.body(api))
        # Responses: an `error` event (the openai SDK raises on its `error` key), then `response.failed`
        # for clients such as Codex that end the turn on it.
        err = self._openai_error()
        error_event = {
            "type": "error",
            "code": err["code"],
            "message": self.message,
            "param": None,
            "error": err,
        }
        failed = {
            "type": "response.failed",
            "response": {
                "object": "response",
                "status": "failed",
                "error": {"code": err["code"], "message": self.message},
                "output": [],
            },
        }
        return encode_sse(orjson.dumps(error_event), "error") + encode_sse(
            orjson.dumps(failed), "response.failed"
        )

    def _google_error(self) -> dict[str, object]:
        status = _GOOGLE_STATUSES.get(
            self.status, "INTERNAL" if self.status >= 500 else "FAILED_PRECONDITION"
        )
        error: dict[str, object] = {"code": self.status, "message": self.message, "status": status}
        if self.code is not None:
            info = {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": self.code,
                "domain": "brickgate",
            }
            error["details"] = [info]
        return error

    def _openai_error(self) -> dict[str, str | None]:
        kind = _OPENAI_TYPES.get(
            self.status, "server_error" if self.status >= 500 else "invalid_request_error"
        )
        return {"message": self.message, "type": kind, "param": None, "code": self.code}
