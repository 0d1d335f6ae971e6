"""One upstream answer as canonical events: SSE → quirk repairs → wire decoder → protocol events."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from brickgate.catalog.families import Api
from brickgate.catalog.model import Model
from brickgate.errors import StreamInterrupted, UpstreamUnavailable
from brickgate.pricing import Cost, cost_of
from brickgate.protocol import (
    Finish,
    ReasoningDelta,
    Response,
    ResponseBuilder,
    StreamError,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    Usage,
    UsageReport,
)
from brickgate.quirks import StreamRepair
from brickgate.redact import redact
from brickgate.routing import Surface
from brickgate.upstream import UpstreamResponse
from brickgate.wire import anthropic_messages, openai_chat, openai_responses
from brickgate.wire.sse import SSEDecoder, SSEEvent

WIRE: dict[Api, Any] = {
    "chat": openai_chat,
    "responses": openai_responses,
    "messages": anthropic_messages,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Completion:
    """A finished answer with everything a caller wants to report about it."""

    response: Response
    model: Model
    api: Api
    surface: Surface
    repairs: tuple[str, ...] = ()
    usage_estimated: bool = False
    cost: Cost = field(default_factory=lambda: Cost(0.0, 0.0))

    @property
    def text(self) -> str:
        return self.response.text

    @property
    def usage(self) -> Usage:
        return self.response.usage


def _snippet(body: bytes, limit: int = 120) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return (text[:limit] + "…" if len(text) > limit else text) or "(empty body)"


def estimate_tokens(chars: int) -> int:
    """~4 characters per token: only used when the upstream reports no usage at all."""
    return max(1, round(chars / 4)) if chars else 0


class EventStream:
    """Async iterator of protocol events for one upstream call. Iterate once, or call ``collect()``."""

    def __init__(
        self,
        *,
        upstream: UpstreamResponse | None,
        body: bytes | None,
        model: Model,
        api: Api,
        surface: Surface,
        repairs: Sequence[str],
        prompt_chars: int,
        on_close: Callable[[EventStream, BaseException | None], None] | None = None,
    ) -> None:
        self.model = model
        self.api = api
        self.surface = surface
        self._request_repairs = tuple(repairs)
        self._upstream = upstream
        self._body = body
        self._repair = StreamRepair(model, api)
        self._wire = WIRE[api]
        self._decoder: Any = self._wire.StreamDecoder()
        self._prompt_chars = prompt_chars
        self._out_chars = 0
        self._saw_usage = False
        self._builder = ResponseBuilder()
        self.keep_response = True
        self.usage_estimated = False
        self.on_close = on_close  # told when the stream ends, and by which error (the usage ledger)

    @property
    def repairs(self) -> tuple[str, ...]:
        return self._request_repairs + tuple(
            r for r in self._repair.applied if r not in self._request_repairs
        )

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        return self._events()

    async def _events(self) -> AsyncIterator[StreamEvent]:
        async for batch in self.batches():
            for event in batch:
                yield event

    async def batches(self) -> AsyncIterator[list[StreamEvent]]:
        """The events in the groups they arrived in (one upstream read each), so a relay can write each
        group to its client at once instead of one socket write per event."""
        finish: Finish | None = None
        failure: BaseException | None = None
        try:
            async for decoded in self._decoded():
                batch: list[StreamEvent] = []
                for event in decoded:
                    if isinstance(event, Finish):
                        finish = event  # held back so a missing usage can be reported before it
                        continue
                    try:
                        self._track(event)
                    except StreamInterrupted:
                        if batch:  # what arrived before the error still reaches the caller first
                            yield batch
                        raise
                    batch.append(event)
                if batch:
                    yield batch
            tail: list[StreamEvent] = []
            if not self._saw_usage:
                self.usage_estimated = True
                usage = UsageReport(
                    usage=Usage(
                        input_tokens=estimate_tokens(self._prompt_chars),
                        output_tokens=estimate_tokens(self._out_chars),
                    )
                )
                self._builder.add(usage)
                tail.append(usage)
            if finish is not None:
                self._builder.add(finish)
                tail.append(finish)
            if tail:
                yield tail
        except BaseException as exc:
            failure = exc
            raise
        finally:
            if self.on_close is not None:
                self.on_close(self, failure)

    def _track(self, event: StreamEvent) -> None:
        if self.keep_response:
            self._builder.add(event)
        if isinstance(event, UsageReport):
            self._saw_usage = True
        elif isinstance(event, (TextDelta, ReasoningDelta)):
            self._out_chars += len(event.text)
        elif isinstance(event, ToolCallDelta):
            self._out_chars += len(event.arguments)
        elif isinstance(event, StreamError):
            raise StreamInterrupted(
                f"{self.model.id} stopped mid-answer: {event.message}",
                "The answer is incomplete. Retry the request.",
                error_code=event.code,
            )

    async def _decoded(self) -> AsyncIterator[list[StreamEvent]]:
        if self._body is not None:  # non-streaming JSON answer: decode as a one-shot stream
            doc = self._repair.response(self._json_body(self._body))
            yield list(self._wire.decode_response(doc))
            return
        assert self._upstream is not None
        sse = SSEDecoder()
        async for chunk in self._upstream.chunks():
            batch: list[StreamEvent] = []
            try:
                for raw in sse.feed(chunk):
                    batch += self._decode_sse(raw)
            except Exception:
                if batch:  # events decoded before the failure are delivered first, as one by one would
                    yield batch
                raise
            yield batch
        batch = []
        for raw in sse.flush():
            batch += self._decode_sse(raw)
        yield batch + list(self._decoder.close())

    def _json_body(self, body: bytes) -> dict[str, Any]:
        try:
            doc = orjson.loads(body)
        except orjson.JSONDecodeError:
            doc = None
        if not isinstance(doc, dict):
            raise UpstreamUnavailable(
                f"{self.model.id} answered with a body that is not JSON: {redact(_snippet(body))}",
                "Something between you and the workspace (a proxy or a login page) may have answered; "
                "`brickgate status` shows which host is used.",
                status=502,
            )
        return doc

    def _decode_sse(self, raw: SSEEvent) -> list[StreamEvent]:
        if self._repair.needed and raw.data and raw.data != "[DONE]":
            try:
                doc = orjson.loads(raw.data)
            except orjson.JSONDecodeError:
                doc = None
            if isinstance(doc, dict):
                raw = SSEEvent(
                    event=raw.event, data=orjson.dumps(self._repair.event(doc)).decode(), id=raw.id
                )
        result: list[StreamEvent] = self._decoder.feed(raw)
        return result

    async def collect(self) -> Completion:
        async for _ in self:
            pass
        return self.completion()

    def completion(self) -> Completion:
        if not self.keep_response:
            raise RuntimeError("completion() needs the stream opened with keep_response=True")
        response = self._builder.build()
        return Completion(
            response=response,
            model=self.model,
            api=self.api,
            surface=self.surface,
            repairs=self.repairs,
            usage_estimated=self.usage_estimated,
            cost=cost_of(response.usage, self.model),
        )
