"""One upstream answer as canonical events: SSE → quirk repairs → wire decoder → protocol events."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any

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
from brickgate.wire.contract import Api
from brickgate.wire.fields import json_object
from brickgate.wire.registry import WIRES
from brickgate.wire.sse import SSEDecoder, SSEEvent


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
    """Async iterator of protocol events for one upstream call. Iterate once (events or ``batches()``), or
    call ``collect()``; ``aclose()`` lets go of the upstream answer early (``async with ws.stream(...)``
    calls it on exit)."""

    def __init__(
        self,
        *,
        upstream: UpstreamResponse | None,
        body: bytes | None,
        model: Model,
        api: Api,
        surface: Surface,
        repairs: Sequence[str],
        repair: StreamRepair,
        prompt_chars: int | Callable[[], int],  # a callable is only called when usage must be estimated
        on_close: Callable[[EventStream, BaseException | None], None] | None = None,
    ) -> None:
        self.model = model
        self.api = api
        self.surface = surface
        self._request_repairs = tuple(repairs)
        self._upstream = upstream
        self._body = body
        self._repair = repair
        self._wire = WIRES[api]
        self._decoder = self._wire.stream_decoder()
        self._prompt_chars = prompt_chars
        self._out_chars = 0
        self._saw_usage = False
        self._builder = ResponseBuilder()
        self.keep_response = True
        self.usage_estimated = False
        self._iterators: list[AsyncGenerator[object, None]] = []  # to close them early in aclose()
        self.on_close = on_close  # told when the stream ends, and by which error (the usage ledger)

    @property
    def repairs(self) -> tuple[str, ...]:
        return self._request_repairs + tuple(
            r for r in self._repair.applied if r not in self._request_repairs
        )

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        events = self._events()
        self._iterators.append(events)
        return events

    def batches(self) -> AsyncIterator[list[StreamEvent]]:
        """The events in the groups they arrived in (one upstream read each), so a relay can write each
        group to its client at once instead of one socket write per event."""
        batches = self._batches()
        self._iterators.append(batches)
        return batches

    async def aclose(self) -> None:
        """Stop reading: the upstream answer is closed (its connection dropped if the body was not read to
        the end). Safe to call at any time, and more than once."""
        for iterator in self._iterators:
            await iterator.aclose()
        if self._upstream is not None:
            self._upstream.close()

    async def _events(self) -> AsyncGenerator[StreamEvent, None]:
        async with aclosing(self._batches()) as batches:
            async for batch in batches:
                for event in batch:
                    yield event

    async def _batches(self) -> AsyncGenerator[list[StreamEvent], None]:
        failure: BaseException | None = None
        try:
            async for batch in self._tracked_batches():
                yield batch
        except BaseException as exc:  # GeneratorExit too: the caller let go early
            failure = exc
            raise
        finally:
            if self.on_close is not None:
                self.on_close(self, failure)

    async def _tracked_batches(self) -> AsyncGenerator[list[StreamEvent], None]:
        finish: Finish | None = None
        async with aclosing(self._decoded()) as decoded_batches:
            async for decoded in decoded_batches:
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
                    input_tokens=estimate_tokens(
                        self._prompt_chars() if callable(self._prompt_chars) else self._prompt_chars
                    ),
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

    async def _decoded(self) -> AsyncGenerator[list[StreamEvent], None]:
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
        doc = json_object(body)
        if doc is None:
            raise UpstreamUnavailable(
                f"{self.model.id} answered with a body that is not JSON: {redact(_snippet(body))}",
                "Something between you and the workspace (a proxy or a login page) may have answered; "
                "`brickgate status` shows which host is used.",
                status=502,
            )
        return doc

    def _decode_sse(self, raw: SSEEvent) -> list[StreamEvent]:
        """One SSE event: parsed once, repaired as a dict, decoded from that dict."""
        doc = json_object(raw.data)
        if doc is None:
            return self._decoder.text(raw.data)
        return self._decoder.event(self._repair.event(doc) if self._repair.needed else doc)

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
