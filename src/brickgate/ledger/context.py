"""The request being recorded, as seen from deeper down the call (the upstream client's retries), and
whether the gateway records it (then the library's own recording stands aside: one row per request).

Kept free of imports so ``upstream.py`` can call ``note_retry`` at no cost."""

from __future__ import annotations

import contextvars
from typing import Protocol


class Recording(Protocol):
    retries: int
    by_gateway: bool


current: contextvars.ContextVar[Recording | None] = contextvars.ContextVar("recording", default=None)
retries_total = 0  # every upstream retry of this process, recorded or not (for /metrics)


def note_retry() -> None:
    """Called by the upstream client before it waits to retry."""
    global retries_total
    retries_total += 1
    recording = current.get()
    if recording is not None:
        recording.retries += 1


def gateway_is_recording() -> bool:
    recording = current.get()
    return recording is not None and recording.by_gateway
