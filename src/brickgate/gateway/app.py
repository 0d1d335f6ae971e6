"""The gateway as one ASGI app: inference POSTs go straight to plain ASGI routes (no middleware on the
bytes); everything else (model lists, health, 404/405 answers, lifespan) is a small Starlette app. The
Gemini API lives under /v1beta (gemini_routes.py), its errors in Google's shape."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from brickgate.catalog.families import Api
from brickgate.gateway.asgi_io import ASGIApp, Message, Receive, Scope, Send, header, send_bytes
from brickgate.gateway.dashboard import dashboard_routes
from brickgate.gateway.databricks_app import unmounted
from brickgate.gateway.error_shapes import GatewayError
from brickgate.gateway.gemini_routes import (
    MODELS_PREFIXES,
    PREFIX,
    SERVED,
    GeminiListing,
    GeminiRoute,
    google_client,
)
from brickgate.gateway.inference import (
    CountTokensRoute,
    Exchange,
    Gateway,
    InferenceRoute,
    Rejected,
    access_log,
)
from brickgate.gateway.local_answers import model_entry, models_list_body
from brickgate.gateway.local_auth import BrowserGuard, is_authorized, unauthorized

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from brickgate.gateway.caller_identity import CallerIdentities
    from brickgate.workspace import Workspace

DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
# Each API at its usual path, and without /v1 for clients configured with a bare base URL.
_INFERENCE_PATHS: dict[str, Api] = {
    "/v1/chat/completions": "chat",
    "/chat/completions": "chat",
    "/v1/responses": "responses",
    "/responses": "responses",
    "/v1/messages": "messages",
    "/messages": "messages",
}


class EscapeUnprintable(logging.Filter):
    """Access-log fields come from the request (path, model, headers) and are logged before the key check:
    a control character there could forge a log line or drive the terminal (OSC 52 sets the clipboard),
    so every non-printable character of a string field is written as an escape (``\\x1b``, ``\\n``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(escape_unprintable(a) if isinstance(a, str) else a for a in record.args)
        return True


def escape_unprintable(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


_ESCAPE_UNPRINTABLE = EscapeUnprintable()


class GatewayApp:
    """Top-level ASGI callable: the browser-request rules, then a dict lookup for the hot routes, Starlette
    for the rest."""

    def __init__(self, gateway: Gateway, guard: BrowserGuard, *, api_mounts: bool = False) -> None:
        self.gateway = gateway
        self.guard = guard
        self.api_mounts = api_mounts  # Databricks App mode: every route also under /api/<family>
        self.post_routes: dict[str, ASGIApp] = {
            path: InferenceRoute(gateway, api) for path, api in _INFERENCE_PATHS.items()
        }
        count_tokens = CountTokensRoute(gateway)
        self.post_routes["/v1/messages/count_tokens"] = count_tokens
        self.post_routes["/messages/count_tokens"] = count_tokens
        self.gemini = GeminiRoute(gateway)
        self.rest = _rest_app(gateway, self.post_routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.rest(scope, receive, send)  # lifespan
            return
        if self.api_mounts:
            scope = unmounted(scope)
        route = None
        if scope["method"] == "POST":
            route = self.post_routes.get(scope["path"])
            if route is None and scope["path"].startswith(MODELS_PREFIXES):
                route = self.gemini
        refusal = self.guard.refusal(scope, json_body=route is not None)
        if refusal is None and route is not None:
            await route(scope, receive, send)
            return
        ex = Exchange(scope["method"], scope["path"], route="local")
        if refusal is not None:
            ex.status = refusal.status
            await send_bytes(send, refusal.status, refusal.body(_api_of(scope)), refusal.headers())
            ex.log()
            return

        async def noting_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                ex.status = message["status"]
            await send(message)

        await self.rest(scope, receive, noting_status)
        ex.log()


def create_app(
    ws: Workspace,
    *,
    api_key: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    guard: BrowserGuard | None = None,
    callers: CallerIdentities | None = None,
    api_mounts: bool = False,
) -> GatewayApp:
    """The gateway for one workspace. ``api_key=None`` (or empty) accepts any client (loopback use);
    ``guard`` defaults to a loopback gateway's rules. With ``callers`` each request runs as its caller;
    ``api_mounts`` serves every route also under ``/api/openai``, ``/api/anthropic``, ``/api/gemini``."""
    access_log.addFilter(_ESCAPE_UNPRINTABLE)  # on the logger, so every handler gets escaped lines
    gateway = Gateway(workspace=ws, api_key=api_key or None, max_body_bytes=max_body_bytes, callers=callers)
    return GatewayApp(gateway, guard or BrowserGuard(), api_mounts=api_mounts)


def _api_of(scope: Scope) -> Api:
    """The error shape a caller reads: its route's API; Google's under /v1beta or with Google's key header;
    else Anthropic's when it sends that SDK's version header (both SDK families call /v1/models), else
    OpenAI's."""
    path: str = scope["path"]
    api = _INFERENCE_PATHS.get(path)
    if api is not None:
        return api
    if path.startswith(PREFIX) or google_client(scope):
        return "gemini"
    if path.endswith("/messages/count_tokens") or header(scope, b"anthropic-version") is not None:
        return "messages"
    return "chat"


def _gateway_error(exc: Exception) -> GatewayError:
    return exc.error if isinstance(exc, Rejected) else GatewayError.of(exc)


def _error_response(error: GatewayError, request: Request) -> Response:
    headers = dict((k.decode(), v.decode()) for k, v in error.headers())
    return Response(error.body(_api_of(request.scope)), error.status, headers)


async def _not_found(request: Request, exc: Exception) -> Response:
    if _api_of(request.scope) == "gemini":
        message = f"The brickgate gateway has no {request.method} {request.url.path}.\n{SERVED}"
        return _error_response(GatewayError(404, message, "not_found"), request)
    message = (
        f"The brickgate gateway has no {request.method} {request.url.path}.\n"
        "It serves POST /v1/chat/completions, /v1/responses, /v1/messages, /v1/messages/count_tokens "
        "and GET /v1/models; point the client's base URL at http://HOST:PORT/v1 (Claude Code and the "
        "anthropic SDK: without /v1), and the Gemini API under /v1beta (base URL http://HOST:PORT)."
    )
    return _error_response(GatewayError(404, message, "not_found"), request)


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    allowed = getattr(exc, "headers", None) or {}
    methods = allowed.get("Allow", "")
    message = (
        f"The brickgate gateway has no {request.method} {request.url.path}: it answers {methods} there.\n"
        "Inference routes take POST with a JSON body; GET /v1/models (Gemini: /v1beta/models) lists the "
        "models."
    )
    response = _error_response(GatewayError(405, message, "method_not_allowed"), request)
    response.headers.update(allowed)
    return response


def _rest_app(gateway: Gateway, post_routes: dict[str, ASGIApp]) -> Starlette:
    google = GeminiListing(gateway)

    async def list_models(request: Request) -> Response:
        if google_client(request.scope):
            return await google.list_models(request)
        if not is_authorized(request.scope, gateway.api_key):
            return _error_response(unauthorized(), request)
        try:  # what this caller may query (serve --identity caller), else the gateway's own list
            models = await (await gateway.caller(request.scope)).directory.models()
        except Exception as exc:  # credentials or listing failed: say so in the caller's shape
            return _error_response(_gateway_error(exc), request)
        return Response(orjson.dumps(models_list_body(models)), media_type="application/json")

    async def get_model(request: Request) -> Response:
        if google_client(request.scope) or ":" in request.url.path:
            return await google.get_model(request)
        if not is_authorized(request.scope, gateway.api_key):
            return _error_response(unauthorized(), request)
        try:
            caller = await gateway.caller(request.scope)
            model = await caller.directory.resolve(request.path_params["name"])
        except Exception as exc:  # ModelNotFound (404) or a listing failure
            return _error_response(_gateway_error(exc), request)
        return Response(orjson.dumps(model_entry(model)), media_type="application/json")

    async def health(request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await gateway.workspace.aclose()

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/v1/models", list_models, methods=["GET"]),
        Route("/v1/models/{name:path}", get_model, methods=["GET"]),
        *google.routes(),
        # Team usage is not for every caller: a caller-identity gateway has no page (`brickgate usage` on
        # its host reads the ledger).
        *(dashboard_routes(gateway) if gateway.callers is None else ()),  # /, /ui, /metrics
        # Registered again here only so that other methods (e.g. Codex's WebSocket GET) get a fast 405,
        # in the route's own error shape.
        *(Route(path, route, methods=["POST"]) for path, route in post_routes.items()),
    ]
    handlers = {404: _not_found, 405: _method_not_allowed}
    return Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)
