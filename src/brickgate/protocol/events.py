"""Canonical stream events. Every upstream stream decodes to these; every inbound stream encodes from them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from brickgate.protocol.record import record

FinishReason = Literal["stop", "length", "tool-calls", "content-filter", "error", "other"]


@record
class Start:
    """First event of a response: the upstream's id and model string (may differ from the endpoint name)."""

    id: str | None = None
    model: str | None = None
    kind: Literal["start"] = "start"


@record
class TextDelta:
    text: str
    kind: Literal["text_delta"] = "text_delta"
    provider_data: Mapping[str, Any] | None = None


@record
class ReasoningDelta:
    text: str = ""
    signature: str | None = None
    redacted: str | None = None
    kind: Literal["reasoning_delta"] = "reasoning_delta"
    provider_data: Mapping[str, Any] | None = None


@record
class ToolCallStart:
    index: int  # position among this response's tool calls, 0-based
    id: str
    name: str
    kind: Literal["tool_call_start"] = "tool_call_start"
    provider_data: Mapping[str, Any] | None = None


@record
class ToolCallDelta:
    index: int
    arguments: str  # a fragment of the JSON arguments text
    kind: Literal["tool_call_delta"] = "tool_call_delta"


@record
class ToolCallEnd:
    index: int
    kind: Literal["tool_call_end"] = "tool_call_end"
    provider_data: Mapping[str, Any] | None = None


@record
class Usage:
    """Token counts. ``input_tokens`` excludes cached tokens (cache_read/cache_write count them)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0  # included in output_tokens
    # the tier that served these tokens, as the answer says ("priority" is billed at the priority price)
    service_tier: str | None = None

    @property
    def total_input_tokens(self) -> int:
        return self.input_tokens + self.cache_read_tokens + self.cache_write_tokens

    @property
    def total_tokens(self) -> int:
        return self.total_input_tokens + self.output_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cache_read_tokens=self.cache_read_tokens + other.cache_read_tokens,
            cache_write_tokens=self.cache_write_tokens + other.cache_write_tokens,
            reasoning_tokens=self.reasoning_tokens + other.reasoning_tokens,
            service_tier=self.service_tier if self.service_tier == other.service_tier else None,
        )


@record
class UsageReport:
    """Usage so far. A later report replaces an earlier one (streams may send partial usage per chunk)."""

    usage: Usage
    kind: Literal["usage"] = "usage"


@record
class Finish:
    reason: FinishReason
    raw_reason: str | None = None
    kind: Literal["finish"] = "finish"


@record
class StreamError:
    message: str
    code: str | None = None
    kind: Literal["error"] = "error"


StreamEvent = (
    Start
    | TextDelta
    | ReasoningDelta
    | ToolCallStart
    | ToolCallDelta
    | ToolCallEnd
    | UsageReport
    | Finish
    | StreamError
)
