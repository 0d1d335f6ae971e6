"""The one HTTP client that talks to Databricks, behind a narrow interface.

aiohttp was chosen by measurement (research/performance.md): ~0.3 ms CPU per relayed request against
~1.5 ms for httpx 0.28, which also degrades under concurrency. Only this module imports it.

Retries happen only before a response is handed out: once a caller holds an ``UpstreamResponse`` its
bytes may already be on their way to a client, so a broken stream is reported, never replayed.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson

from brickgate.errors import (
    CredentialsRejected,
    StreamInterrupted,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamRejected,
    UpstreamUnavailable,
)
from brickgate.ledger.context import note_retry
from brickgate.redact import redact

log = logging.getLogger("brickgate.upstream")

HeadersFn = Callable[[], Awaitable[Mapping[str, str]]]
# Drops cached tokens after the workspace rejected one; True when the next headers may differ (OAuth).
RefreshFn = Callable[[], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 4
    max_total_seconds: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 8.0
    statuses: frozenset[int] = frozenset({429, 503})


@dataclass(frozen=True, slots=True)
class RetryNotice:
    """Told to ``on_retry`` before each wait, so a UI can say "retrying in Ns (attempt k)"."""

    attempt: int  # the attempt about to be made, 2-based
    delay: float
    status: int  # 0 for a connection failure
    reason: str


OnRetry = Callable[[RetryNotice], None]


class UpstreamResponse:
    """A 2xx response whose body has not been read yet."""

    def __init__(self, resp: aiohttp.ClientResponse) -> None:
        self._resp = resp
        self.status = resp.status
        self.headers: Mapping[str, str] = resp.headers

    async def chunks(self) -> AsyncIterator[bytes]:
        """Body bytes as they arrive: never re-chunked, so SSE events flow through at once."""
        try:
            async for chunk in self._resp.content.iter_any():
                yield chunk
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise StreamInterrupted(
                f"The upstream stream broke off: {type(exc).__name__}: {redact(str(exc))}".rstrip(": "),
                "The answer is incomplete. Retry the request.",
            ) from exc
        finally:
            self._resp.release()

    async def read(self) -> bytes:
        try:
            return await self._resp.read()
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise StreamInterrupted(
                f"Reading the upstream response failed: {type(exc).__name__}", "Retry the request."
            ) from exc
        finally:
            self._resp.release()

    def close(self) -> None:
        self._resp.close()


class Upstream:
    """Pooled client for one workspace: fresh auth headers per request, timeouts, bounded retries."""

    def __init__(
        self,
        base_url: str,
        auth_headers: HeadersFn,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 300.0,
        retry: RetryPolicy | None = None,
        max_connections: int = 512,
        refresh_auth: RefreshFn | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._auth_headers = auth_headers
        self._refresh_auth = refresh_auth
        self._timeout = aiohttp.ClientTimeout(total=None, connect=connect_timeout, sock_read=read_timeout)
        self.retry = retry or RetryPolicy()
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None

    async def _session_for_loop(self) -> aiohttp.ClientSession:
        """The pooled session of the running event loop. aiohttp binds a session to the loop it was made
        on, and scripts call ``asyncio.run`` more than once: a session from another loop is let go."""
        loop = asyncio.get_running_loop()
        if self._session is not None and (self._session.closed or self._session_loop is not loop):
            await self._let_go_of_session()
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self._max_connections, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                auto_decompress=True,
                skip_auto_headers=("User-Agent",),
            )
            self._session_loop = loop
        return self._session

    async def _let_go_of_session(self) -> None:
        session, loop = self._session, self._session_loop
        self._session = self._session_loop = None
        if session is None or session.closed:
            return
        if loop is None or loop is asyncio.get_running_loop() or loop.is_closed():
            await session.close()  # on a closed loop this only marks it closed: its sockets went with it
        elif loop.is_running():  # a loop on another thread (the sync helpers'): it closes its own session
            asyncio.run_coroutine_threadsafe(session.close(), loop)

    def pool_stats(self) -> dict[str, int]:
        """Connections to the workspace: ``in_use`` (carrying a request or a stream) and ``idle`` (pooled).

        Read-only, for tests and the soak: a client that hung up must leave nothing in use.
        """
        connector = self._session.connector if self._session is not None else None
        if connector is None or connector.closed:
            return {"in_use": 0, "idle": 0}
        idle = getattr(connector, "_conns", {})  # aiohttp has no public pool counters
        return {
            "in_use": len(getattr(connector, "_acquired", ())),
            "idle": sum(len(conns) for conns in idle.values()),
        }

    async def aclose(self) -> None:
        await self._let_go_of_session()

    async def post(
        self,
        path: str,
        body: bytes | Mapping[str, Any],
        *,
        stream: bool = False,
        extra_headers: Mapping[str, str] | None = None,
        on_retry: OnRetry | None = None,
    ) -> UpstreamResponse:
        data = body if isinstance(body, bytes) else orjson.dumps(body)
        headers = {
            "Content-Type": "application/json",
            "Accept": "text/event-stream" if stream else "application/json",
        }
        if extra_headers:
            headers.update(extra_headers)
        return await self._send("POST", path, data, headers, on_retry)

    async def get_json(self, path: str) -> Any:
        resp = await self._send("GET", path, None, {"Accept": "application/json"}, None)
        raw = await resp.read()
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise UpstreamUnavailable(
                f"{self.base_url} answered {path} with something that is not JSON.",
                "Check that the host is a Databricks workspace URL.",
                status=resp.status,
            ) from exc

    async def _send(
        self, method: str, path: str, data: bytes | None, headers: dict[str, str], on_retry: OnRetry | None
    ) -> UpstreamResponse:
        url = self.base_url + path
        policy = self.retry
        started = time.monotonic()
        attempt = 1
        refreshed = False
        while True:
            status, reason, retry_after = 0, "", None
            failure: UpstreamError | CredentialsRejected
            try:
                auth = await self._auth_headers()
                session = await self._session_for_loop()
                resp = await session.request(method, url, data=data, headers={**headers, **auth})
            except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
                # Nothing reached the server: always safe to retry.
                failure = UpstreamUnavailable(
                    f"Cannot connect to {self.base_url}: {_connect_failure(exc, self._timeout.connect)}",
                    "Check the workspace host and your network; `brickgate status` shows which host is used.",
                )
                reason = "connection failed"
            except asyncio.TimeoutError as exc:
                # Not retried: the workspace may be generating the answer, and a retry would pay twice.
                raise UpstreamUnavailable(
                    f"{self.base_url} did not answer within {self._timeout.sock_read or 0:g} s.",
                    "The model may be overloaded; retry later or raise the read timeout.",
                    status=504,
                ) from exc
            except aiohttp.ClientError as exc:
                raise UpstreamUnavailable(
                    f"Request to {self.base_url} failed: {type(exc).__name__}: {redact(str(exc))}",
                    "Retry the request; if it keeps failing, run `brickgate status`.",
                ) from exc
            else:
                if 200 <= resp.status < 300:
                    return UpstreamResponse(resp)
                failure = error_from_response(resp.status, await _error_body(resp), resp.headers)
                if isinstance(failure, CredentialsRejected) and not refreshed and self._refresh_auth:
                    # A token revoked or expired early (clock skew): the SDK still thinks it is fresh.
                    refreshed = True
                    if await self._refresh_auth():
                        log.info("%s rejected the token; retrying %s with a fresh one", self.base_url, path)
                        continue
                if resp.status not in policy.statuses:
                    raise failure
                status, reason = resp.status, failure.message
                retry_after = _retry_after_seconds(resp.headers.get("Retry-After"))
            delay = _backoff(policy, attempt, retry_after)
            elapsed = time.monotonic() - started
            if attempt >= policy.max_attempts or elapsed + delay > policy.max_total_seconds:
                raise failure
            attempt += 1
            if on_retry is not None:
                on_retry(RetryNotice(attempt=attempt, delay=delay, status=status, reason=reason))
            log.info("retrying %s in %.1fs (attempt %d): %s", path, delay, attempt, reason)
            note_retry()
            await asyncio.sleep(delay)


def _connect_failure(exc: aiohttp.ClientError, connect_timeout: float | None) -> str:
    if isinstance(exc, aiohttp.ClientConnectorError):
        return redact(str(exc.os_error) or type(exc).__name__)
    return f"no connection within {connect_timeout or 0:g} s"


async def _error_body(resp: aiohttp.ClientResponse) -> bytes:
    """The body of an error answer; empty when it broke off (the status still says what happened)."""
    try:
        return await resp.read()
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return b""
    finally:
        resp.release()


def _backoff(policy: RetryPolicy, attempt: int, retry_after: float | None) -> float:
    if retry_after is not None:
        return float(min(retry_after, policy.max_total_seconds))
    exp: float = min(policy.max_delay, policy.base_delay * 2.0 ** (attempt - 1))
    return exp / 2 + random.uniform(0, exp / 2)  # jitter: spreads retries of concurrent callers


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None  # HTTP-date form: unconfirmed on Databricks; fall back to backoff
    return max(0.0, seconds) if math.isfinite(seconds) else None


def parse_error_body(raw: bytes) -> tuple[str | None, str]:
    """(error_code, message) from any error shape Databricks uses: its own, Google's, Anthropic's,
    OpenAI's, or plain text."""
    text = raw.decode("utf-8", "replace").strip()
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError:
        if text.lstrip().lower().startswith(("<!doctype", "<html")):
            return None, "an HTML error page instead of a JSON error"
        return None, text[:500] or "(empty body)"
    if not isinstance(doc, dict):
        return None, text[:500]
    code = doc.get("error_code")
    message = doc.get("message")
    err = doc.get("error")
    if isinstance(err, dict):  # Google / OpenAI / Anthropic shapes
        code = code or err.get("status") or err.get("type") or err.get("code")
        message = message or err.get("message")
    elif isinstance(err, str):
        message = message or err
    message = str(message) if message is not None else text[:500]
    # Claude via Databricks nests a JSON document in `message`.
    if message.startswith("{"):
        try:
            inner = orjson.loads(message)
            if isinstance(inner, dict) and isinstance(inner.get("message"), str):
                message = inner["message"]
        except orjson.JSONDecodeError:
            pass
    return (str(code) if code is not None else None), message.strip()


def error_from_response(
    status: int, raw: bytes, headers: Mapping[str, str]
) -> UpstreamError | CredentialsRejected:
    code, message = parse_error_body(raw)
    message = redact(message)
    body = redact(raw.decode("utf-8", "replace")[:2000])
    if status in (401, 403) or (status == 400 and message == "Invalid Token"):
        return CredentialsRejected(
            f"Databricks rejected the credentials (HTTP {status}): {message}",
            "Your token may have expired or lack access to this endpoint. Run `brickgate login` again.",
        )
    kw: dict[str, Any] = {"status": status, "error_code": code, "body": body, "detail": message}
    if status == 429:
        return UpstreamRateLimited(
            f"Databricks rate limit hit (HTTP 429): {message}",
            "Wait a moment and retry; pay-per-token endpoints have per-workspace limits "
            "(a provisioned-throughput endpoint raises them).",
            retry_after=_retry_after_seconds(headers.get("Retry-After")),
            **kw,
        )
    if status >= 500:
        return UpstreamUnavailable(
            f"Databricks failed to serve the request (HTTP {status}): {message}",
            "This is on the server side; retry shortly. `brickgate doctor` checks each model.",
            **kw,
        )
    if status == 404:
        return UpstreamRejected(
            f"Databricks does not know this endpoint or path (HTTP 404): {message}",
            "Run `brickgate models --refresh` to see the endpoints this workspace serves.",
            **kw,
        )
    return UpstreamRejected(
        f"Databricks rejected the request (HTTP {status}): {message}",
        "The model refused this request as sent. If a brickgate repair should have fixed it, "
        "rerun with --debug and report the message.",
        **kw,
    )
