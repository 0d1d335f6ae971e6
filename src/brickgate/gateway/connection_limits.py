"""uvicorn's httptools protocol with the limits uvicorn 0.54 lacks, so that a client which never sends a
whole request costs little and cannot starve the ones that do:

- a deadline for the request head (request line + headers): counted from connecting, or from the first
  byte of the next request on a kept-alive connection; a connection that misses it is closed;
- a cap on the head's size: past it the client gets a 431 and the connection is closed, so nothing
  bigger is ever buffered (llhttp itself has no limit);
- a deadline for a body that stops arriving: a request in progress is never evicted, so without it a
  client that sends a head and part of a body holds its connection for good (and enough of them fill the
  gateway); the client gets a 408 and the connection is closed;
- room for real requests: at ``max_connections`` a new connection evicts the one that has waited longest
  without a request in progress; only when every connection is busy is the new one answered 503.
  uvicorn's ``limit_concurrency`` is not used: it counts idle sockets and ones already being closed, so
  it refuses the very request an eviction made room for.

(uvicorn's ``h11_max_incomplete_event_size`` only applies to its slower h11 protocol; the gateway runs
httptools for speed.)
"""

from __future__ import annotations

import asyncio
import dataclasses
import resource
from dataclasses import dataclass

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_FDS_PER_CONNECTION = 2  # the client's socket and, while it is served, one to the workspace
_FDS_RESERVED = 64  # the listening socket, logs, the credential chain's files, the event loop
_BUSY = (
    b'{"error":{"message":"The brickgate gateway is serving its maximum of connections '
    b'(--max-connections); retry shortly.","type":"server_error","param":null,"code":"overloaded"}}'
)
_BODY_STALLED = (
    b'{"error":{"message":"The request body stopped arriving before it was complete (--body-timeout). '
    b'Send the whole body; if the network is slow, restart the gateway with a longer --body-timeout.",'
    b'"type":"invalid_request_error","param":null,"code":"request_timeout"}}'
)
_TOO_LARGE = (
    b'{"error":{"message":"The request headers are larger than the brickgate gateway accepts '
    b'(--max-header-kb).","type":"invalid_request_error","param":null,"code":"headers_too_large"}}'
)


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    header_timeout: float = 10.0  # seconds to send the request line and headers
    max_header_bytes: int = 64 * 1024  # 4x Node's own server default (16 KiB)
    max_connections: int = 1024  # client connections open at once
    body_timeout: float = 30.0  # seconds a request body may go without a byte before it is complete


def fit_to_descriptor_limit(limits: ConnectionLimits) -> ConnectionLimits:
    """Raise the soft open-files limit to what ``max_connections`` needs (up to the hard limit), and lower
    ``max_connections`` to what the hard limit allows, so evicting idle sockets happens before accept()
    runs out of descriptors. For `brickgate serve`, which owns its process."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return limits
    wanted = limits.max_connections * _FDS_PER_CONNECTION + _FDS_RESERVED
    ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < ceiling:
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))
        soft = ceiling
    fits = max(1, (soft - _FDS_RESERVED) // _FDS_PER_CONNECTION)
    if fits >= limits.max_connections:
        return limits
    return dataclasses.replace(limits, max_connections=fits)


def protocol_class(limits: ConnectionLimits) -> type[HttpToolsProtocol]:
    """The protocol uvicorn instantiates per connection, bound to ``limits``."""
    return type("LimitedHttpToolsProtocol", (LimitedHttpToolsProtocol,), {"limits": limits})


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    limits = ConnectionLimits()
    _awaiting_head = True  # no request in progress: the next bytes are a request head
    _head_bytes = 0
    _idle_since = 0.0
    _head_timer: asyncio.TimerHandle | None = None
    _body_due = False  # the head is read and its body is still coming
    _body_seen = 0.0  # when the body's latest bytes came
    _body_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._idle_since = self.loop.time()
        self._arm_head_timer()
        if len(self.connections) > self.limits.max_connections and not self._evict_longest_idle():
            self._answer_and_close(503, b"Service Unavailable", _BUSY)

    def data_received(self, data: bytes) -> None:
        if self._awaiting_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._awaiting_head and self._head_bytes > self.limits.max_header_bytes:
            self._refuse_head()
        elif self._body_due:  # a body still coming after this read (most arrive with their head)
            self._body_seen = self.loop.time()
            if self._body_timer is None:
                self._body_timer = self.loop.call_later(self.limits.body_timeout, self._body_check)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_head_timer()  # a kept-alive connection starting its next request

    def on_headers_complete(self) -> None:
        self._awaiting_head = False
        self._head_bytes = 0
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        self._body_due = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._body_due = False
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.cycle is None or self.cycle.response_complete:  # not serving a pipelined request
            self._awaiting_head = True
            self._idle_since = self.loop.time()

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in (self._head_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        self._head_timer = self._body_timer = None
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.limits.header_timeout, self._head_timed_out)

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._awaiting_head and not self.transport.is_closing():
            self.transport.close()

    def _body_check(self) -> None:
        self._body_timer = None
        if not self._body_due or self.transport.is_closing():
            return
        waited = self.loop.time() - self._body_seen
        if waited < self.limits.body_timeout or self.flow.read_paused:  # paused: the app is not reading yet
            delay = self.limits.body_timeout - waited if waited < self.limits.body_timeout else 1.0
            self._body_timer = self.loop.call_later(delay, self._body_check)
            return
        self._body_due = False
        self._answer_and_close(408, b"Request Timeout", _BODY_STALLED)

    def _is_idle(self) -> bool:
        return self._awaiting_head and (self.cycle is None or self.cycle.response_complete)

    def _evict_longest_idle(self) -> bool:
        """Close the connection idle the longest, unless connections being closed already make room;
        False when every other connection is busy."""
        others = [
            c
            for c in self.connections
            if c is not self and isinstance(c, LimitedHttpToolsProtocol) and not c.transport.is_closing()
        ]
        if len(others) < self.limits.max_connections:
            return True
        idle = [c for c in others if c._is_idle()]
        if not idle:
            return False
        min(idle, key=lambda c: c._idle_since).transport.close()
        return True

    def _refuse_head(self) -> None:
        self._awaiting_head = False
        self._answer_and_close(431, b"Request Header Fields Too Large", _TOO_LARGE)

    def _answer_and_close(self, status: int, reason: bytes, body: bytes) -> None:
        if self.transport.is_closing():
            return
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
            b"connection: close\r\n\r\n%s" % (status, reason, len(body), body)
        )
        self.transport.close()
