"""The gateway's hook: one ledger row per inference request, from the data of its access-log line.

On the request path this costs a small object, a check per ASGI message until the first streamed byte
(time to first token) and one deque append at the end. Agent, price and host are worked out later on
the ledger's thread.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from brickgate.ledger import Ledger, context, ledger_for_home
from brickgate.ledger.agents import agent_from, agent_headers
from brickgate.ledger.rows import UsageRow, error_class
from brickgate.pricing import ZERO, cost_of
from brickgate.protocol import Usage

if TYPE_CHECKING:
    from brickgate.catalog.model import Model
    from brickgate.gateway.asgi_io import Message, Scope, Send
    from brickgate.gateway.inference import Caller, Exchange, Gateway
    from brickgate.workspace import Workspace

log = logging.getLogger("brickgate.ledger")
PRICE_MAX_AGE = 300.0  # seconds a model's prices are reused before the catalog is asked again
_NO_USAGE = Usage()


class ServedWorkspace:
    """What the gateway's rows share: the ledger, in-flight streams, the host and the models' prices."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.inflight_streams = 0  # changed on the event loop only
        self.started = time.time()
        self._host: str | None = None
        self._models: dict[str, tuple[Model | None, float]] = {}  # touched on the ledger thread only

    def host(self, ws: Workspace) -> str | None:
        if self._host is None:
            try:
                self._host = str(ws.credentials.host)
            except Exception:  # credentials that fail now failed the request too; the row still counts
                return None
        return self._host

    def model(self, ws: Workspace, model_id: str) -> Model | None:
        entry = self._models.get(model_id)
        now = time.monotonic()
        if entry is None or now - entry[1] > PRICE_MAX_AGE:
            try:
                found: Model | None = ws.model(model_id)
            except Exception:  # a model the catalog no longer lists: tokens still count, at no price
                found = None
            entry = self._models[model_id] = (found, now)
        return entry[0]


_served: weakref.WeakKeyDictionary[Workspace, ServedWorkspace] = weakref.WeakKeyDictionary()


def served(gateway: Gateway) -> ServedWorkspace:
    """The shared state for a gateway's workspace (created with the ledger of the current home)."""
    state = _served.get(gateway.workspace)
    if state is None:
        state = _served[gateway.workspace] = ServedWorkspace(ledger_for_home())
    return state


class GatewayRecording:
    """One inference request on its way to the ledger."""

    __slots__ = (
        "_inner",
        "_token",
        "api",
        "facts",
        "first_byte",
        "identity",
        "retries",
        "scope",
        "state",
        "streamed",
        "ts",
        "waiting",
        "workspace",
    )
    by_gateway = True

    def __init__(self, state: ServedWorkspace, ws: Workspace, scope: Scope, api: str, send: Send) -> None:
        self.state, self.workspace, self.scope, self.api, self._inner = state, ws, scope, api, send
        self.ts = time.time()
        self.retries = 0
        self.streamed = False
        self.waiting = True  # for the response start, then (streams) for the first body byte
        self.first_byte = 0.0
        self.facts: tuple[Any, ...] = ()
        self.identity: str | None = None
        self._token: Any = context.current.set(self)

    def identify(self, caller: Caller) -> None:
        """The request runs as ``caller``: its workspace prices the row, its principal names it."""
        self.workspace = caller.workspace
        self.identity = caller.email or caller.identity

    def send(self, message: Message) -> Awaitable[None]:
        """The route's ``send``: notes whether the answer streams and when its first byte goes out."""
        if self.waiting:
            if message["type"] == "http.response.start":
                self.streamed = self.waiting = _is_stream(message.get("headers", ()))
                self.state.inflight_streams += self.streamed
            elif message.get("body"):
                self.first_byte = time.perf_counter()
                self.waiting = False
        return self._inner(message)

    def finish(self, ex: Exchange) -> None:
        """The request is answered (or abandoned): queue its row. Never raises into the request.

        Only plain values are kept (a tuple of them, and the request's header list): holding on to the
        scope, the exchange or uvicorn's ``send`` until the ledger thread runs would keep their whole object
        graphs alive through several garbage collections, which costs more CPU than recording."""
        ended = time.perf_counter()
        usage = ex.usage or _NO_USAGE
        self.facts = (
            ex.model,
            ex.upstream,
            ex.route,
            usage.input_tokens,
            usage.output_tokens,
            usage.cache_read_tokens,
            usage.cache_write_tokens,
            usage.reasoning_tokens,
            ex.status,
            (ended - ex.started) * 1000,  # latency_ms
            (self.first_byte - ex.started) * 1000 if self.first_byte else None,  # ttft_ms
            self.scope.get("headers", ()),  # a list of byte pairs: looked through on the ledger thread
        )
        self.state.inflight_streams -= self.streamed
        del self.scope, self._inner  # see above: nothing of the request outlives it here
        try:
            context.current.reset(self._token)
            self._token = None
            self.state.ledger.add(self)
        except Exception:  # e.g. no thread can be started: the request was answered all the same
            log.exception("usage ledger: a request could not be recorded")

    def row(self) -> UsageRow:
        model_id, upstream, route, tin, tout, tread, twrite, treason, status, latency, ttft, headers = (
            self.facts
        )
        model = self.state.model(self.workspace, model_id) if model_id != "-" else None
        usage = Usage(
            input_tokens=tin,
            output_tokens=tout,
            cache_read_tokens=tread,
            cache_write_tokens=twrite,
            reasoning_tokens=treason,
        )
        cost = cost_of(usage, model) if model is not None else ZERO
        agent, version = agent_from(*agent_headers(headers))
        # Positional, in UsageRow's field order: three times cheaper than keywords, for every request.
        return UsageRow(
            self.ts,
            "gateway",  # source
            self.state.host(self.workspace),
            self.identity,  # the caller's principal (serve --identity caller); None: the gateway's own
            agent,
            version,
            None if model_id == "-" else model_id,
            self.api,
            None if upstream == "-" else upstream,
            None if route == "-" else route,
            tin,
            tout,
            tread,
            twrite,
            treason,
            False,  # tokens_estimated: the gateway passes on what the upstream reported
            cost.dbu,
            cost.usd,
            latency,
            ttft,
            status,
            error_class(status),
            self.retries,
            self.streamed,
        )


class _NotRecorded:
    """The ledger is switched off: the hook does nothing."""

    def finish(self, exchange: Exchange) -> None:
        return None

    def identify(self, caller: Caller) -> None:
        return None


NOT_RECORDED = _NotRecorded()


def start_recording(
    gateway: Gateway, scope: Scope, api: str, send: Send
) -> tuple[Send, GatewayRecording | _NotRecorded]:
    """Called as an inference request arrives: the ``send`` the route should use, and the recording to
    ``finish`` once the access-log line is written."""
    try:
        state = served(gateway)
    except Exception:  # the ledger could not even be set up: serve unrecorded
        log.exception("usage ledger: requests are not recorded")
        return send, NOT_RECORDED
    if not state.ledger.enabled:
        return send, NOT_RECORDED
    recording = GatewayRecording(state, gateway.workspace, scope, api, send)
    return recording.send, recording


def _is_stream(headers: Any) -> bool:
    for key, value in headers:  # the gateway sends content-type first
        if key == b"content-type":
            return bool(value.startswith(b"text/event-stream"))
    return False
