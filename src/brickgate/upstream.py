"""The one HTTP client that talks to Databricks: ``Upstream`` (auth headers per request, bounded retries,
error mapping) over a narrow, injectable ``Transport`` that only moves bytes.

The default transport is aiohttp, chosen by measurement (research/performance.md): ~0.3 ms CPU per relayed
request against ~1.5 ms for httpx 0.28, which also degrades under concurrency. Only this module imports it;
its session is created in ``AiohttpTransport._session_for_loop`` and bodies are read in ``AiohttpResponse``.
Tests inject a transport to drive ``Upstream``, ``EventStream`` and the relay without sockets.

Retries happen only before a response is handed out: once a caller holds an ``UpstreamResponse`` its
bytes may already be on their way to a client, so a broken stream is reported, never replayed.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
import orjson

from brickgate import network
from brickgate.answer_limits import (
    MAX_ERROR_BYTES,
    MAX_EVENT_BYTES,
    MAX_JSON_BYTES,
    redirect_refused,
    too_large,
)
from brickgate.errors import (
    CredentialsRejected,
    InvalidRequest,
    StreamInterrupted,
    UpstreamBlocked,
    UpstreamError,
    UpstreamUnavailable,
)
from brickgate.http_errors import error_from_response, explain_reservation, retry_after_seconds
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


# -- the transport seam -------------------------------------------------------------------------------


class ConnectFailed(Exception):
    """Nothing reached the server (DNS, refused, connect timeout): always safe to retry."""


class NoAnswer(Exception):
    """The server took the request but sent no answer within the read timeout: not retried, since the
    workspace may be generating it and a retry would pay twice."""


class SendFailed(Exception):
    """Any other failure to get an answer; the message says what happened, redacted."""


class UpstreamResponse(Protocol):
    """An answer whose body has not been read yet. Read it once: ``chunks()`` or ``read()``."""

    status: int
    headers: Mapping[str, str]

    def chunks(self) -> AsyncIterator[bytes]:
        """Body bytes as they arrive, never re-chunked; a broken body raises ``StreamInterrupted``."""
        ...

    async def read(self, limit: int = MAX_JSON_BYTES) -> bytes:
        """The whole body; a broken body raises ``StreamInterrupted``, one past ``limit`` bytes
        (after decompression) ``UpstreamUnavailable``."""
        ...

    def close(self) -> None:
        """Abandon the answer (and its connection, unless the body was read to the end)."""
        ...


class Transport(Protocol):
    """Sends one HTTP request; raises ``ConnectFailed``, ``NoAnswer`` or ``SendFailed``."""

    async def send(
        self, method: str, url: str, body: bytes, headers: Mapping[str, str]
    ) -> UpstreamResponse: ...

    def pool_stats(self) -> dict[str, int]:
        """Connections ``in_use`` (carrying a request or a stream) and ``idle``, for tests and the soak."""
        ...

    async def aclose(self) -> None: ...


# -- the aiohttp transport ----------------------------------------------------------------------------


class AiohttpResponse:
    """An aiohttp answer as an ``UpstreamResponse``: the one place bodies are read."""

    __slots__ = ("_resp", "headers", "status")

    def __init__(self, resp: aiohttp.ClientResponse) -> None:
        self._resp = resp
        self.status = resp.status
        self.headers: Mapping[str, str] = resp.headers

    async def chunks(self) -> AsyncIterator[bytes]:
        pending = 0  # bytes since the last event boundary: an event that never ends is not buffered whole
        try:
            async for chunk in self._resp.content.iter_any():
                pending = _unfinished_event_bytes(chunk, pending)
                if pending > MAX_EVENT_BYTES:
                    self._resp.close()
                    raise too_large(str(self._resp.url), "one stream event", MAX_EVENT_BYTES, streaming=True)
                yield chunk
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise StreamInterrupted(
                f"The upstream stream broke off: {type(exc).__name__}: {redact(str(exc))}".rstrip(": "),
                "The answer is incomplete. Retry the request.",
            ) from exc
        finally:
            self._resp.release()

    async def read(self, limit: int = MAX_JSON_BYTES) -> bytes:
        try:
            body, more = await _read_at_most(self._resp, limit)
            if more:
                self._resp.close()
                raise too_large(str(self._resp.url), "an answer", limit)
            return body
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise StreamInterrupted(
                f"Reading the upstream response failed: {type(exc).__name__}", "Retry the request."
            ) from exc
        finally:
            self._resp.release()

    def close(self) -> None:
        self._resp.close()


class AiohttpTransport:
    """One pooled aiohttp session per event loop."""

    def __init__(
        self, base_url: str, *, connect_timeout: float, read_timeout: float, max_connections: int
    ) -> None:
        self.base_url = base_url  # the one workspace it talks to: picks the proxy (and NO_PROXY) once
        self._timeout = aiohttp.ClientTimeout(total=None, connect=connect_timeout, sock_read=read_timeout)
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None

    async def send(self, method: str, url: str, body: bytes, headers: Mapping[str, str]) -> UpstreamResponse:
        session = await self._session_for_loop()
        try:
            resp = await session.request(method, url, data=body, headers=headers, allow_redirects=False)
        except aiohttp.ClientConnectorError as exc:
            raise ConnectFailed(redact(str(exc.os_error) or type(exc).__name__)) from exc
        except aiohttp.ConnectionTimeoutError as exc:
            raise ConnectFailed(f"no connection within {self._timeout.connect or 0:g} s") from exc
        except asyncio.TimeoutError as exc:
            raise NoAnswer() from exc
        except aiohttp.ClientError as exc:
            raise SendFailed(f"{type(exc).__name__}: {redact(str(exc))}") from exc
        if 300 <= resp.status < 400:  # followed, it would take the prompt to another host
            resp.close()
            raise redirect_refused(url, resp.status, resp.headers.get("Location"))
        return AiohttpResponse(resp)

    async def _session_for_loop(self) -> aiohttp.ClientSession:
        """The pooled session of the running event loop. aiohttp binds a session to the loop it was made
        on, and scripts call ``asyncio.run`` more than once: a session from another loop is let go."""
        loop = asyncio.get_running_loop()
        if self._session is not None and (self._session.closed or self._session_loop is not loop):
            await self._let_go_of_session()
        if self._session is None:
            # Proxy and CA bundle are settled once per session: no environment lookups per request.
            tls = network.ssl_context()
            proxy = network.proxy_for(self.base_url)
            proxy_auth = aiohttp.BasicAuth(proxy.user, proxy.password or "") if proxy and proxy.user else None
            connector = aiohttp.TCPConnector(
                limit=self._max_connections, ttl_dns_cache=300, ssl=True if tls is None else tls
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                auto_decompress=True,
                skip_auto_headers=("User-Agent",),
                proxy=proxy.url if proxy else None,
                proxy_auth=proxy_auth,
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


# -- the client ---------------------------------------------------------------------------------------


class Upstream:
    """The client of one workspace: fresh auth headers per request, timeouts, bounded retries."""

    def __init__(
        self,
        base_url: str,
        auth_headers: HeadersFn,
        *,
        transport: Transport | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 300.0,
        retry: RetryPolicy | None = None,
        max_connections: int = 1024,  # as many as `serve` admits clients: stream 513 waited for one to end
        refresh_auth: RefreshFn | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._auth_headers = auth_headers
        self._refresh_auth = refresh_auth
        self._read_timeout = read_timeout
        self.retry = retry or RetryPolicy()
        self.transport: Transport = transport or AiohttpTransport(
            self.base_url,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_connections=max_connections,
        )

    async def aclose(self) -> None:
        await self.transport.aclose()

    async def post(
        self,
        path: str,
        body: bytes | Mapping[str, Any],
        *,
        stream: bool = False,
        extra_headers: Mapping[str, str] | None = None,
        on_retry: OnRetry | None = None,
        encoded: bytes | None = None,
    ) -> UpstreamResponse:
        """POST ``body`` (JSON) to ``path``: the 2xx answer, unread; any other outcome raises. ``encoded``:
        ``body`` already encoded (sent as it is; ``body`` still explains errors)."""
        data = encoded or (body if isinstance(body, bytes) else _json_bytes(body))
        headers = {
            "Content-Type": "application/json",
            "Accept": "text/event-stream" if stream else "application/json",
        }
        if extra_headers:
            headers.update(extra_headers)
        policy = self.retry
        started = time.monotonic()
        attempt = 1
        refreshed = False
        while True:
            resp = await self._attempt(path, data, headers)
            if isinstance(resp, UpstreamUnavailable):  # the connection failed: nothing was sent
                failure: UpstreamError | CredentialsRejected = resp
                status, reason, retry_after = 0, "connection failed", None
            elif 200 <= resp.status < 300:
                return resp
            else:
                retry_after_header = resp.headers.get("Retry-After")
                failure = error_from_response(
                    resp.status, await _error_body(resp), retry_after=retry_after_header
                )
                if isinstance(failure, CredentialsRejected) and not refreshed and self._refresh_auth:
                    # A token revoked or expired early (clock skew): the SDK still thinks it is fresh.
                    refreshed = True
                    if await self._refresh_auth():
                        log.info("%s rejected the token; retrying %s with a fresh one", self.base_url, path)
                        continue
                if isinstance(failure, UpstreamError) and not isinstance(body, bytes):
                    explain_reservation(failure, body)
                # a budget block or guardrail answers the same however often it is asked
                if resp.status not in policy.statuses or isinstance(failure, UpstreamBlocked):
                    raise failure
                status, reason = resp.status, failure.message
                retry_after = retry_after_seconds(retry_after_header)
            delay = _backoff(policy, attempt, retry_after)
            if (
                attempt >= policy.max_attempts
                or time.monotonic() - started + delay > policy.max_total_seconds
            ):
                raise failure
            attempt += 1
            if on_retry is not None:
                on_retry(RetryNotice(attempt=attempt, delay=delay, status=status, reason=reason))
            log.info("retrying %s in %.1fs (attempt %d): %s", path, delay, attempt, reason)
            note_retry()
            await asyncio.sleep(delay)

    async def _attempt(
        self, path: str, data: bytes, headers: Mapping[str, str]
    ) -> UpstreamResponse | UpstreamUnavailable:
        """One try: the answer, or (returned, to retry) the failure to connect; other failures raise."""
        try:
            auth = await self._auth_headers()
            return await self.transport.send("POST", self.base_url + path, data, {**headers, **auth})
        except ConnectFailed as exc:
            return UpstreamUnavailable(
                f"Cannot connect to {self.base_url}: {exc}",
                "Check the workspace host and your network; `brickgate status` shows which host is used.",
            )
        except NoAnswer as exc:
            raise UpstreamUnavailable(
                f"{self.base_url} did not answer within {self._read_timeout:g} s.",
                "The model may be overloaded; retry later or raise the read timeout.",
                status=504,
            ) from exc
        except SendFailed as exc:
            raise UpstreamUnavailable(
                f"Request to {self.base_url} failed: {exc}",
                "Retry the request; if it keeps failing, run `brickgate status`.",
            ) from exc


async def _error_body(resp: UpstreamResponse) -> bytes:
    """The body of an error answer; empty when it broke off or is past ``MAX_ERROR_BYTES`` (the status still
    says what happened)."""
    try:
        return await resp.read(MAX_ERROR_BYTES)
    except UpstreamError:
        return b""


async def _read_at_most(resp: aiohttp.ClientResponse, limit: int) -> tuple[bytes, bool]:
    """Up to ``limit`` bytes of the body, counted after decompression (aiohttp inflates in bounded
    steps, so a gzip bomb is never inflated whole), and whether there was more."""
    parts: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_any():
        size += len(chunk)
        if size > limit:
            parts.append(chunk[: len(chunk) - (size - limit)])
            return b"".join(parts), True
        parts.append(chunk)
    return b"".join(parts), False


def _unfinished_event_bytes(chunk: bytes, pending: int) -> int:
    """Bytes of the SSE event still open after ``chunk``, given ``pending`` open before it. A boundary
    split across two chunks is missed, which only delays the count's reset to the next one."""
    end = chunk.rfind(b"\n\n")
    if end < 0:
        end = chunk.rfind(b"\r\n\r\n")
    return pending + len(chunk) if end < 0 else len(chunk) - end


def _backoff(policy: RetryPolicy, attempt: int, retry_after: float | None) -> float:
    if retry_after is not None:
        return float(min(retry_after, policy.max_total_seconds))
    exp: float = min(policy.max_delay, policy.base_delay * 2.0 ** (attempt - 1))
    return exp / 2 + random.uniform(0, exp / 2)  # jitter: spreads retries of concurrent callers


def _json_bytes(body: Mapping[str, Any]) -> bytes:
    try:
        return orjson.dumps(body)
    except orjson.JSONEncodeError as exc:  # max_tokens=10**20, or text read with surrogateescape
        if "Recursion limit" in str(exc):
            raise  # a body nested too deeply: the gateway answers it as such (gateway.error_shapes)
        raise InvalidRequest(
            f"The request cannot be sent as JSON: {exc}.",
            "Every number in a request must fit in 64 bits (check max_tokens) and all text must be UTF-8.",
        ) from None
