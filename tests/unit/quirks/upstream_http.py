"""Plain HTTP to the emulator for the quirk integration tests: what the upstream says, unfiltered."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

CHAT_PATH = "/serving-endpoints/chat/completions"
RESPONSES_PATH = "/serving-endpoints/responses"
ANTHROPIC_PATH = "/serving-endpoints/anthropic/v1/messages"


class Upstream(Protocol):
    url: str
    token: str


@dataclass(frozen=True)
class Answer:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text)

    def sse_payloads(self) -> list[dict[str, Any]]:
        """The JSON payload of every ``data:`` line (``[DONE]`` left out)."""
        lines = (line[5:].strip() for line in self.text.splitlines() if line.startswith("data:"))
        return [json.loads(data) for data in lines if data and data != "[DONE]"]


def post(upstream: Upstream, path: str, body: dict[str, Any]) -> Answer:
    """POST ``body`` as JSON with the emulator's PAT; errors are returned, not raised."""
    request = urllib.request.Request(
        upstream.url + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {upstream.token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Answer(response.status, response.read().decode())
    except urllib.error.HTTPError as err:
        return Answer(err.code, err.read().decode())
