"""Gemini API (``generateContent``), both directions: Databricks' ``/…/gemini/v1beta/models/{m}:…`` and
Gemini callers (Gemini CLI, the google-genai SDKs)."""

from brickgate.wire.gemini.requests import FIELDS, decode_request, encode_request
from brickgate.wire.gemini.stream_decoder import (
    StreamDecoder,
    decode_response,
    stream_decoder,
    usage_of,
)
from brickgate.wire.gemini.stream_encoder import StreamEncoder, encode_response, stream_encoder

__all__ = [
    "FIELDS",
    "StreamDecoder",
    "StreamEncoder",
    "decode_request",
    "decode_response",
    "encode_request",
    "encode_response",
    "stream_decoder",
    "stream_encoder",
    "usage_of",
]
