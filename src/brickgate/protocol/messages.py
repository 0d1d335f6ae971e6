"""Canonical request: messages made of parts, tools, options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any, Literal

from brickgate.protocol.record import record

Role = Literal["system", "user", "assistant", "tool"]


@record
class TextPart:
    text: str
    kind: Literal["text"] = "text"
    # flat keys a wire needs back next turn, e.g. {"thoughtSignature": "..."} or {"cache_control": {...}}
    # (wire/__init__.py lists them)
    provider_data: Mapping[str, Any] | None = None


@record
class ImagePart:
    """An image given by URL (http(s) or data:) or by base64 data with its media type."""

    url: str | None = None
    data_base64: str | None = None
    media_type: str | None = None
    detail: str | None = None
    kind: Literal["image"] = "image"
    provider_data: Mapping[str, Any] | None = None

    def as_url(self) -> str:
        if self.url is not None:
            return self.url
        return f"data:{self.media_type or 'image/png'};base64,{self.data_base64 or ''}"


@record
class ToolCallPart:
    id: str
    name: str
    arguments: str  # JSON text, exactly as the model produced it
    kind: Literal["tool_call"] = "tool_call"
    provider_data: Mapping[str, Any] | None = None


@record
class ToolResultPart:
    tool_call_id: str
    content: str | tuple[TextPart | ImagePart, ...]
    is_error: bool = False
    name: str | None = None
    kind: Literal["tool_result"] = "tool_result"
    provider_data: Mapping[str, Any] | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text for p in self.content if isinstance(p, TextPart))


@record
class ReasoningPart:
    text: str = ""
    signature: str | None = None
    # Anthropic redacted_thinking data / Responses encrypted_content
    redacted: str | None = None
    kind: Literal["reasoning"] = "reasoning"
    provider_data: Mapping[str, Any] | None = None


Part = TextPart | ImagePart | ToolCallPart | ToolResultPart | ReasoningPart


@record
class Message:
    role: Role
    parts: tuple[Part, ...] = ()
    name: str | None = None
    provider_data: Mapping[str, Any] | None = None

    @classmethod
    def of(cls, role: Role, text: str) -> Message:
        return cls(role=role, parts=(TextPart(text=text),))

    def text(self) -> str:
        return "".join(p.text for p in self.parts if isinstance(p, TextPart))

    def tool_calls(self) -> tuple[ToolCallPart, ...]:
        return tuple(p for p in self.parts if isinstance(p, ToolCallPart))


@record
class Tool:
    name: str
    description: str | None = None
    parameters: Mapping[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})
    strict: bool | None = None
    provider_data: Mapping[str, Any] | None = None


# "auto" | "none" | "required" | a tool name (forces that tool)
ToolChoice = Literal["auto", "none", "required"] | str


@record
class Request:
    model: str
    messages: tuple[Message, ...]
    tools: tuple[Tool, ...] = ()
    tool_choice: ToolChoice | None = None
    parallel_tool_calls: bool | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop: tuple[str, ...] = ()
    reasoning_effort: str | None = None  # low | medium | high | ... as the caller said it
    reasoning_budget: int | None = None  # thinking budget in tokens (Anthropic style)
    response_format: Mapping[str, Any] | None = None  # OpenAI chat shape: {"type": "json_schema", ...}
    service_tier: str | None = None  # "priority" opts into the priority tier (billed higher); sent as given
    stream: bool = True
    metadata: Mapping[str, Any] | None = None
    # Fields of the inbound wire format this model has no slot for, keyed by wire name.
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, model: str, prompt: str, *, system: str | None = None, **kw: Any) -> Request:
        msgs: list[Message] = []
        if system:
            msgs.append(Message.of("system", system))
        msgs.append(Message.of("user", prompt))
        return cls(model=model, messages=tuple(msgs), **kw)
