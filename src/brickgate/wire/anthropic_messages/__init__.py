"""Anthropic Messages, both directions: Databricks `/serving-endpoints/anthropic/v1/messages` and agents."""

from brickgate.wire.anthropic_messages.requests import decode_request, encode_request
from brickgate.wire.anthropic_messages.stream_decoder import StreamDecoder, decode_response

__all__ = ["StreamDecoder", "decode_request", "decode_response", "encode_request"]
