"""The starlette app: route table for every surface the emulated workspace serves."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from brickgate.emulator import auth, control, inference, listing, model_services, scim
from brickgate.emulator.config import EmulatorConfig
from brickgate.emulator.error_bodies import invalid_path
from brickgate.emulator.faults import fault_response, take_fault
from brickgate.emulator.state import EmulatorState

Handler = Callable[[Request], Awaitable[Response]]


def _guarded(handler: Handler, *, needs_auth: bool = True) -> Handler:
    """Control-plane wrapper: faults with `scope: "all"` apply here, then the credential check."""

    async def endpoint(request: Request) -> Response:
        state: EmulatorState = request.app.state.emulator
        fault = take_fault(state.faults, path=request.url.path, model=None, inference=False, streaming=False)
        if fault is not None:
            if fault.kind == "slow_first_byte":
                await asyncio.sleep(fault.seconds)
            response = fault_response(fault, None)
            if response is not None:
                return response
        if needs_auth:
            denied = auth.check_auth(request, gateway=False)
            if denied is not None:
                state.stats["refused_credentials"] += 1
                return denied
        return await handler(request)

    return endpoint


async def _unknown_gateway_path(request: Request) -> Response:
    return invalid_path()


def build_app(config: EmulatorConfig) -> Starlette:
    """A fresh app with its own state; `app.state.emulator.url` must be set once the port is known."""
    routes = [
        *control.ROUTES,
        Route("/.well-known/databricks-config", _guarded(auth.host_metadata, needs_auth=False)),
        Route(
            "/oidc/.well-known/oauth-authorization-server", _guarded(auth.oidc_discovery, needs_auth=False)
        ),
        Route("/oidc/v1/token", _guarded(auth.oidc_token, needs_auth=False), methods=["POST"]),
        Route("/metadata-token", _guarded(auth.metadata_service_token, needs_auth=False)),
        Route("/api/2.0/preview/scim/v2/Me", _guarded(scim.me)),
        Route("/api/2.0/serving-endpoints", _guarded(listing.list_endpoints)),
        Route("/api/2.0/serving-endpoints:foundation-models", _guarded(listing.list_foundation_models)),
        Route("/api/2.0/serving-endpoints/{name}", _guarded(listing.get_endpoint)),
        Route(model_services.PATH, _guarded(model_services.list_model_services)),
        Route(model_services.PATH + "/{full_name}", _guarded(model_services.get_model_service)),
        *inference.routes(ai_gateway=config.ai_gateway),
        Route("/ai-gateway/{rest:path}", _unknown_gateway_path, methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.emulator = EmulatorState(config=config)
    return app
