"""A recording proxy between brickgate and the emulator: it forwards every request untouched and sums the
token usage the upstream returned, read from the upstream's own bytes by a parser written independently of
brickgate's (so a mistake in brickgate's usage accounting cannot hide behind the same mistake here).

    with UsageTap(emulator.url) as tap:      # point DATABRICKS_HOST (or Credentials) at tap.url
        ...traffic through brickgate...
        tap.totals()                          # what the upstream reported, summed over 2xx answers
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

_HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection", "content-encoding"}


@dataclass
class UpstreamUsage:
    """One inference answer's usage as the upstream reported it."""

    path: str
    status: int
    model: str = ""
    input_tokens: int = 0  # every input token, cached or not
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0


@dataclass
class TapTotals:
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    by_path: dict[str, int] = field(default_factory=dict)
    by_model: dict[str, tuple[int, int]] = field(default_factory=dict)  # (input, output) tokens


def usage_of(path: str, status: int, content_type: str, body: bytes) -> UpstreamUsage:
    """The usage in one answer: a JSON body, or the last value of each field over an SSE stream (Claude
    streams repeat partial usage; Messages splits input and output over two events)."""
    seen: dict[str, Any] = {}
    if content_type.startswith("text/event-stream"):
        for line in body.decode("utf-8", "replace").splitlines():
            if line.startswith("data:") and line[5:].strip() not in ("", "[DONE]"):
                _collect(json.loads(line[5:]), seen)
    elif body:
        _collect(json.loads(body), seen)
    cache_read = int(seen.get("cache_read_input_tokens") or 0)
    cache_write = int(seen.get("cache_creation_input_tokens") or 0)
    cached = int(seen.get("cached_tokens") or 0)
    if "prompt_tokens" in seen:  # OpenAI Chat: prompt_tokens counts cached_tokens, not Anthropic's fields
        inputs = int(seen["prompt_tokens"] or 0) + cache_read + cache_write
    elif path.endswith("/messages"):  # Anthropic: input_tokens excludes both cache fields
        inputs = int(seen.get("input_tokens") or 0) + cache_read + cache_write
    else:  # OpenAI Responses: input_tokens includes input_tokens_details.cached_tokens
        inputs = int(seen.get("input_tokens") or 0)
    return UpstreamUsage(
        path=path,
        status=status,
        input_tokens=inputs,
        output_tokens=int(seen.get("completion_tokens") or seen.get("output_tokens") or 0),
        cache_read_tokens=cache_read + cached,
        cache_write_tokens=cache_write,
        reasoning_tokens=int(seen.get("reasoning_tokens") or 0),
    )


def _collect(doc: Any, seen: dict[str, Any]) -> None:
    """Every usage field found anywhere in ``doc`` (top level, `response.usage`, `message.usage`)."""
    if not isinstance(doc, dict):
        return
    usage = doc.get("usage")
    if isinstance(usage, dict):
        for key, value in usage.items():
            if isinstance(value, dict):
                for inner, number in value.items():
                    if number is not None:
                        seen[inner] = number
            elif value is not None:
                seen[key] = value
    for nested in ("response", "message"):
        _collect(doc.get(nested), seen)


class UsageTap:
    def __init__(self, upstream_url: str) -> None:
        self.upstream_url = upstream_url.rstrip("/")
        self.answers: list[UpstreamUsage] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="usage-tap", daemon=True)
        self.url = ""

    def __enter__(self) -> UsageTap:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the usage tap did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def totals(self) -> TapTotals:
        """The usage of every 2xx inference answer so far."""
        totals = TapTotals()
        with self._lock:
            answers = [a for a in self.answers if 200 <= a.status < 300]
        for a in answers:
            totals.requests += 1
            totals.input_tokens += a.input_tokens
            totals.output_tokens += a.output_tokens
            totals.cache_read_tokens += a.cache_read_tokens
            totals.cache_write_tokens += a.cache_write_tokens
            totals.reasoning_tokens += a.reasoning_tokens
            totals.by_path[a.path] = totals.by_path.get(a.path, 0) + 1
            seen_in, seen_out = totals.by_model.get(a.model, (0, 0))
            totals.by_model[a.model] = (seen_in + a.input_tokens, seen_out + a.output_tokens)
        return totals

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()

    async def _start(self) -> None:
        self._session = aiohttp.ClientSession(auto_decompress=False)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
        body = await request.read()
        url = self.upstream_url + request.rel_url.raw_path_qs
        async with self._session.request(request.method, url, data=body, headers=headers) as upstream:
            answer = web.StreamResponse(status=upstream.status)
            for key, value in upstream.headers.items():
                if key.lower() not in _HOP_HEADERS:
                    answer.headers[key] = value
            await answer.prepare(request)
            received = bytearray()
            async for chunk in upstream.content.iter_any():
                received += chunk
                await answer.write(chunk)
            await answer.write_eof()
        if request.method == "POST" and "/_emulator/" not in request.path:
            if 200 <= upstream.status < 300:
                content_type = upstream.headers.get("content-type", "")
                usage = usage_of(request.path, upstream.status, content_type, bytes(received))
            else:
                usage = UpstreamUsage(request.path, upstream.status)
            usage.model = _model_of(request.path, body)
            with self._lock:
                self.answers.append(usage)
        return answer


def _model_of(path: str, body: bytes) -> str:
    """The endpoint a request addressed: `model` in the body, or /serving-endpoints/NAME/invocations."""
    try:
        doc = json.loads(body)
    except ValueError:
        doc = None
    if isinstance(doc, dict) and isinstance(doc.get("model"), str):
        return str(doc["model"])
    parts = path.strip("/").split("/")
    return parts[1] if len(parts) == 3 and parts[2] == "invocations" else ""
