"""What every wire package implements: one API, both directions, checked by mypy.

A wire package is a module that satisfies :class:`Wire`; ``registry.WIRES`` lists one per ``Api`` and mypy
checks each entry against the Protocol, so adding an API is one package plus one registry line.

    wire = WIRES[api]
    request = wire.decode_request(body)                  # inbound body → canonical Request
    body = wire.encode_request(request, "endpoint")      # canonical Request → upstream body
    decoder = wire.stream_decoder()                      # upstream SSE payloads → protocol events
    events = decoder.event(payload)                      # one parsed `data:` object (parsed once, upstream)
    encoder = wire.stream_encoder("model", body)         # protocol events → SSE bytes for the caller
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from brickgate.protocol import Request, Response, StreamEvent, Usage
from brickgate.wire.fields import JSONObject, json_object
from brickgate.wire.sse import SSEEvent

Api = Literal["chat", "responses", "messages", "gemini"]

# The JSON types a request field may hold, as the Python types orjson decodes them to.
JsonTypes = tuple[type, ...]
OBJECT: JsonTypes = (dict,)
ARRAY: JsonTypes = (list,)
STRING: JsonTypes = (str,)
INTEGER: JsonTypes = (int,)
NUMBER: JsonTypes = (int, float)
BOOLEAN: JsonTypes = (bool,)


@dataclass(frozen=True, slots=True)
class Field:
    """One top-level request field of an API: what the gateway's shape check, the decoder, the field filter
    for translated requests and the strict-field repair know about it."""

    types: JsonTypes = ()  # the JSON types it may hold; () = not checked
    canonical: bool = False  # decode_request maps it onto Request; else it travels in Request.extra
    object_items: bool = False  # an array whose items must be JSON objects
    documented: bool = (
        False  # one of Databricks' documented fields for this API (strict decoders: only these)
    )


# Every top-level field an API defines (a field not listed is unknown to that API).
FieldTable = Mapping[str, Field]


class StreamDecoder(Protocol):
    """Folds one upstream answer into protocol events, one SSE ``data:`` payload at a time."""

    def event(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        """One payload that is a JSON object, already parsed (and repaired) by the caller."""
        ...

    def text(self, data: str) -> list[StreamEvent]:
        """One payload that is not a JSON object: the API's end marker (``[DONE]``) or garbage."""
        ...

    def close(self) -> list[StreamEvent]:
        """The byte stream ended; a stream cut short ends in a ``StreamError``."""
        ...


class StreamEncoder(Protocol):
    """Encodes one answer in the caller's API: ``encode`` each event, then ``finish`` once."""

    def encode(self, event: StreamEvent) -> bytes: ...

    def finish(self) -> bytes: ...


class Wire(Protocol):
    """One API in both directions; implemented by a module (``wire/openai_chat`` ...)."""

    @property
    def FIELDS(self) -> FieldTable: ...

    def decode_request(self, body: Mapping[str, Any]) -> Request:
        """An inbound body → canonical Request; ``InvalidRequest`` says what is wrong with it."""
        ...

    def encode_request(self, request: Request, model: str) -> JSONObject:
        """A canonical Request → the upstream body for endpoint ``model``."""
        ...

    def decode_response(self, body: Mapping[str, Any]) -> list[StreamEvent]:
        """A non-streaming upstream body → the events its stream would have produced."""
        ...

    def encode_response(self, response: Response, model: str) -> JSONObject:
        """A final Response → the caller's non-streaming body."""
        ...

    def stream_decoder(self) -> StreamDecoder: ...

    def usage_of(self, payload: Mapping[str, Any]) -> Usage | None:
        """The token usage one parsed payload (an SSE event or a whole body) reports, if any."""
        ...

    def stream_encoder(self, model: str, request: Mapping[str, Any]) -> StreamEncoder:
        """An encoder for the answer to the inbound ``request`` (whose options may shape the stream)."""
        ...


def feed(decoder: StreamDecoder, event: SSEEvent) -> list[StreamEvent]:
    """One SSE event into ``decoder``: its data parsed once, as an object (``event``) or text (``text``)."""
    payload = json_object(event.data)
    return decoder.text(event.data) if payload is None else decoder.event(payload)
