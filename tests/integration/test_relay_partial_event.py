"""The same-API relay never forwards half an SSE event, even when the upstream dies mid-event.

A raw socket server plays the upstream so the half event really arrives as its own HTTP chunk before the
connection drops (uvicorn-based servers tend to lose that last write).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from brickgate.catalog.discovery import model_for_family
from brickgate.catalog.families import USD_PER_DBU, family_for
from brickgate.catalog.model import Model
from brickgate.errors import StreamInterrupted
from brickgate.quirks import stream_repair
from brickgate.relay import RawRelay
from brickgate.upstream import Upstream

WHOLE = b'data: {"choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n'
HALF = b'data: {"choices":[{"index":0,"del'


def llama() -> Model:
    name = "databricks-meta-llama-3-3-70b-instruct"
    return model_for_family(name, family_for(name), usd_per_dbu=USD_PER_DBU)


async def dying_upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    await reader.read(65536)  # the JSON body (small)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
    for piece in (WHOLE, HALF):
        writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        await writer.drain()
        await asyncio.sleep(0.05)
    writer.transport.abort()  # no terminating chunk: the stream broke


async def relayed_bytes() -> tuple[bytes, BaseException | None]:
    server = await asyncio.start_server(dying_upstream, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]

    async def no_auth() -> dict[str, str]:
        return {}

    upstream = Upstream(f"http://127.0.0.1:{port}", no_auth)
    out = b""
    error: BaseException | None = None
    try:
        resp = await upstream.post("/serving-endpoints/chat/completions", {"stream": True}, stream=True)
        model = llama()
        repair = stream_repair(model, "chat")
        relay = RawRelay(
            resp, model=model, api="chat", surface="serving-endpoints", repairs=(), repair=repair
        )
        chunks: AsyncIterator[bytes] = relay.chunks()
        try:
            async for chunk in chunks:
                out += chunk
        except StreamInterrupted as exc:
            error = exc
    finally:
        await upstream.aclose()
        server.close()
        await server.wait_closed()
    return out, error


def test_half_an_event_is_held_back_when_the_upstream_dies() -> None:
    out, error = asyncio.run(relayed_bytes())
    assert isinstance(error, StreamInterrupted)
    assert out == WHOLE  # the whole event went out; the half one never did


@pytest.mark.parametrize(
    ("data", "cut"),
    [
        (b"", 0),
        (b"data: x", 0),
        (b"data: x\n\n", 9),
        (b"data: x\n\ndata: y", 9),
        (b"data: x\r\n\r\ndata", 11),
    ],
)
def test_offset_after_the_last_whole_event(data: bytes, cut: int) -> None:
    from brickgate.relay import _after_last_event

    assert _after_last_event(data) == cut
