"""Plain urllib calls for the emulator tests: status, headers and parsed body, never an exception."""

from __future__ import annotations

import base64
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    raw: bytes
    cut: bool = False  # the connection closed before the body was complete

    def json(self) -> Any:
        return json.loads(self.raw)

    def sse(self) -> list[tuple[str | None, str]]:
        """(event name, data) pairs in order (LF or CRLF line ends)."""
        events: list[tuple[str | None, str]] = []
        for block in self.raw.decode().replace("\r\n", "\n").split("\n\n"):
            name, data = None, []
            for line in block.splitlines():
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
            if data:
                events.append((name, "\n".join(data)))
        return events

    def sse_json(self) -> list[dict[str, Any]]:
        """The JSON data of every SSE event, skipping `[DONE]`."""
        return [json.loads(data) for _, data in self.sse() if data != "[DONE]"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def basic_token(token: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"token:{token}".encode()).decode()}


def call(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> Reply:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            try:
                return Reply(response.status, headers, response.read())
            except http.client.IncompleteRead as incomplete:
                return Reply(response.status, headers, incomplete.partial, cut=True)
    except urllib.error.HTTPError as err:
        return Reply(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


def get(url: str, token: str | None = None, headers: dict[str, str] | None = None) -> Reply:
    return call("GET", url, headers={**(bearer(token) if token else {}), **(headers or {})})


def post(url: str, body: Any, token: str | None = None, headers: dict[str, str] | None = None) -> Reply:
    return call("POST", url, body, headers={**(bearer(token) if token else {}), **(headers or {})})


def post_form(url: str, fields: dict[str, str], user: str, password: str) -> Reply:
    """An OAuth-style form POST with HTTP Basic client authentication."""
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(fields).encode(),
        method="POST",
        headers={"Authorization": f"Basic {auth}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return Reply(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as err:
        return Reply(err.code, dict(err.headers.items()), err.read())
