"""One ledger row per request: what it cost and how it went, never what was said.

A row holds counts, names and timings only. No prompt, no answer, no header value that could carry a
secret: the agent is a product name and version picked out of the User-Agent (see ``agents.py``).
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

Source = str  # "gateway" | "library"


class UsageRow(NamedTuple):
    ts: float  # request start, epoch seconds
    source: Source
    host: str | None = None  # the workspace
    identity: str | None = None  # the principal's name (issue 15 adds per-caller identities)
    agent: str | None = None  # claude-code, codex, brickgate run, ...
    agent_version: str | None = None
    model: str | None = None  # serving endpoint
    api: str | None = None  # the API the caller spoke (chat, responses, messages)
    upstream_api: str | None = None  # the API the model was called with
    route: str | None = None  # fast (same API, relayed) | translated; None for the library
    input_tokens: int = 0  # excluding cached tokens
    output_tokens: int = 0  # including reasoning tokens
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    tokens_estimated: bool = False  # the upstream reported no usage; counted from characters
    cost_dbu: float = 0.0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    ttft_ms: float | None = None  # first streamed byte to the caller
    status: int = 0  # HTTP status answered (499: the caller hung up; 0: no answer at all)
    error_class: str | None = None
    retries: int = 0  # upstream retries this request waited for
    streamed: bool = False
    tags: str | None = None  # request tags, JSON (issue 13)
    priority: str | None = None  # priority tier (issue 13)

    def row(self) -> UsageRow:
        """A finished row is its own draft."""
        return self


COLUMNS: tuple[str, ...] = UsageRow._fields


class Draft(Protocol):
    """Something queued on the hot path and turned into a row later, on the ledger's own thread."""

    def row(self) -> UsageRow: ...


# Status → error class, the same for the gateway and the library (data, so a new status is one row).
ERROR_CLASSES: dict[int, str] = {
    0: "no_answer",
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    413: "too_large",
    429: "rate_limited",
    499: "client_closed",
    500: "internal_error",
    502: "upstream_failed",
    503: "upstream_unavailable",
    504: "upstream_timeout",
}


def error_class(status: int) -> str | None:
    """None for a success; a short class name for everything else."""
    if 200 <= status < 400:
        return None
    return ERROR_CLASSES.get(status) or ("client_error" if status < 500 else "server_error")


def is_error(status: int) -> bool:
    """What counts toward the error rate: any failure except a caller that hung up (499)."""
    return status != 499 and not 200 <= status < 400
