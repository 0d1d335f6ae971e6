"""An in-memory transport for Upstream (httpx's MockTransport idea): a handler answers each request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field

from brickgate.upstream import RetryPolicy, Upstream


@dataclass
class SentRequest:
    method: str
    url: str
    body: bytes
    headers: Mapping[str, str]


@dataclass
class ScriptedResponse:
    """An answer whose body arrives in the given pieces; records whether it was closed or read through."""

    status: int = 200
    pieces: Iterable[bytes] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    closed: bool = False
    read_through: bool = False

    async def chunks(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            if self.closed:
                return
            yield piece
        self.read_through = True

    async def read(self, limit: int = 0) -> bytes:
        self.read_through = True
        return b"".join(self.pieces)

    def close(self) -> None:
        self.closed = True


Handler = Callable[[SentRequest], ScriptedResponse]


class MockTransport:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.sent: list[SentRequest] = []

    async def send(self, method: str, url: str, body: bytes, headers: Mapping[str, str]) -> ScriptedResponse:
        request = SentRequest(method, url, body, dict(headers))
        self.sent.append(request)
        return self.handler(request)

    def pool_stats(self) -> dict[str, int]:
        return {"in_use": 0, "idle": 0}

    async def aclose(self) -> None:
        pass


def answering(*responses: ScriptedResponse) -> MockTransport:
    """A transport that gives ``responses`` in order, one per request."""
    queue = list(responses)
    return MockTransport(lambda request: queue.pop(0))


def upstream_over(transport: MockTransport, **options: object) -> Upstream:
    async def token() -> dict[str, str]:
        return {"Authorization": "Bearer t"}

    retry = RetryPolicy(base_delay=0.0, max_delay=0.0)
    return Upstream("https://ws.example", token, transport=transport, retry=retry, **options)


def sse(*events: str) -> bytes:
    return b"".join(f"data: {e}\n\n".encode() for e in events)
