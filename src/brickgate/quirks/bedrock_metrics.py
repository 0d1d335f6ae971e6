"""Claude's Messages streams without Bedrock's invocation metrics.

Upstream fact (research databricks-2026.md §1.5 [LLc]): a Claude stream on the Messages API may carry an
extra ``amazon-bedrock-invocationMetrics`` field (the emulator puts it in ``message_stop``); it is not part
of Anthropic's API, LiteLLM strips it, and a relay passes it on to clients that validate events. Only the
same-API relay needs this (the Messages decoder ignores the field). Events without the name in their bytes
are not parsed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

JSON = dict[str, Any]
FIELD = "amazon-bedrock-invocationMetrics"
_MARKER = FIELD.encode()


class BedrockMetricsRepair:
    """Drops the field wherever it sits at the top of an event (or of a message body)."""

    __slots__ = ("changed",)

    def __init__(self) -> None:
        self.changed = False

    @property
    def applied(self) -> Iterable[str]:
        return ("drop_bedrock_metrics",) if self.changed else ()

    def scan(self, block: bytes) -> bool:
        return _MARKER in block

    def raw_event(self, raw: bytes) -> bytes | None:
        return None if _MARKER in raw else raw

    def event(self, data: JSON) -> JSON:
        if FIELD not in data:
            return data
        self.changed = True
        return {k: v for k, v in data.items() if k != FIELD}

    def response(self, body: JSON) -> JSON:
        return self.event(body)
