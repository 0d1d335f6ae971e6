"""brickgate: every LLM a Databricks workspace serves, from any coding agent and any Python program.

    from brickgate import Workspace
    with Workspace() as ws:
        print(ws.complete_sync("claude-sonnet-4-5", "Hello!").text)

Names are imported lazily so `import brickgate` (and the CLI's start-up) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Workspace": "brickgate.workspace",
    "Credentials": "brickgate.auth.credentials",
    "Completion": "brickgate.event_stream",
    "EventStream": "brickgate.event_stream",
    "Model": "brickgate.catalog.model",
    "Cost": "brickgate.pricing",
    "RetryPolicy": "brickgate.upstream",
    "RetryNotice": "brickgate.upstream",
    # protocol
    "Request": "brickgate.protocol",
    "Message": "brickgate.protocol",
    "TextPart": "brickgate.protocol",
    "ImagePart": "brickgate.protocol",
    "ToolCallPart": "brickgate.protocol",
    "ToolResultPart": "brickgate.protocol",
    "ReasoningPart": "brickgate.protocol",
    "Tool": "brickgate.protocol",
    "Response": "brickgate.protocol",
    "Usage": "brickgate.protocol",
    "StreamEvent": "brickgate.protocol",
    "Start": "brickgate.protocol",
    "TextDelta": "brickgate.protocol",
    "ReasoningDelta": "brickgate.protocol",
    "ToolCallStart": "brickgate.protocol",
    "ToolCallDelta": "brickgate.protocol",
    "ToolCallEnd": "brickgate.protocol",
    "UsageReport": "brickgate.protocol",
    "Finish": "brickgate.protocol",
    "StreamError": "brickgate.protocol",
    # errors
    "BrickgateError": "brickgate.errors",
    "ConfigError": "brickgate.errors",
    "AuthError": "brickgate.errors",
    "NoCredentials": "brickgate.errors",
    "InvalidHost": "brickgate.errors",
    "HostUnreachable": "brickgate.errors",
    "CredentialsRejected": "brickgate.errors",
    "ModelNotFound": "brickgate.errors",
    "InvalidRequest": "brickgate.errors",
    "UpstreamError": "brickgate.errors",
    "UpstreamRejected": "brickgate.errors",
    "UpstreamBlocked": "brickgate.errors",
    "UpstreamRateLimited": "brickgate.errors",
    "UpstreamUnavailable": "brickgate.errors",
    "StreamInterrupted": "brickgate.errors",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from brickgate.auth.credentials import Credentials
    from brickgate.catalog.model import Model
    from brickgate.errors import (
        AuthError,
        BrickgateError,
        ConfigError,
        CredentialsRejected,
        HostUnreachable,
        InvalidHost,
        InvalidRequest,
        ModelNotFound,
        NoCredentials,
        StreamInterrupted,
        UpstreamBlocked,
        UpstreamError,
        UpstreamRateLimited,
        UpstreamRejected,
        UpstreamUnavailable,
    )
    from brickgate.event_stream import Completion, EventStream
    from brickgate.pricing import Cost
    from brickgate.protocol import (
        Finish,
        ImagePart,
        Message,
        ReasoningDelta,
        ReasoningPart,
        Request,
        Response,
        Start,
        StreamError,
        StreamEvent,
        TextDelta,
        TextPart,
        Tool,
        ToolCallDelta,
        ToolCallEnd,
        ToolCallPart,
        ToolCallStart,
        ToolResultPart,
        Usage,
        UsageReport,
    )
    from brickgate.upstream import RetryNotice, RetryPolicy
    from brickgate.workspace import Workspace


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'brickgate' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
