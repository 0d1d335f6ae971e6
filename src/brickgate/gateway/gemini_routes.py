"""The Gemini API's routes, as Google serves them under ``/v1beta``: ``POST models/{model}:generateContent``,
``:streamGenerateContent`` (SSE with ``?alt=sse``, else Google's growing JSON array), ``:countTokens``
(answered here, an estimate, like Anthropic's count_tokens), ``GET models`` and ``GET models/{model}``;
the same under ``/v1``, the google-genai Python SDK's default version.

The model is named by the path: the route resolves it (gemini_names.py maps Gemini CLI's own Google
names) and copies the caller's name into the body's ``model`` for the wire decoder; the fast path drops it
again (``routing.renamed_body``) and names the endpoint in the upstream path instead.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from brickgate.gateway.asgi_io import Message, Receive, Scope, Send
from brickgate.gateway.error_shapes import GatewayError
from brickgate.gateway.inference import (
    Caller,
    CountTokensRoute,
    Exchange,
    Gateway,
    InferenceRoute,
    Rejected,
    parse_request,
)
from brickgate.gateway.local_answers import estimate_gemini_tokens, gemini_model_entry, gemini_models_body
from brickgate.gateway.local_auth import is_authorized, unauthorized
from brickgate.protocol import Usage
from brickgate.wire.contract import Api
from brickgate.wire.sse import SSEDecoder, SSEEvent

PREFIX = "/v1beta/"
# model paths: v1beta (Gemini CLI, @google/genai) and v1 (the google-genai Python SDK's default version)
MODELS_PREFIXES = ("/v1beta/models/", "/v1/models/")
GENERATE, STREAM, COUNT = "generateContent", "streamGenerateContent", "countTokens"
_JSON_STREAM_HEADERS = [
    (b"content-type", b"application/json; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]
SERVED = (
    "It serves POST /v1beta/models/MODEL:generateContent, :streamGenerateContent and :countTokens, and "
    "GET /v1beta/models; point the client's base URL at http://HOST:PORT (GOOGLE_GEMINI_BASE_URL for "
    "Gemini CLI, http_options.base_url for google-genai)."
)


def split_target(path: str) -> tuple[str, str]:
    """``/v1beta/models/NAME:METHOD`` → (NAME, METHOD); METHOD is "" when the path names none."""
    name, _, method = path.partition("/models/")[2].rpartition(":")
    return (name, method) if name else (method, "")


class GeminiRoute(InferenceRoute):
    """``POST /v1beta/models/{model}:{method}``: the Gemini API on the shared inference pipeline."""

    def __init__(self, gateway: Gateway) -> None:
        super().__init__(gateway, "gemini")
        self.count_tokens = GeminiCountTokens(gateway)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        if path.endswith(":" + COUNT):  # answered here, like count_tokens: no ledger row
            await self.count_tokens(scope, receive, send)
            return
        if path.endswith(":" + STREAM) and b"alt=sse" not in scope.get("query_string", b""):
            send = JsonArraySend(send)  # beneath the usage ledger's hook, which then sees a stream
        await super().__call__(scope, receive, send)

    async def prepare(
        self, scope: Scope, receive: Receive, send: Send, ex: Exchange, caller: Caller
    ) -> Coroutine[Any, Any, None]:
        name, method = split_target(scope["path"])
        if method not in (GENERATE, STREAM):
            shown = (
                f"no Gemini method :{method}" if method else f"nothing at {scope['path']} (no MODEL:METHOD)"
            )
            raise Rejected(GatewayError(404, f"The brickgate gateway has {shown}.\n{SERVED}", "not_found"))
        body = await parse_request(self.gateway, scope, receive, self.api)
        model = await caller.gemini.resolve(name)  # the caller's Gemini names (see gemini_names.py)
        stream = method == STREAM
        return self.answer(scope, caller, model, {**body, "model": name}, send, ex, name=name, stream=stream)


class GeminiCountTokens(CountTokensRoute):
    """``POST /v1beta/models/{model}:countTokens``: the local estimate, the model named by the path."""

    api: Api = "gemini"

    async def count(self, scope: Scope, body: dict[str, Any], ex: Exchange, caller: Caller) -> dict[str, int]:
        ex.model = (await caller.gemini.resolve(split_target(scope["path"])[0])).id
        tokens = estimate_gemini_tokens(body)
        ex.usage = Usage(input_tokens=tokens)
        return {"totalTokens": tokens}


class JsonArrayStream:
    """``streamGenerateContent`` without ``alt=sse``: Google answers one JSON array that grows as chunks
    arrive. Reframes an SSE byte stream (the encoder's, or a relayed upstream's), chunk by chunk."""

    __slots__ = ("_opened", "_sse")

    def __init__(self) -> None:
        self._sse = SSEDecoder()
        self._opened = False

    def feed(self, data: bytes) -> bytes:
        return self._elements(self._sse.feed(data))

    def close(self) -> bytes:
        return self._elements(self._sse.flush()) + (b"]" if self._opened else b"[]")

    def _elements(self, events: list[SSEEvent]) -> bytes:
        out = []
        for event in events:
            out.append((b",\r\n" if self._opened else b"[") + event.data.encode())
            self._opened = True
        return b"".join(out)


class JsonArraySend:
    """An ASGI ``send`` that turns an SSE answer into Google's JSON-array stream (error answers, which
    are JSON already, pass as they are)."""

    __slots__ = ("_framing", "_send")

    def __init__(self, send: Send) -> None:
        self._send = send
        self._framing: JsonArrayStream | None = None

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            if any(
                k == b"content-type" and v.startswith(b"text/event-stream") for k, v in message["headers"]
            ):
                self._framing = JsonArrayStream()
                message = {**message, "headers": _JSON_STREAM_HEADERS}
        elif message["type"] == "http.response.body" and self._framing is not None:
            body = self._framing.feed(message.get("body", b""))
            if not message.get("more_body", False):
                body += self._framing.close()
            message = {**message, "body": body}
        await self._send(message)


class GeminiListing:
    """``GET models`` and ``GET models/{model}`` in Google's shapes (under /v1beta, and under /v1 for
    Google's clients: the Python SDK's default version is v1). A model path with a method takes POST only."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    async def list_models(self, request: Request) -> Response:
        if not is_authorized(request.scope, self.gateway.api_key):
            return _error_of(unauthorized())
        try:  # what this caller may query (serve --identity caller)
            models = await (await self.gateway.caller(request.scope)).directory.models()
        except Exception as exc:  # credentials or listing failed: say so in Google's shape
            return _error_of(exc.error if isinstance(exc, Rejected) else GatewayError.of(exc))
        return Response(orjson.dumps(gemini_models_body(models)), media_type="application/json")

    async def get_model(self, request: Request) -> Response:
        path = request.url.path
        name, method = split_target(path)
        if method:
            message = f"{path} takes POST with a JSON body.\n{SERVED}"
            return _error_of(GatewayError(405, message, "method_not_allowed"), {"Allow": "POST"})
        if not is_authorized(request.scope, self.gateway.api_key):
            return _error_of(unauthorized())
        try:
            model = await (await self.gateway.caller(request.scope)).directory.resolve(name)
        except Exception as exc:  # ModelNotFound (404) or a listing failure
            return _error_of(exc.error if isinstance(exc, Rejected) else GatewayError.of(exc))
        return Response(orjson.dumps(gemini_model_entry(model)), media_type="application/json")

    def routes(self) -> list[Route]:
        return [
            Route("/v1beta/models", self.list_models, methods=["GET"]),
            Route("/v1beta/models/{target:path}", self.get_model, methods=["GET", "POST"]),
        ]


def google_client(scope: Scope) -> bool:
    """A Google client on a path the OpenAI API shares (/v1/models): Google's SDKs send
    ``x-goog-api-client``, keys go in ``x-goog-api-key`` or ``?key=``."""
    if b"key=" in scope.get("query_string", b""):
        return True
    return any(name in (b"x-goog-api-client", b"x-goog-api-key") for name, _ in scope["headers"])


def _error_of(error: GatewayError, extra_headers: dict[str, str] | None = None) -> Response:
    headers = {k.decode(): v.decode() for k, v in error.headers()}
    return Response(error.body("gemini"), error.status, {**headers, **(extra_headers or {})})
