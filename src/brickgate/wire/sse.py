"""Server-sent events: one decoder and one encoder for every wire module.

Decoding follows the WHATWG "event stream interpretation" algorithm: lines end in CRLF, LF or CR; lines
starting with ``:`` are comments; ``data:`` lines of one event join with ``\\n``; a blank line dispatches;
an event with no data is dropped; the last event id persists across events. Bytes are split into lines
with bytes operations, so a multi-byte UTF-8 character split across network chunks is decoded whole.

One deliberate deviation: ``flush()`` dispatches an event left pending when the stream ends without its
final blank line (the spec discards it). Upstreams that omit the trailing blank line after ``[DONE]`` or
``message_stop`` would otherwise look cut; a truly cut event fails JSON decoding downstream instead.
"""

from __future__ import annotations

from typing import NamedTuple

_LF = 10
_CR = 13
_COLON = 58
_SPACE = 32


class SSEEvent(NamedTuple):  # not a frozen dataclass: its __init__ was a third of ``feed``'s time per event
    event: str | None
    data: str
    id: str | None = None


class SSEDecoder:
    """Incremental SSE parser: ``feed`` network chunks, get complete events; ``flush`` at end of stream."""

    __slots__ = ("_buf", "_data", "_event", "_last_id", "_skip_lf", "_started")

    def __init__(self) -> None:
        self._buf = b""
        self._data: list[bytes] = []
        self._event: str | None = None
        self._last_id: str | None = None
        self._skip_lf = False  # the previous chunk ended in CR: a leading LF belongs to that line end
        self._started = False

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        """Consume one chunk of bytes; return the events it completed (often none, sometimes several)."""
        if not chunk:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if chunk[0] == _LF:
                chunk = chunk[1:]
        if not self._started:
            if not self._buf and len(chunk) < 3 and b"\xef\xbb\xbf".startswith(chunk):
                self._buf = chunk  # could be the start of a BOM; decide when more bytes arrive
                return []
            chunk = self._buf + chunk
            self._buf = b""
            self._started = True
            if chunk.startswith(b"\xef\xbb\xbf"):
                chunk = chunk[3:]
        if b"\n" not in chunk and b"\r" not in chunk:
            self._buf += chunk
            return []
        buf = self._buf + chunk if self._buf else chunk
        lines = buf.splitlines()
        last = buf[-1]
        if last == _CR:
            self._skip_lf = True
            self._buf = b""
        elif last == _LF:
            self._buf = b""
        else:
            self._buf = lines.pop()
        events: list[SSEEvent] = []
        for line in lines:
            if line:
                self._field(line)
            elif self._data:
                events.append(self._dispatch())
            else:
                self._event = None
        return events

    def flush(self) -> list[SSEEvent]:
        """End of stream: treat leftover bytes as a last line and dispatch a pending event, if any."""
        if self._buf:
            if self._started or not b"\xef\xbb\xbf".startswith(self._buf):
                self._field(self._buf)
            self._buf = b""
        if self._data:
            return [self._dispatch()]
        self._event = None
        return []

    def _field(self, line: bytes) -> None:
        if line.startswith(b"data:"):
            self._data.append(line[6:] if line[5:6] == b" " else line[5:])
            return
        if line[0] == _COLON:
            return
        name, sep, value = line.partition(b":")
        if sep and value[:1] == b" ":
            value = value[1:]
        if name == b"event":
            self._event = value.decode("utf-8", "replace") or None
        elif name == b"data":  # "data" with no colon: an empty data line
            self._data.append(b"")
        elif name == b"id" and b"\0" not in value:
            self._last_id = value.decode("utf-8", "replace")

    def _dispatch(self) -> SSEEvent:
        data = self._data[0] if len(self._data) == 1 else b"\n".join(self._data)
        event = SSEEvent(self._event, data.decode("utf-8", "replace"), self._last_id)
        self._data = []
        self._event = None
        return event


_DATA = b"data: "
_EVENT_PREFIXES: dict[str, bytes] = {}


def _event_prefix(event: str) -> bytes:
    prefix = _EVENT_PREFIXES.get(event)
    if prefix is None:
        if "\n" in event or "\r" in event:
            raise ValueError(f"SSE event names cannot contain line breaks: {event!r}")
        prefix = b"event: " + event.encode() + b"\ndata: "
        if len(_EVENT_PREFIXES) < 256:  # event names are a small fixed set; don't grow without bound
            _EVENT_PREFIXES[event] = prefix
    return prefix


def encode_sse(data: bytes | str, event: str | None = None) -> bytes:
    """One SSE event as bytes: optional ``event:`` line, ``data:`` line(s), blank line."""
    if isinstance(data, str):
        data = data.encode()
    if b"\n" in data or b"\r" in data:
        data = b"\ndata: ".join(data.splitlines())
    prefix = _DATA if event is None else _event_prefix(event)
    return prefix + data + b"\n\n"
