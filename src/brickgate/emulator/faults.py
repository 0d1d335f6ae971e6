"""Injected faults: queued by `POST /_emulator/faults`, consumed in order by the requests they match.

`when` narrows a fault to requests that offer tools or carry an image, and `until_reset` keeps it from
being used up, so one model can be broken on purpose for a whole run (e.g. `brickgate doctor` tests).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.responses import HTMLResponse, Response

from brickgate.emulator.error_bodies import databricks_error, empty_response, invalid_path

RESPONSE_KINDS = (
    "400",
    "403",
    "429",
    "499",
    "500",
    "502",
    "503",
    "504",
    "html_error",
    "invalid_path",
    "budget_block",
    "guardrail_input",
    "guardrail_output",
)
STREAM_KINDS = ("cut_stream", "malformed_sse", "long_stream")
KINDS = (*RESPONSE_KINDS, *STREAM_KINDS, "slow_first_byte", "expire_tokens")
TRAITS = ("tools", "images")  # what `when` can ask of a request
_IMAGE_PART_TYPES = ("image_url", "image", "input_image")  # Chat, Messages, Responses
_SERVER_ERRORS = {
    "500": ("INTERNAL_ERROR", "Internal error occurred while processing the request."),
    "502": ("BAD_GATEWAY", "Bad gateway: the model server returned an invalid response."),
    "503": ("TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable. Please retry later."),
}
_BAD_REQUEST = "Bad request: the model could not process this request."
# ASSUMPTION: the text of a Unity Catalog permission failure (2026 §2.3 names only the grants needed)
_NO_PERMISSION = "User does not have USE SCHEMA and EXECUTE on Schema 'system.ai'."
# ASSUMPTION (2026 §3.2/§3.3: status and text UNCONFIRMED): a BLOCK_USAGE budget answers 429 without
# Retry-After, naming the budget; a client must not retry it
_BUDGET = (
    "Request blocked: the AI Gateway budget 'Monthly coding-agent budget' (BLOCK_USAGE) is exhausted for "
    "this user until the next month."
)
# api §2.10 (fieldkit doc): "Request blocked by input guardrail '<name>'." / "Response blocked by output ..."
_GUARDRAILS = {
    "guardrail_input": "Request blocked by input guardrail '{name}'.",
    "guardrail_output": "Response blocked by output guardrail '{name}'.",
}


@dataclass(slots=True, kw_only=True)
class Fault:
    kind: str
    count: int = 1
    model: str | None = None  # endpoint name filter
    path: str | None = None  # exact request path filter
    scope: str = "inference"  # "inference" | "all" (listing and auth endpoints too)
    retry_after: float | None = None  # 429 only; None sends no Retry-After header
    seconds: float = 0.0  # slow_first_byte; long_stream: pause after each event
    after_events: int = 1  # cut_stream; long_stream: the event repeated
    mid_event: bool = False  # cut_stream: send half of the next event before cutting
    repeat: int = 0  # long_stream: extra copies of that event
    status: int | None = None  # html_error (default 502), budget_block (default 429)
    message: str | None = None  # 400 and 5xx: replaces the default error message
    when: str | None = None  # one of TRAITS: only requests offering tools / carrying an image
    until_reset: bool = False  # never used up: every matching request fails until the next reset

    def matches(
        self,
        *,
        path: str,
        model: str | None,
        inference: bool,
        streaming: bool,
        traits: frozenset[str] = frozenset(),
    ) -> bool:
        if self.scope != "all" and not inference:
            return False
        if self.kind in STREAM_KINDS and not streaming:
            return False
        if self.when is not None and self.when not in traits:
            return False
        if self.model is not None and self.model != model:
            return False
        return self.path is None or self.path == path


def parse_fault(spec: Mapping[str, Any]) -> Fault:
    """Validate one fault spec; ValueError names the bad field."""
    if not isinstance(spec, Mapping):
        raise ValueError("a fault spec must be an object")
    kind = str(spec.get("kind", ""))
    if kind not in KINDS:
        raise ValueError(f"fault kind must be one of {', '.join(KINDS)}, got {kind!r}")
    scope = str(spec.get("scope", "inference"))
    if scope not in ("inference", "all"):
        raise ValueError(f"fault scope must be 'inference' or 'all', got {scope!r}")
    when = spec.get("when")
    if when is not None and when not in TRAITS:
        raise ValueError(f"fault when must be one of {', '.join(TRAITS)}, got {when!r}")
    message = spec.get("message")
    retry_after = spec.get("retry_after")
    return Fault(
        kind=kind,
        count=int(spec.get("count", 1)),
        model=spec.get("model"),
        path=spec.get("path"),
        scope=scope,
        retry_after=None if retry_after is None else float(retry_after),
        seconds=float(spec.get("seconds", 0.0)),
        after_events=int(spec.get("after_events", 1)),
        repeat=int(spec.get("repeat", 0)),
        status=None if spec.get("status") is None else int(spec["status"]),
        message=None if message is None else str(message),
        when=when,
        until_reset=bool(spec.get("until_reset", False)),
    )


def request_traits(body: Mapping[str, Any]) -> frozenset[str]:
    """Which of TRAITS an inference request body has, whatever wire API it speaks."""
    traits = set()
    if body.get("tools"):
        traits.add("tools")
    if _has_image_part([body.get("messages"), body.get("input")]):
        traits.add("images")
    return frozenset(traits)


def _has_image_part(value: Any) -> bool:
    if isinstance(value, Mapping):
        if value.get("type") in _IMAGE_PART_TYPES:
            return True
        return any(_has_image_part(v) for v in value.values() if isinstance(v, (list, Mapping)))
    if isinstance(value, list):
        return any(_has_image_part(v) for v in value)
    return False


def take_fault(
    faults: list[Fault],
    *,
    path: str,
    model: str | None,
    inference: bool,
    streaming: bool,
    traits: frozenset[str] = frozenset(),
) -> Fault | None:
    """The first queued fault matching this request, with its count spent (removed at zero)."""
    for fault in faults:
        if fault.matches(path=path, model=model, inference=inference, streaming=streaming, traits=traits):
            if fault.until_reset:
                return fault
            fault.count -= 1
            if fault.count <= 0:
                faults.remove(fault)
            return fault
    return None


def fault_response(fault: Fault, model: str | None) -> Response | None:
    """The error response a fault answers with, or None for faults that alter a normal answer."""
    if fault.kind == "429":
        headers = None if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}
        message = (
            f"Exceeded workspace QPS rate limit for {model or 'this endpoint'}. Please use a provisioned "
            "throughput Foundation Model APIs endpoint for a higher rate limit."
        )
        return databricks_error(429, "REQUEST_LIMIT_EXCEEDED", message, headers)
    if fault.kind == "400":
        return databricks_error(400, "BAD_REQUEST", fault.message or _BAD_REQUEST)
    if fault.kind == "403":
        return databricks_error(403, "PERMISSION_DENIED", fault.message or _NO_PERMISSION)
    if fault.kind in ("499", "504"):  # 2026 §2.3 [UG]: empty body (504: ASSUMPTION)
        return empty_response(int(fault.kind))
    if fault.kind == "budget_block":
        return databricks_error(fault.status or 429, "RESOURCE_EXHAUSTED", fault.message or _BUDGET)
    if fault.kind in _GUARDRAILS:  # error_code ASSUMPTION
        text = fault.message or _GUARDRAILS[fault.kind].format(name="emulator-guardrail")
        return databricks_error(400, "BAD_REQUEST", text)
    if fault.kind in _SERVER_ERRORS:
        code, message = _SERVER_ERRORS[fault.kind]
        return databricks_error(int(fault.kind), code, fault.message or message)
    if fault.kind == "invalid_path":  # what a workspace without (or that lost) the AI Gateway answers
        return invalid_path()
    if fault.kind == "html_error":
        status = fault.status or 502
        title = f"{status} Error"
        html = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
        return HTMLResponse(html, status_code=status)
    return None
