"""`GET /` and `/ui`: the gateway's dashboard, `/ui/live` its live update, and `GET /metrics`.

Behind ``--api-key`` each needs the key, as inference does:
- programs (curl, a Prometheus scrape) send it as ``Authorization: Bearer`` or ``x-api-key``;
- a browser, which cannot set those headers, signs in once: the sign-in form, or a link ending in
  ``#key=KEY`` (a fragment never reaches the server or its log; the page's script posts it), sends the key
  to ``POST /ui/login``, which sets an HttpOnly, SameSite=Strict cookie holding an HMAC of the key, not the
  key. The cookie opens the dashboard only: inference routes never read cookies, so no page elsewhere can
  spend through a signed-in browser. Sign-in is refused from other origins.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import sqlite3
import time
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from brickgate.errors import ConfigError
from brickgate.gateway.dashboard_page import Health, PageData, login_page, page, sections
from brickgate.gateway.local_auth import is_authorized
from brickgate.gateway.metrics import metrics_text
from brickgate.ledger.gateway_usage import ServedWorkspace, served
from brickgate.ledger.query import (
    Report,
    errors,
    last_id,
    open_ledger,
    parse_since,
    recent,
    report,
    unreadable,
)

if TYPE_CHECKING:
    from brickgate.gateway.inference import Gateway

SESSION_COOKIE = "brickgate_dashboard"
DEFAULT_RANGE = "7d"
LOGIN_MAX_BYTES = 4096
READ_FLUSH_SECONDS = 1.0
REPORT_REFRESH_S = 10.0
ASSET_TYPES = {"dashboard.js": "text/javascript; charset=utf-8", "dashboard.css": "text/css; charset=utf-8"}
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # no-referrer would make the sign-in form's Origin "null"
    "Cache-Control": "no-store",
}
_NEED_KEY = "This gateway needs its key: send it as a Bearer token or x-api-key, or sign in at /ui."


def session_token(api_key: str) -> str:
    """The cookie value for a signed-in browser: stable across restarts and workers, changes with the key."""
    return hmac.new(api_key.encode(), b"brickgate dashboard session v1", hashlib.sha256).hexdigest()


class _Reports:
    """The page's heavy part (totals, charts, errors: scans of the whole range) per range. A live update
    reuses it for REPORT_REFRESH_S, so an open dashboard costs the gateway little CPU on a big ledger; the
    latest requests are read fresh every time."""

    def __init__(self) -> None:
        self._by_range: dict[str, tuple[float, Report, list[tuple[int, str, str, int]]]] = {}

    def get(
        self, conn: sqlite3.Connection | None, since_text: str, since: float, *, live: bool
    ) -> tuple[Report, list[tuple[int, str, str, int]]]:
        cached = self._by_range.get(since_text)
        if live and cached is not None and time.monotonic() - cached[0] < REPORT_REFRESH_S:
            return cached[1], cached[2]
        result = report(conn, since=since, by="model")
        failures = errors(conn, result.since, result.until) if conn else []
        self._by_range[since_text] = (time.monotonic(), result, failures)
        return result, failures


def dashboard_routes(gateway: Gateway) -> list[Route]:
    state = served(gateway)  # opens this home's ledger now, not on the first request
    reports = _Reports()

    async def show(request: Request) -> Response:
        if not _allowed(request, gateway.api_key):  # a page asking to sign in (a 401 is a console error)
            return HTMLResponse(login_page(), headers=PAGE_HEADERS)
        since_text, since = _range(request)
        try:
            models = await gateway.directory.models()
        except Exception:  # the page still shows the ledger when the listing fails
            models = []
        data = await asyncio.to_thread(_read, state, gateway, reports, since_text, since, None)
        assert data is not None
        return HTMLResponse(page(data, models), headers=PAGE_HEADERS)

    async def live(request: Request) -> Response:
        if not _allowed(request, gateway.api_key):
            return JSONResponse({"error": _NEED_KEY}, 401)
        since_text, since = _range(request)
        after = request.query_params.get("after", "")
        data = await asyncio.to_thread(
            _read, state, gateway, reports, since_text, since, int(after) if after.isdigit() else None
        )
        if data is None:  # nothing new
            return JSONResponse({"last_id": int(after)}, headers={"Cache-Control": "no-store"})
        body = {"last_id": data.last_id, "sections": sections(data)}
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def login(request: Request) -> Response:
        key = gateway.api_key
        if key is None:
            return RedirectResponse("/ui", 303)
        if _cross_origin(request):
            return PlainTextResponse("Signing in from another site is refused.", 403)
        sent = parse_qs((await _small_body(request)).decode("utf-8", "replace")).get("key", [""])[0]
        if not hmac.compare_digest(sent.encode(), key.encode()):
            return HTMLResponse(
                login_page("Wrong key: not the one this gateway was started with."), 401, headers=PAGE_HEADERS
            )
        answer = RedirectResponse("/ui", 303)
        answer.set_cookie(SESSION_COOKIE, session_token(key), httponly=True, samesite="strict", path="/")
        return answer

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSET_TYPES:
            return PlainTextResponse("Not found.", 404)
        headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
        return Response(_asset(name), media_type=ASSET_TYPES[name], headers=headers)

    async def metrics(request: Request) -> Response:
        if not _allowed(request, gateway.api_key):
            return PlainTextResponse(_NEED_KEY, 401)
        body, content_type = await asyncio.to_thread(metrics_text, state)
        return Response(body, headers={"Content-Type": content_type})

    return [
        Route("/", show, methods=["GET"]),
        Route("/ui", show, methods=["GET"]),
        Route("/ui/live", live, methods=["GET"]),
        Route("/ui/login", login, methods=["POST"]),
        Route("/ui/assets/{name}", asset, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]


def _allowed(request: Request, api_key: str | None) -> bool:
    if api_key is None or is_authorized(request.scope, api_key):
        return True
    cookie = request.cookies.get(SESSION_COOKIE, "")
    return hmac.compare_digest(cookie.encode(), session_token(api_key).encode())


def _range(request: Request) -> tuple[str, float]:
    text = request.query_params.get("since", DEFAULT_RANGE)
    try:
        return text, parse_since(text)
    except ConfigError:
        return DEFAULT_RANGE, parse_since(DEFAULT_RANGE)


def _read(
    state: ServedWorkspace,
    gateway: Gateway,
    reports: _Reports,
    since_text: str,
    since: float,
    after: int | None,
) -> PageData | None:
    """The page's data from the ledger file; None when nothing was recorded after row ``after``. A file
    that cannot be read shows what can be shown and why (the writer has warned), never an error page."""
    ledger = state.ledger

    def page_data(conn: sqlite3.Connection | None, trouble: str | None) -> PageData | None:
        newest = last_id(conn)
        if after is not None and newest == after:
            return None
        result, failures = reports.get(conn, since_text, since, live=after is not None)
        health = Health(
            host=state.host(gateway.workspace),
            started=state.started,
            inflight_streams=state.inflight_streams,
            ledger_trouble=trouble,
            pending_rows=ledger.pending,
            dropped_rows=ledger.dropped,
        )
        latest = recent(conn) if conn else []
        return PageData(since_text, result, latest, failures, newest, health)

    trouble = ledger.trouble if ledger.enabled else "switched off (usage_ledger = false in config.toml)"
    ledger.flush(READ_FLUSH_SECONDS)
    try:
        conn = open_ledger(ledger.path)
        try:
            return page_data(conn, trouble)
        finally:
            if conn is not None:
                conn.close()
    except sqlite3.Error as exc:  # opened, then failed: a damaged page, a lock held past the timeout
        trouble = unreadable(ledger.path, exc).message
    except ConfigError as exc:
        trouble = exc.message
    return page_data(None, trouble)


def _cross_origin(request: Request) -> bool:
    """True for a sign-in posted by a page of another origin (including another port of localhost)."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    return origin is not None and origin != f"{request.url.scheme}://{request.headers.get('host', '')}"


async def _small_body(request: Request) -> bytes:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > LOGIN_MAX_BYTES:
            break
    return body[:LOGIN_MAX_BYTES]


@cache
def _asset(name: str) -> bytes:
    return (resources.files("brickgate.gateway") / "dashboard_assets" / name).read_bytes()
