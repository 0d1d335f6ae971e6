"""Folding a stream of events into one final assistant message."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import field
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
from brickgate.protocol.record import record


@record
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


class _Run:
    """Consecutive text (or reasoning) deltas being joined into one part: pieces, joined once at the end."""

    __slots__ = ("kind", "pieces", "provider_data", "redacted", "signature")

    def __init__(self, kind: str, provider_data: Mapping[str, Any] | None) -> None:
        self.kind = kind
        self.pieces: list[str] = []
        self.provider_data = provider_data
        self.signature: str | None = None
        self.redacted: str | None = None

    def part(self) -> Part:
        text = "".join(self.pieces)
        if self.kind == "text":
            return TextPart(text=text, provider_data=self.provider_data)
        return ReasoningPart(
            text=text, signature=self.signature, redacted=self.redacted, provider_data=self.provider_data
        )


class ResponseBuilder:
    """Accumulates events; consecutive deltas of one kind join into one part, order is kept.

    Text is joined once, in ``build()``: adding a delta costs the same however long the answer is.
    A reasoning part ends when it gets its signature or redacted payload.
    """

    def __init__(self) -> None:
        self._parts: list[Part | _Run] = []
        self._calls: dict[int, dict[str, Any]] = {}
        self.usage = Usage()
        self.finish_reason: FinishReason | None = None
        self.id: str | None = None
        self.model: str | None = None
        self.error: StreamError | None = None

    def add(self, event: StreamEvent) -> None:
        if isinstance(event, TextDelta):
            run = self._run("text", event.provider_data)
            run.pieces.append(event.text)
        elif isinstance(event, ReasoningDelta):
            run = self._run("reasoning", event.provider_data)
            run.pieces.append(event.text)
            run.signature, run.redacted = event.signature, event.redacted
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

    def _run(self, kind: str, provider_data: Mapping[str, Any] | None) -> _Run:
        """The open run of ``kind`` to add to, or a new one (after other parts, or a sealed reasoning run)."""
        last = self._parts[-1] if self._parts else None
        if (
            isinstance(last, _Run)
            and last.kind == kind
            and (kind == "text" or (last.signature is None and last.redacted is None))
        ):
            last.provider_data = _merge(last.provider_data, provider_data)
            return last
        run = _Run(kind, provider_data)
        self._parts.append(run)
        return run

    def build(self) -> Response:
        parts = [p.part() if isinstance(p, _Run) else p for p in self._parts]
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
