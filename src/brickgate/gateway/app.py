"""The gateway as one ASGI app: inference POSTs go straight to plain ASGI routes (no middleware on the
bytes); everything else (model list, health, 404/405 answers, lifespan) is a small Starlette app."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from brickgate.catalog.families import Api
from brickgate.gateway.asgi_io import ASGIApp, Message, Receive, Scope, Send
from brickgate.gateway.dashboard import dashboard_routes
from brickgate.gateway.error_shapes import GatewayError
from brickgate.gateway.inference import CountTokensRoute, Exchange, Gateway, InferenceRoute
from brickgate.gateway.local_answers import model_entry, models_list_body
from brickgate.gateway.local_auth import is_authorized

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

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


class GatewayApp:
    """Top-level ASGI callable: a dict lookup for the hot routes, Starlette for the rest."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.post_routes: dict[str, ASGIApp] = {
            path: InferenceRoute(gateway, api) for path, api in _INFERENCE_PATHS.items()
        }
        count_tokens = CountTokensRoute(gateway)
        self.post_routes["/v1/messages/count_tokens"] = count_tokens
        self.post_routes["/messages/count_tokens"] = count_tokens
        self.rest = _rest_app(gateway, self.post_routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            route = self.post_routes.get(scope["path"])
            if route is not None:
                await route(scope, receive, send)
                return
        if scope["type"] != "http":
            await self.rest(scope, receive, send)  # lifespan
            return
        ex = Exchange(scope["method"], scope["path"], route="local")

        async def noting_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                ex.status = message["status"]
            await send(message)

        await self.rest(scope, receive, noting_status)
        ex.log()


def create_app(
    ws: Workspace, *, api_key: str | None = None, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
) -> GatewayApp:
    """The gateway for one workspace. ``api_key=None`` (or empty) accepts any client (loopback use)."""
    return GatewayApp(Gateway(workspace=ws, api_key=api_key or None, max_body_bytes=max_body_bytes))


def _error_api(request: Request) -> Api:
    """The error shape for routes both SDK families call: Anthropic's when its version header is sent."""
    return "messages" if "anthropic-version" in request.headers else "chat"


def _error_response(error: GatewayError, api: Api) -> Response:
    return Response(error.body(api), error.status, dict((k.decode(), v.decode()) for k, v in error.headers()))


def _unauthorized() -> GatewayError:
    return GatewayError(401, "Invalid API key for the brickgate gateway.", "invalid_api_key")


async def _not_found(request: Request, exc: Exception) -> Response:
    message = (
        f"The brickgate gateway has no {request.method} {request.url.path}.\n"
        "It serves POST /v1/chat/completions, /v1/responses, /v1/messages, /v1/messages/count_tokens "
        "and GET /v1/models; point the client's base URL at http://HOST:PORT/v1 (Claude Code and the "
        "anthropic SDK: without /v1)."
    )
    return _error_response(GatewayError(404, message, "not_found"), _error_api(request))


def _rest_app(gateway: Gateway, post_routes: dict[str, ASGIApp]) -> Starlette:
    async def list_models(request: Request) -> Response:
        if not is_authorized(request.scope, gateway.api_key):
            return _error_response(_unauthorized(), _error_api(request))
        try:
            models = await gateway.directory.models()
        except Exception as exc:  # credentials or listing failed: say so in the caller's shape
            return _error_response(GatewayError.of(exc), _error_api(request))
        return Response(orjson.dumps(models_list_body(models)), media_type="application/json")

    async def get_model(request: Request) -> Response:
        if not is_authorized(request.scope, gateway.api_key):
            return _error_response(_unauthorized(), _error_api(request))
        try:
            model = await gateway.directory.resolve(request.path_params["name"])
        except Exception as exc:  # ModelNotFound (404) or a listing failure
            return _error_response(GatewayError.of(exc), _error_api(request))
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
        *dashboard_routes(gateway),  # /, /ui, /metrics
        # Registered again here only so that other methods (e.g. Codex's WebSocket GET) get a fast 405.
        *(Route(path, route, methods=["POST"]) for path, route in post_routes.items()),
    ]
    return Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: _not_found})
