"""The one redaction helper every log line, error text and JSON output passes through."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

MASK = "****"
_lock = threading.Lock()
_known: set[str] = set()

# Token shapes worth hiding even when we were never told about them.
_TOKEN_SHAPES = re.compile(
    r"dapi[0-9a-f]{16,}(?:-\d+)?"  # Databricks PAT
    r"|dose[0-9a-f]{16,}"  # Databricks OAuth client secret
    r"|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*"  # JWT access tokens
)
_AUTH_HEADER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")


def register_secret(*values: str | None) -> None:
    """Remember values that must never be printed (tokens, client secrets)."""
    with _lock:
        _known.update(v for v in values if v and len(v) >= 4)


def redact(text: str, extra: Iterable[str] = ()) -> str:
    secrets = {*_known, *(e for e in extra if e and len(e) >= 4)}
    for v in sorted(secrets, key=len, reverse=True):
        text = text.replace(v, MASK)
    text = _TOKEN_SHAPES.sub(MASK, text)
    return _AUTH_HEADER.sub(lambda m: f"{m.group(1)} {MASK}", text)
