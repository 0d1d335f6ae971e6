"""Feeding recorded wire bytes through the SSE codec and a wire module's stream decoder."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

from brickgate.protocol import StreamEvent
from brickgate.wire.contract import feed
from brickgate.wire.sse import SSEDecoder

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def decode_stream(wire: ModuleType, data: bytes, chunk_size: int | None = None) -> list[StreamEvent]:
    """All events ``wire.StreamDecoder`` makes of ``data``, fed in chunks of ``chunk_size`` bytes."""
    sse = SSEDecoder()
    decoder = wire.StreamDecoder()
    size = chunk_size or len(data) or 1
    events: list[StreamEvent] = []
    for start in range(0, len(data), size):
        for raw in sse.feed(data[start : start + size]):
            events += feed(decoder, raw)
    for raw in sse.flush():
        events += feed(decoder, raw)
    return events + decoder.close()


def encode_stream(encoder: Any, events: list[StreamEvent]) -> bytes:
    return b"".join(encoder.encode(e) for e in events) + encoder.finish()
