"""Folding a stream of events into one final assistant message."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

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
from brickgate.protocol.messages import Message, Part, ReasoningPart, TextPart, ToolCallPart


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    message: Message
    usage: Usage = field(default_factory=Usage)
    finish_reason: FinishReason = "stop"
    id: str | None = None
    model: str | None = None

    @property
    def text(self) -> str:
        return self.message.text()

    @property
    def tool_calls(self) -> tuple[ToolCallPart, ...]:
        return self.message.tool_calls()

    @property
    def reasoning(self) -> str:
        return "".join(p.text for p in self.message.parts if isinstance(p, ReasoningPart))


def _merge(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if not b:
        return a
    if not a:
        return b
    return {**a, **b}


class ResponseBuilder:
    """Accumulates events; consecutive deltas of one kind join into one part, order is kept."""

    def __init__(self) -> None:
        self._parts: list[Part] = []
        self._calls: dict[int, dict[str, Any]] = {}
        self.usage = Usage()
        self.finish_reason: FinishReason | None = None
        self.id: str | None = None
        self.model: str | None = None
        self.error: StreamError | None = None

    def add(self, event: StreamEvent) -> None:
        if isinstance(event, TextDelta):
            last = self._parts[-1] if self._parts else None
            if isinstance(last, TextPart):
                self._parts[-1] = TextPart(
                    text=last.text + event.text, provider_data=_merge(last.provider_data, event.provider_data)
                )
            else:
                self._parts.append(TextPart(text=event.text, provider_data=event.provider_data))
        elif isinstance(event, ReasoningDelta):
            last = self._parts[-1] if self._parts else None
            if isinstance(last, ReasoningPart) and last.signature is None and last.redacted is None:
                self._parts[-1] = ReasoningPart(
                    text=last.text + event.text,
                    signature=event.signature,
                    redacted=event.redacted,
                    provider_data=_merge(last.provider_data, event.provider_data),
                )
            else:
                self._parts.append(
                    ReasoningPart(
                        text=event.text,
                        signature=event.signature,
                        redacted=event.redacted,
                        provider_data=event.provider_data,
                    )
                )
        elif isinstance(event, ToolCallStart):
            self._parts.append(ToolCallPart(id=event.id, name=event.name, arguments=""))
            self._calls[event.index] = {
                "id": event.id,
                "name": event.name,
                "args": [],
                "pd": event.provider_data,
                "pos": len(self._parts) - 1,
            }
        elif isinstance(event, ToolCallDelta):
            if event.index in self._calls:
                self._calls[event.index]["args"].append(event.arguments)
        elif isinstance(event, ToolCallEnd):
            if event.index in self._calls:
                c = self._calls[event.index]
                c["pd"] = _merge(c["pd"], event.provider_data)
        elif isinstance(event, UsageReport):
            self.usage = event.usage
        elif isinstance(event, Finish):
            self.finish_reason = event.reason
        elif isinstance(event, Start):
            self.id = event.id or self.id
            self.model = event.model or self.model
        elif isinstance(event, StreamError):
            self.error = event

    def build(self) -> Response:
        parts = list(self._parts)
        for c in self._calls.values():
            parts[c["pos"]] = ToolCallPart(
                id=c["id"], name=c["name"], arguments="".join(c["args"]), provider_data=c["pd"]
            )
        reason = self.finish_reason or ("tool-calls" if self._calls else "stop")
        return Response(
            message=Message(role="assistant", parts=tuple(parts)),
            usage=self.usage,
            finish_reason=reason,
            id=self.id,
            model=self.model,
        )


def collect(events: Iterable[StreamEvent]) -> Response:
    builder = ResponseBuilder()
    for e in events:
        builder.add(e)
    return builder.build()
