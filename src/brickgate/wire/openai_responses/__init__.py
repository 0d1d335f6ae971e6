"""OpenAI Responses, both directions: Databricks `/serving-endpoints/responses` and agents (Codex CLI)."""

from brickgate.wire.openai_responses.requests import decode_request, encode_request
from brickgate.wire.openai_responses.stream_decoder import StreamDecoder, decode_response

__all__ = ["StreamDecoder", "decode_request", "decode_response", "encode_request"]
