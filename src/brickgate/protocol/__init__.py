"""The canonical conversation model every wire format maps to and from.

Requests are plain dataclasses, frozen to type checkers; stream events are a discriminated union keyed by
``kind``. They are declared with ``@record`` (record.py), not ``@dataclass(frozen=True)``: a frozen
``__init__`` costs 1.7 µs per instance instead of 0.7, and a translated 200 KB request builds hundreds.
Opaque round-trip data a wire format needs back on the next turn (Gemini ``thoughtSignature``,
Anthropic thinking ``signature``, Responses item ids) lives in ``provider_data``. Request fields a
wire format has and this model does not are carried in ``Request.extra``.
"""

from brickgate.protocol.events import (
    Finish,
    FinishReason,
    ReasoningDelta,
    Start,
    StreamError,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
    UsageReport,
)
from brickgate.protocol.messages import (
    ImagePart,
    Message,
    Part,
    ReasoningPart,
    Request,
    Role,
    TextPart,
    Tool,
    ToolCallPart,
    ToolChoice,
    ToolResultPart,
)
from brickgate.protocol.response import Response, ResponseBuilder, collect

__all__ = [
    "Finish",
    "FinishReason",
    "ImagePart",
    "Message",
    "Part",
    "ReasoningDelta",
    "ReasoningPart",
    "Request",
    "Response",
    "ResponseBuilder",
    "Role",
    "Start",
    "StreamError",
    "StreamEvent",
    "TextDelta",
    "TextPart",
    "Tool",
    "ToolCallDelta",
    "ToolCallEnd",
    "ToolCallPart",
    "ToolCallStart",
    "ToolChoice",
    "ToolResultPart",
    "Usage",
    "UsageReport",
    "collect",
]
