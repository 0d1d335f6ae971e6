"""Carrying a reasoning signature through a Responses client's ``encrypted_content``.

A Responses client (Codex CLI) replays reasoning items verbatim, but only ``encrypted_content`` and
``summary`` survive the round trip. When the reasoning came from an upstream that signs it (Claude
``thinking`` blocks, Gemini via chat), the gateway stores the signature there behind a prefix, so the
next turn can hand the exact signature back. Unprefixed values are real encrypted content (or Anthropic
``redacted_thinking`` data) and are carried as ``redacted``.
"""

from __future__ import annotations

from typing import Any

SIGNATURE_PREFIX = "brickgate.signature:"


def pack_encrypted(signature: str | None, redacted: str | None) -> str | None:
    """The ``encrypted_content`` value for a reasoning part with this signature / redacted payload."""
    if redacted is not None:
        return redacted
    if signature is not None:
        return SIGNATURE_PREFIX + signature
    return None


def unpack_encrypted(value: Any) -> tuple[str | None, str | None]:
    """``encrypted_content`` → (signature, redacted); both None when absent."""
    if not isinstance(value, str) or not value:
        return None, None
    if value.startswith(SIGNATURE_PREFIX):
        return value[len(SIGNATURE_PREFIX) :], None
    return None, value
