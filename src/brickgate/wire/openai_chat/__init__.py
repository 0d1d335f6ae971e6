"""OpenAI Chat Completions, both directions: Databricks `/serving-endpoints/chat/completions` and agents."""

from brickgate.wire.openai_chat.requests import FIELDS, decode_request, encode_request
from brickgate.wire.openai_chat.stream_decoder import (
    StreamDecoder,
    decode_response,
    stream_decoder,
    usage_of,
)
from brickgate.wire.openai_chat.stream_encoder import StreamEncoder, encode_response, stream_encoder

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
