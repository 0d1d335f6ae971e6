"""A small synchronous client for the `/_emulator/*` control API (tests, benchmarks, demos)."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EmulatorControl:
    """Credentials of a running emulator plus helpers to steer it."""

    url: str
    token: str
    client_id: str
    client_secret: str

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/_emulator/{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def reset(self) -> None:
        """Startup workspace, no faults, no recorded requests, zeroed stats."""
        self._call("POST", "reset", {})

    def fault(self, *specs: dict[str, Any]) -> None:
        """Queue faults, consumed in order by matching inference requests."""
        self._call("POST", "faults", list(specs))

    def set_endpoints(self, specs: list[dict[str, Any]]) -> None:
        """Replace the workspace's endpoint list."""
        self._call("POST", "workspace", specs)

    def set_today(self, today: str) -> None:
        """Move the emulator's clock (ISO date); endpoints past their retirement date disappear."""
        self._call("POST", "clock", {"today": today})

    def requests(self) -> list[dict[str, Any]]:
        """Inference requests received since the last reset (authorization redacted; each with
        `request_tags`, the parsed `Databricks-Ai-Gateway-Request-Tags` header)."""
        result: list[dict[str, Any]] = self._call("GET", "requests")
        return result

    def stats(self) -> dict[str, int]:
        """Hit counters: token, list, get, foundation_models, databricks_config, inference, ..."""
        result: dict[str, int] = self._call("GET", "stats")
        return result
