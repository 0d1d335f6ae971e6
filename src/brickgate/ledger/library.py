"""The library's hook: one ledger row per ``Workspace.stream``/``complete`` call, which covers `brickgate
run`, `chat` and `doctor` too (they call the library).

Opt out per workspace with ``Workspace(usage_ledger=False)`` (``persist=False`` implies it), or for
everything with ``usage_ledger = false`` in config.toml. Inside the gateway the gateway records the
request itself, with its caller's agent and API, so the library stands aside there.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from brickgate.ledger import Ledger, context, ledger_for_home
from brickgate.ledger.agents import library_agent
from brickgate.ledger.rows import UsageRow, error_class

if TYPE_CHECKING:
    from brickgate.catalog.model import Model
    from brickgate.event_stream import EventStream
    from brickgate.workspace import Workspace

log = logging.getLogger("brickgate.ledger")
CallFn = TypeVar("CallFn", bound=Callable[..., Awaitable["EventStream"]])


def recorded(call: CallFn) -> CallFn:
    """Decorates ``Workspace._call``: the call's row is queued when its stream ends or the call fails."""

    @functools.wraps(call)
    async def recording_call(ws: Workspace, model: str | Model, request: Any, **kw: Any) -> EventStream:
        ledger = _ledger(ws)
        if ledger is None:
            return await call(ws, model, request, **kw)
        recording = LibraryRecording(ledger, ws, model, streamed=bool(kw.get("stream")))
        token = context.current.set(recording)
        try:
            events = await call(ws, model, request, **kw)
        except BaseException as exc:
            recording.ended(None, exc)
            raise
        finally:
            context.current.reset(token)
        events.on_close = recording.ended
        return events

    return cast(CallFn, recording_call)


class LibraryRecording:
    by_gateway = False

    def __init__(self, ledger: Ledger, ws: Workspace, model: str | Model, *, streamed: bool) -> None:
        self.ledger, self.workspace, self.model, self.streamed = ledger, ws, model, streamed
        self.ts = time.time()
        self.started = time.perf_counter()
        self.finished = 0.0
        self.retries = 0
        self.events: EventStream | None = None
        self.failure: BaseException | None = None

    def ended(self, events: EventStream | None, failure: BaseException | None) -> None:
        """The stream ended (or the call failed before it): queue the row; it is built later. Never raises
        into the caller's stream."""
        self.finished = time.perf_counter()
        self.events, self.failure = events, failure
        try:
            self.ledger.add(self)
        except Exception:  # e.g. no thread can be started: the answer stands all the same
            log.exception("usage ledger: a call could not be recorded")

    def row(self) -> UsageRow:
        events, failure = self.events, self.failure
        status = 200 if failure is None else _status_of(failure)
        fields: dict[str, Any] = {}
        if events is not None:
            fields["model"], fields["upstream_api"] = events.model.id, events.api
            if events.keep_response:
                done = events.completion()
                usage = done.usage
                fields.update(
                    input_tokens=usage.input_tokens,
                    output_tokens=usage.output_tokens,
                    cache_read_tokens=usage.cache_read_tokens,
                    cache_write_tokens=usage.cache_write_tokens,
                    reasoning_tokens=usage.reasoning_tokens,
                    tokens_estimated=done.usage_estimated,
                    cost_dbu=done.cost.dbu,
                    cost_usd=done.cost.usd,
                )
        else:
            fields["model"] = self.model if isinstance(self.model, str) else self.model.id
        return UsageRow(
            ts=self.ts,
            source="library",
            host=_host(self.workspace, failure),
            agent=_agent(),
            latency_ms=(self.finished - self.started) * 1000,
            status=status,
            error_class=error_class(status),
            retries=self.retries,
            streamed=self.streamed,
            **fields,
        )


def _ledger(ws: Workspace) -> Ledger | None:
    """The ledger this call goes to; None when it is not recorded here (opted out, or inside the gateway)."""
    if not getattr(ws, "usage_ledger", True) or context.gateway_is_recording():
        return None
    try:
        ledger = ledger_for_home()
    except Exception:  # the ledger could not even be set up: the call goes ahead unrecorded
        log.exception("usage ledger: library calls are not recorded")
        return None
    return ledger if ledger.enabled else None


@functools.lru_cache(maxsize=1)
def _agent() -> str:
    return library_agent()


def _status_of(failure: BaseException) -> int:
    """The HTTP status the gateway would have answered this failure with; 499 for a caller that stopped."""
    if isinstance(failure, (GeneratorExit, asyncio.CancelledError, KeyboardInterrupt)):
        return 499
    from brickgate.gateway.error_shapes import GatewayError

    return GatewayError.of(failure).status


def _host(ws: Workspace, failure: BaseException | None) -> str | None:
    """The workspace's host, without resolving credentials that a failed call never resolved."""
    from brickgate.errors import UpstreamError

    try:
        if failure is None or isinstance(failure, UpstreamError):  # a request went out: credentials are known
            return str(ws.credentials.host)
        host = ws.catalog.host  # from flags, login or environment: no network
        return str(host) if host else None
    except Exception:
        return None
