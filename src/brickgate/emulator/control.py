"""`/_emulator/*`: the unauthenticated control API tests use to reset, inject faults and inspect traffic."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from brickgate.emulator.faults import parse_fault
from brickgate.emulator.state import EmulatorState


def _state(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


def _invalid(message: str) -> Response:
    return JSONResponse({"error_code": "INVALID_PARAMETER_VALUE", "message": message}, status_code=400)


async def _json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"null")
    except ValueError as exc:
        raise ValueError(f"the body is not JSON: {exc}") from None


async def reset(request: Request) -> Response:
    _state(request).reset()
    return JSONResponse({"ok": True})


async def add_faults(request: Request) -> Response:
    """Body: one fault spec or a list of them. `expire_tokens` acts at once instead of queueing."""
    state = _state(request)
    try:
        body = await _json_body(request)
        specs = body if isinstance(body, list) else [body]
        faults = [parse_fault(spec) for spec in specs]
    except (ValueError, TypeError) as exc:
        return _invalid(str(exc))
    for fault in faults:
        if fault.kind == "expire_tokens":
            state.expire_tokens()
        else:
            state.faults.append(fault)
    return JSONResponse({"queued": len(state.faults)})


async def replace_workspace(request: Request) -> Response:
    """Body: a list of endpoint specs, or `{"endpoints": [...]}`."""
    state = _state(request)
    try:
        body = await _json_body(request)
        specs = body.get("endpoints") if isinstance(body, dict) else body
        if not isinstance(specs, list):
            raise ValueError('send a list of endpoint specs or {"endpoints": [...]}')
        state.replace_endpoints(specs)
    except (ValueError, TypeError, AttributeError) as exc:
        return _invalid(str(exc))
    return JSONResponse({"endpoints": len(state.endpoints)})


async def recorded_requests(request: Request) -> Response:
    return JSONResponse(_state(request).requests)


async def stats(request: Request) -> Response:
    state = _state(request)
    return JSONResponse({**state.stats, "faults_pending": len(state.faults)})


ROUTES = [
    Route("/_emulator/reset", reset, methods=["POST"]),
    Route("/_emulator/faults", add_faults, methods=["POST"]),
    Route("/_emulator/workspace", replace_workspace, methods=["POST"]),
    Route("/_emulator/requests", recorded_requests, methods=["GET"]),
    Route("/_emulator/stats", stats, methods=["GET"]),
]
