"""The same-API fast path: forward an inbound body to the upstream of the same API, repairing only what the
model's quirks require, and relay the answer event by event without building canonical objects.

Unknown fields survive untouched, and only events a response repair changes are re-serialised.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import orjson

from brickgate.catalog.model import Model
from brickgate.protocol import Usage
from brickgate.quirks import StreamRepair
from brickgate.routing import Surface
from brickgate.upstream import UpstreamResponse
from brickgate.wire.contract import Api
from brickgate.wire.fields import json_object
from brickgate.wire.registry import WIRES
from brickgate.wire.sse import SSEDecoder, SSEEvent, encode_sse

# The key an event's usage is under, as bytes a relayed block is searched for ("usage" elsewhere)
USAGE_KEYS: dict[Api, bytes] = {"gemini": b'"usageMetadata"'}
# Every event of these APIs repeats the usage so far (Gemini's usageMetadata): parsing each one for the access
# log cost a JSON parse per relayed event; the last one says it all, read when ``usage`` is.
REPEATED_USAGE: frozenset[Api] = frozenset({"gemini"})


class RawRelay:
    """An upstream answer relayed in the caller's own API. ``usage`` is filled in as it streams by."""

    def __init__(
        self,
        resp: UpstreamResponse,
        *,
        model: Model,
        api: Api,
        surface: Surface,
        repairs: tuple[str, ...],
        repair: StreamRepair,
    ) -> None:
        self._resp = resp
        self.model = model
        self.api = api
        self.surface = surface
        self._request_repairs = repairs
        self._repair = repair
        self._usage_of = WIRES[api].usage_of
        self._usage_key = USAGE_KEYS.get(api, b'"usage"')
        self._usage_str = self._usage_key.decode()
        self._deferred = api in REPEATED_USAGE
        self._latest: bytes | None = None  # the last block with a usage not yet read (REPEATED_USAGE)
        self._usage: Usage | None = None

    @property
    def usage(self) -> Usage | None:
        """The answer's usage so far (for the access log and the ledger)."""
        if self._latest is not None:
            block, self._latest = self._latest, None
            self._sniff_usage(block)
        return self._usage

    @property
    def repairs(self) -> tuple[str, ...]:
        return self._request_repairs + tuple(
            r for r in self._repair.applied if r not in self._request_repairs
        )

    async def read(self) -> bytes:
        raw = await self._resp.read()
        doc = json_object(raw)
        if doc is None:
            return raw
        self._note_usage(doc)
        if not self._repair.needed:
            return raw
        fixed = self._repair.response(doc)
        return raw if fixed is doc else orjson.dumps(fixed)

    async def chunks(self) -> AsyncIterator[bytes]:
        """The answer as SSE bytes, one piece per upstream read. A block no repair needs (the repairs scan
        its bytes) goes out as it came; otherwise only the events a repair changes are re-serialised."""
        repair = self._repair
        async for block in self._whole_events():
            if not repair.needed or not repair.scan(block):
                if self._usage_key in block:
                    if self._deferred:
                        self._latest = block
                    else:
                        self._sniff_usage(block)
                yield block
            elif b"\r" in block:  # CR/CRLF framing (not what Databricks sends): the full SSE decoder
                yield self._reframed(block)
            else:
                yield b"".join(self._relay_raw(ev) for ev in block.split(b"\n\n") if ev)

    async def _whole_events(self) -> AsyncIterator[bytes]:
        """Upstream reads, cut after their last complete event. A trailing partial event is held back until
        it completes, so a stream that breaks mid-event leaves the caller whole events (and the gateway's
        error event after them), not half a JSON line."""
        pending = b""
        async for chunk in self._resp.chunks():
            data = pending + chunk if pending else chunk
            cut = _after_last_event(data)
            pending = data[cut:]
            if cut:
                yield data[:cut]
        if pending:
            yield pending

    def _relay_raw(self, event: bytes) -> bytes:
        """One event (without its blank line): repaired on its raw bytes where the repairs can (the
        Responses item-id fix, an added finish chunk), else parsed, repaired and re-encoded."""
        fixed = self._repair.raw_event(event)
        if fixed is None:
            return self._reframed(event + b"\n\n")
        if self._usage_key in event:
            self._sniff_usage(event)
        return fixed + b"\n\n"

    def _reframed(self, block: bytes) -> bytes:
        decoder = SSEDecoder()
        return b"".join(self._relay_event(ev) for ev in decoder.feed(block) + decoder.flush())

    def _sniff_usage(self, chunk: bytes) -> None:
        """Usage for the access log from whole `data:` lines of a passed-through chunk (best effort: an
        event split across reads is not reassembled, since relaying must not wait for it)."""
        key = self._usage_key
        # only the lines holding the key, found with bytes.find: splitting a 32-event block into its ~110
        # lines to look at two cost 40 us per relayed stream
        at = chunk.rfind(key) if self._deferred else chunk.find(key)  # deferred: the last one says it all
        while at >= 0:
            start = chunk.rfind(b"\n", 0, at) + 1
            end = chunk.find(b"\n", at)
            end = len(chunk) if end < 0 else end
            line = chunk[start:end].rstrip(b"\r")
            if line.startswith(b"data:"):
                doc = json_object(line[5:])
                if doc is not None:
                    self._note_usage(doc)
            at = -1 if self._deferred else chunk.find(key, end)

    def _relay_event(self, ev: SSEEvent) -> bytes:
        data = ev.data
        doc = json_object(data) if data and (self._repair.needed or self._usage_str in data) else None
        if doc is None:
            if self._repair.needed and data == "[DONE]":  # a repair may add an event before the end
                done = self._repair.raw_event(b"data: [DONE]")
                if done is not None:
                    return done + b"\n\n"
            return encode_sse(data, ev.event)
        self._note_usage(doc)
        fixed = self._repair.event(doc) if self._repair.needed else doc
        return encode_sse(data if fixed is doc else orjson.dumps(fixed), ev.event)

    def _note_usage(self, doc: Mapping[str, Any]) -> None:
        new = self._usage_of(doc)
        if new is None:
            return
        self._latest = None  # this one is newer
        old = self._usage or Usage()
        # Messages streams split usage over message_start (input) and message_delta (output); chat streams
        # repeat partial usage per chunk. Keep every field's latest non-zero value.
        self._usage = Usage(
            input_tokens=new.input_tokens or old.input_tokens,
            output_tokens=new.output_tokens or old.output_tokens,
            cache_read_tokens=new.cache_read_tokens or old.cache_read_tokens,
            cache_write_tokens=new.cache_write_tokens or old.cache_write_tokens,
            reasoning_tokens=new.reasoning_tokens or old.reasoning_tokens,
            service_tier=new.service_tier or old.service_tier,
        )


def _after_last_event(data: bytes) -> int:
    """Offset just past the last complete SSE event in ``data`` (0 when there is none)."""
    lf = data.rfind(b"\n\n")
    crlf = data.rfind(b"\r\n\r\n")
    return max(lf + 2 if lf >= 0 else 0, crlf + 4 if crlf >= 0 else 0)
