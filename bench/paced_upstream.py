"""An upstream that answers at model speed: the mock upstream's answers, with time to first token and a
token rate, and the time each token was written stamped into it.

A POST whose body holds ``bench-rate=R`` (tokens per second), ``bench-ttft-ms=T`` and ``bench-events=N``
is answered with the SSE head at once, then, T ms later, the events up to the first text delta, then one
delta every 1/R s (one write each, as a model server writes them), then the closing events. Each delta's
text is ``t<CLOCK_MONOTONIC ns> `` of its write, so a client on the same machine reads the delay each
event picked up on the way (any translation keeps the text). Everything else is bench/mock_upstream.py.

Run: ``python -m bench.paced_upstream --port 0`` prints ``listening http://127.0.0.1:PORT``.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time

from bench.fixtures import Api, stream_events, word
from bench.mock_upstream import (
    _SSE_HEAD,
    MockConnection,
    api_of,
    framed,
    serve,
)

_RATE_RE = re.compile(rb"bench-rate=(\d+)")
_TTFT_RE = re.compile(rb"bench-ttft-ms=(\d+)")
_EVENTS_RE = re.compile(rb"bench-events=(\d+)")
STAMP = re.compile(rb"t(\d{9,}) ")  # what a client looks for in the text


def paced_events(api: Api, n: int) -> tuple[list[bytes], list[bytes], list[bytes]]:
    """(events before the first delta, the n deltas, the closing events) of one answer."""
    events = list(stream_events(api, n))
    first = next(i for i, e in enumerate(events) if word(0).encode() in e)
    return events[:first], events[first : first + n], events[first + n :]


class PacedConnection(MockConnection):
    """The mock's connection, answering a request that asks for pacing at model speed."""

    def _answer(self, method: bytes, path: bytes, body: bytes) -> None:
        rate = _RATE_RE.search(body)
        api = api_of(path) if method == b"POST" else None
        if rate is None or api is None or self.transport is None:
            super()._answer(method, path, body)
            return
        ttft, events = _TTFT_RE.search(body), _EVENTS_RE.search(body)
        head, deltas, tail = paced_events(api, int(events.group(1)) if events else 32)
        self.pacing = True
        self.transport.write(_SSE_HEAD)
        gap = 1 / int(rate.group(1))
        delay = int(ttft.group(1)) / 1000 if ttft else 0.0
        loop = asyncio.get_running_loop()
        loop.call_later(delay, self._write, b"".join(framed(e) for e in head), deltas, tail, 0, gap)

    def _write(self, before: bytes, deltas: list[bytes], tail: list[bytes], i: int, gap: float) -> None:
        if self.transport is None:
            return
        stamp = b"t%d " % time.monotonic_ns()
        self.transport.write(before + framed(deltas[i].replace(word(i).encode(), stamp, 1)))
        if i + 1 < len(deltas):
            asyncio.get_running_loop().call_later(gap, self._write, b"", deltas, tail, i + 1, gap)
            return
        self.transport.write(b"".join(framed(e) for e in tail) + b"0\r\n\r\n")
        self.pacing = False
        self._serve_buffered()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    import uvloop

    uvloop.run(serve(args.host, args.port, 0, PacedConnection))


if __name__ == "__main__":
    main()
