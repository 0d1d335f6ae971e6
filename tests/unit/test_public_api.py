"""The names `import brickgate` promises: a change here is a change to the public API."""

from __future__ import annotations

import inspect
import typing

import brickgate

PUBLIC = [
    "AuthError", "BrickgateError", "Completion", "ConfigError", "Cost", "Credentials", "CredentialsRejected",
    "EventStream", "Finish", "HostUnreachable", "ImagePart", "InvalidHost", "InvalidRequest", "Message",
    "Model", "ModelNotFound", "NoCredentials", "ReasoningDelta", "ReasoningPart", "Request", "Response",
    "RetryNotice", "RetryPolicy", "Start", "StreamError", "StreamEvent", "StreamInterrupted", "TextDelta",
    "TextPart", "Tool", "ToolCallDelta", "ToolCallEnd", "ToolCallPart", "ToolCallStart", "ToolResultPart",
    "UpstreamBlocked", "UpstreamError", "UpstreamRateLimited", "UpstreamRejected", "UpstreamUnavailable",
    "Usage", "UsageReport", "Workspace",
]  # fmt: skip


def test_the_public_names_are_exactly_these() -> None:
    assert brickgate.__all__ == sorted(PUBLIC)


def test_every_public_name_resolves() -> None:
    for name in brickgate.__all__:
        assert getattr(brickgate, name) is not None


def test_workspace_exposes_no_pipeline_internals() -> None:
    public = {name for name in dir(brickgate.Workspace) if not name.startswith("_")}
    assert public == {
        "aclose", "catalog", "close", "complete", "complete_sync", "credentials", "model", "models",
        "stream", "stream_sync",
    }  # fmt: skip


def test_workspace_signatures_have_no_any() -> None:
    for name in ("__init__", "stream", "complete", "complete_sync", "stream_sync", "model", "models"):
        from brickgate.catalog import Catalog

        names = {**vars(brickgate.workspace), "Catalog": Catalog}  # imported for type checking only
        hints = typing.get_type_hints(getattr(brickgate.Workspace, name), names)
        assert typing.Any not in hints.values(), name
        for param in inspect.signature(getattr(brickgate.Workspace, name)).parameters.values():
            assert param.kind is not inspect.Parameter.VAR_KEYWORD, f"{name}(**{param.name})"
