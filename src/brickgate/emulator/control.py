"""`/_emulator/*`: the unauthenticated control API tests use to reset, inject faults, move the clock and
inspect traffic. It answers only requests addressed to a loopback Host (so a DNS-rebinding page cannot
reach it) that come from no web page or from a loopback one (so a cross-origin page cannot drive it).
"""

from __future__ import annotations

import datetime
import ipaddress
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from brickgate.emulator.faults import parse_fault
from brickgate.emulator.state import EmulatorState


def _is_loopback_name(name: str) -> bool:
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def _loopback_host(host: str) -> bool:
    """`127.0.0.1`, `localhost` or `[::1]`, with an optional numeric port."""
    name, port = host, ""
    if host.startswith("["):
        name, _, rest = host.partition("]")
        name, port = name + "]", rest.removeprefix(":")
    elif host.count(":") == 1:
        name, port = host.split(":")
    return (port == "" or port.isdigit()) and _is_loopback_name(name)


def refusal(request: Request) -> Response | None:
    """403 unless the Host is loopback and any Origin is a loopback page (issue 10 item 9)."""
    if not _loopback_host(request.headers.get("host", "")):
        return _forbidden(
            "the control API answers only requests to a loopback Host (127.0.0.1, localhost, [::1])"
        )
    origin = request.headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not _is_loopback_name(parts.hostname or ""):
            return _forbidden(f"cross-origin requests to the control API are refused (Origin {origin!r})")
    elif request.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        return _forbidden("cross-site requests to the control API are refused")
    return None


def _forbidden(message: str) -> Response:
    return JSONResponse({"error_code": "PERMISSION_DENIED", "message": message}, status_code=403)


def _loopback_only(
    handler: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    async def guarded(request: Request) -> Response:
        return refusal(request) or await handler(request)

    return guarded


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


async def set_clock(request: Request) -> Response:
    """Body: `{"today": "YYYY-MM-DD"}`; endpoints retire against this date (reset restores the config's)."""
    state = _state(request)
    try:
        body = await _json_body(request)
        state.today = datetime.date.fromisoformat(str(body.get("today") if isinstance(body, dict) else body))
    except ValueError as exc:
        return _invalid(f'send {{"today": "YYYY-MM-DD"}}: {exc}')
    return JSONResponse({"today": state.today.isoformat()})


async def recorded_requests(request: Request) -> Response:
    return JSONResponse(_state(request).requests)


async def stats(request: Request) -> Response:
    state = _state(request)
    return JSONResponse({**state.stats, "faults_pending": len(state.faults)})


ROUTES = [
    Route(f"/_emulator/{path}", _loopback_only(handler), methods=[method])
    for path, handler, method in (
        ("reset", reset, "POST"),
        ("faults", add_faults, "POST"),
        ("workspace", replace_workspace, "POST"),
        ("clock", set_clock, "POST"),
        ("requests", recorded_requests, "GET"),
        ("stats", stats, "GET"),
    )
]
