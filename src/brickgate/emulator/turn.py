"""One answered request: the scripted reply plus everything a wire renderer needs to render it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from brickgate.emulator.script import Reply
from brickgate.emulator.workspace import Endpoint


def sign(key: bytes, value: str) -> str:
    """A verifiable opaque signature (thinking `signature`, Gemini `thoughtSignature`)."""
    digest = hmac.new(key, value.encode(), hashlib.sha256).digest()
    return base64.b64encode(b"emu-sig:" + digest).decode()


def signature_is_valid(key: bytes, value: str, signature: object) -> bool:
    """Compared as the bytes it encodes: Google's JSON reads standard and URL-safe base64 alike (proto3
    JSON mapping of `bytes`), and the google-genai SDK sends thought signatures URL-safe."""
    if not isinstance(signature, str):
        return False
    padded = signature.replace("+", "-").replace("/", "_") + "=" * (-len(signature) % 4)
    try:
        given = base64.urlsafe_b64decode(padded)
    except ValueError:  # binascii.Error is a ValueError
        return False
    return hmac.compare_digest(given, base64.b64decode(sign(key, value)))


@dataclass(frozen=True, slots=True, kw_only=True)
class CacheUsage:
    """Prompt-cache accounting for Claude: a marked prefix is written on first sight, read after."""

    read: int = 0
    write: int = 0
    marked: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Turn:
    endpoint: Endpoint
    reply: Reply
    created: int
    signing_key: bytes
    cache: CacheUsage = CacheUsage()
    service_tier: str | None = None  # echoed when the request named one (2026 §4.1)
    prior_tool_calls: int = 0  # tool calls already in the history (Kimi numbers its call ids)

    @property
    def model(self) -> str:
        return self.endpoint.upstream_model

    def sign(self, value: str) -> str:
        return sign(self.signing_key, value)

    def call_id(self, prefix: str) -> str:
        """The id of the reply's tool call: `<prefix><seed>`, or Kimi's `functions.<name>:<idx>` ([HALO])."""
        call = self.reply.tool_call
        assert call is not None
        if self.endpoint.behaviour.kimi_tools:
            return f"functions.{call.name}:{self.prior_tool_calls}"
        return prefix + call.call_id

    @property
    def reasoning_signature(self) -> str:
        return self.sign(self.reply.reasoning)

    @property
    def shown_reasoning(self) -> str:
        """Claude adaptive thinking comes back as an empty summary with a signature (2026 §1.4 [KAS])."""
        return "" if self.endpoint.behaviour.adaptive_thinking else self.reply.reasoning

    @property
    def prompt_tokens(self) -> int:
        """Input tokens outside the cache (Claude reports cached parts separately)."""
        return max(1, self.reply.input_tokens - self.cache.read - self.cache.write)


def cache_prefix(segments: list[Any]) -> str | None:
    """The JSON of every segment up to the last one carrying `cache_control`; None when nothing is marked."""
    last = -1
    for index, segment in enumerate(segments):
        if '"cache_control"' in json.dumps(segment):
            last = index
    return None if last < 0 else json.dumps(segments[: last + 1], sort_keys=True)


def as_dict(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def text_of(content: object) -> str:
    """Plain text of a message content: a string, or the text of every text-like part of an array."""
    if isinstance(content, str):
        return content
    parts = [as_dict(p) for p in as_list(content)]
    return "".join(
        str(p.get("text", "")) for p in parts if p.get("type") in ("text", "input_text", "output_text")
    )
