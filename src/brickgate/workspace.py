"""Workspace: credentials + catalog + upstream in one object. The library's front door.

ws = Workspace()                                   # or Workspace(profile="dev"), Workspace(host=...)
for m in ws.models(): ...
async with ws.stream("claude-sonnet-4-5", "Hello") as events:   # errors before the first byte raise here
    async for event in events: ...                 # the upstream answer is closed when the block ends
done = await ws.complete("gpt-5-2", request)       # Completion: response, usage, cost, repairs
done = ws.complete_sync("llama-3-3-70b", "Hi")     # the same, for scripts

The gateway drives the same pipeline; its same-API fast path is ``_relay`` (internal to brickgate).
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import AsyncIterator, Coroutine, Generator, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from brickgate.auth.credentials import Credentials
from brickgate.auth.source_hints import rejection_hint
from brickgate.body_edits import edited
from brickgate.catalog.model import Model
from brickgate.errors import CredentialsRejected, UpstreamRejected
from brickgate.event_stream import Completion, EventStream
from brickgate.ledger.library import recorded
from brickgate.protocol import Message, Request, StreamEvent, TextPart, ToolResultPart
from brickgate.quirks import Repaired, RepairMemory, repair_after_rejection, repair_request, stream_repair
from brickgate.relay import RawRelay
from brickgate.request_tags import CONFIG_TABLE, HEADER, RequestTags, configured_tags
from brickgate.routing import (
    Route,
    SurfaceChooser,
    SurfaceLost,
    SurfaceSetting,
    choose,
    is_gateway_absent,
    not_served_here,
    on_serving_endpoints,
    renamed_body,
)
from brickgate.upstream import OnRetry, RetryPolicy, Upstream, UpstreamResponse
from brickgate.wire.contract import Api
from brickgate.wire.registry import WIRES

if TYPE_CHECKING:
    from brickgate.catalog import Catalog

T = TypeVar("T")
# Adaptive repairs one request may try, each for another refusal: a model that refuses sampling parameters
# names them one 400 at a time (research 2026 §1.5), and agents send several (Copilot: temperature, top_p,
# penalties). Each is remembered, so the next request is repaired before it is sent.
ADAPTIVE_RETRIES = 6


class PendingStream:
    """A stream being opened: ``await`` it for the ``EventStream``, or use ``async with`` to also close the
    upstream answer when the block ends (however it ends)."""

    __slots__ = ("_events", "_opening")

    def __init__(self, opening: Coroutine[Any, Any, EventStream]) -> None:
        self._opening = opening
        self._events: EventStream | None = None

    def __await__(self) -> Generator[Any, None, EventStream]:
        return self._opening.__await__()

    async def __aenter__(self) -> EventStream:
        self._events = await self._opening
        return self._events

    async def __aexit__(self, *exc: object) -> None:
        if self._events is not None:
            await self._events.aclose()


class Workspace:
    def __init__(
        self,
        profile: str | None = None,
        host: str | None = None,
        *,
        credentials: Credentials | None = None,
        catalog: Catalog | None = None,
        surface: SurfaceSetting | None = None,
        retry: RetryPolicy | None = None,
        read_timeout: float = 300.0,
        persist: bool = True,
        usage_ledger: bool = True,
    ) -> None:
        self._profile = profile
        self._host = host
        self._creds = credentials
        self._surface_setting = surface
        self._retry = retry
        self._read_timeout = read_timeout
        self._catalog = catalog
        self._upstream_client: Upstream | None = None
        self._chooser: SurfaceChooser | None = None
        self._sync: _SyncRunner | None = None
        self._persist = persist  # False: nothing written under the brickgate home (demos, throwaway runs)
        self._memory = RepairMemory()  # what this workspace's answers taught its repairs; never shared
        self.usage_ledger = usage_ledger and persist  # False: calls are not recorded (brickgate.ledger)
        self._tags: RequestTags | None = None

    # -- parts, resolved lazily so constructing a Workspace costs nothing --------------------------
    @property
    def credentials(self) -> Credentials:
        if self._creds is None:
            self._creds = self.catalog.credentials
        return self._creds

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            from brickgate.catalog import Catalog

            self._catalog = Catalog(self._creds, profile=self._profile, host=self._host)
        return self._catalog

    @property
    def _upstream(self) -> Upstream:
        if self._upstream_client is None:
            creds = self.credentials

            async def auth_headers() -> Mapping[str, str]:
                if creds.auth_type == "pat":
                    return creds.headers()
                # OAuth providers may refresh over the network inside headers(): keep the loop free.
                return await asyncio.to_thread(creds.headers)

            async def refresh_auth() -> bool:
                return await asyncio.to_thread(creds.refresh)

            self._upstream_client = Upstream(
                creds.host,
                auth_headers,
                retry=self._retry,
                read_timeout=self._read_timeout,
                refresh_auth=refresh_auth,
            )
        return self._upstream_client

    @property
    def _surfaces(self) -> SurfaceChooser:
        if self._chooser is None:
            setting = self._surface_setting or self.catalog.settings.surface
            self._chooser = SurfaceChooser(self.credentials.host, setting, persist=self._persist)
        return self._chooser

    @property
    def _request_tags(self) -> RequestTags:
        """The cost-attribution tags of this workspace's requests (config.toml and the environment);
        ``ConfigError`` when either is malformed."""
        if self._tags is None:
            table = (self.catalog.settings.model_extra or {}).get(CONFIG_TABLE)
            self._tags = RequestTags(configured_tags(table))
        return self._tags

    # -- models -------------------------------------------------------------------------------------
    def models(self, *, refresh: bool = False, all: bool = False) -> list[Model]:
        return list(self.catalog.models(refresh=refresh, all=all))

    def model(self, name: str | Model) -> Model:
        return name if isinstance(name, Model) else self.catalog.get(name)

    def _route(self, model: Model, caller: Api | None = None, *, pin: Api | None = None) -> Route:
        """The API, surface and path a request takes to ``model`` now: ``caller``'s own API when the model
        declares it, else the model's best (``routing.choose``); ``pin`` forces an API."""
        return choose(model, caller, self._surfaces.current(model), pin=pin)

    # -- inference ----------------------------------------------------------------------------------
    def stream(
        self,
        model: str | Model,
        request: Request | str,
        *,
        api: Api | None = None,
        on_retry: OnRetry | None = None,
        keep_response: bool = True,
        headers: Mapping[str, str] | None = None,
    ) -> PendingStream:
        """Send the request; its events. ``async with ws.stream(...) as events`` (or ``await``).

        Errors before the first byte raise when the stream opens. ``keep_response=False`` skips assembling
        the final message (``completion()``) for callers that only pass events on, such as the gateway.
        ``headers`` go upstream with it (e.g. your own ``Databricks-Ai-Gateway-Request-Tags``).
        """
        return PendingStream(
            self._open(
                model,
                request,
                api=api,
                stream=True,
                on_retry=on_retry,
                keep_response=keep_response,
                headers=headers,
            )
        )

    async def complete(
        self,
        model: str | Model,
        request: Request | str,
        *,
        api: Api | None = None,
        stream: bool = False,
        on_retry: OnRetry | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Completion:
        events = await self._open(model, request, api=api, stream=stream, on_retry=on_retry, headers=headers)
        return await events.collect()

    @recorded
    async def _open(
        self,
        model: str | Model,
        request: Request | str,
        *,
        api: Api | None,
        stream: bool,
        on_retry: OnRetry | None,
        keep_response: bool = True,
        headers: Mapping[str, str] | None = None,
    ) -> EventStream:
        m = self.model(model)
        req = request if isinstance(request, Request) else Request.of(m.id, request)
        for attempt in (1, 2):  # twice only when the AI Gateway turns out missing (SurfaceLost)
            route = self._route(m, pin=api if attempt == 1 else None)
            body = WIRES[route.api].encode_request(replace(req, stream=stream), m.id)
            repaired = repair_request(body, m, route.api, self._memory)
            try:
                resp, route, repairs = await self._send(
                    m, route, repaired, stream=stream, on_retry=on_retry, headers=headers
                )
                break
            except SurfaceLost:
                if attempt == 2:
                    raise
        events = EventStream(
            upstream=resp if stream else None,
            body=None if stream else await resp.read(),
            model=m,
            api=route.api,
            surface=route.surface,
            repairs=repairs,
            repair=stream_repair(m, route.api, self._memory),
            prompt_chars=functools.partial(_prompt_chars, req),  # an estimate, rarely needed: not per request
        )
        events.keep_response = keep_response
        return events

    async def _relay(
        self,
        model: Model,
        api: Api,
        body: Mapping[str, Any],
        *,
        stream: bool,
        on_retry: OnRetry | None = None,
        headers: Mapping[str, str] | None = None,
        raw: bytes | None = None,
    ) -> RawRelay:
        """Same-API fast path: the caller's body, renamed to the endpoint and repaired, relayed back raw.
        ``headers`` go upstream as they are (the gateway passes on ``anthropic-beta``). ``raw``: the body's
        bytes as the caller sent them, sent on with the rename and the repairs' top-level edits made on the
        bytes when that is certain (``body_edits``), so the conversation is not encoded again."""
        repaired = repair_request(renamed_body(body, api, model.id), model, api, self._memory)
        if raw is not None:
            repaired = replace(repaired, raw=edited(raw, body, repaired.body))
        route = self._route(model, pin=api)
        resp, route, repairs = await self._send(
            model, route, repaired, stream=stream, on_retry=on_retry, headers=headers
        )
        repair = stream_repair(model, api, self._memory, relay=True)
        return RawRelay(resp, model=model, api=api, surface=route.surface, repairs=repairs, repair=repair)

    async def _send(
        self,
        model: Model,
        route: Route,
        repaired: Repaired,
        *,
        stream: bool,
        on_retry: OnRetry | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[UpstreamResponse, Route, tuple[str, ...]]:
        """POST an already repaired body; falls back once when the AI Gateway is absent, and again with an
        adaptive repair each time the upstream names another field it refuses or an output cap it exceeds
        (up to ADAPTIVE_RETRIES, remembered for the endpoint)."""
        api, limit = route.api, model.max_output_tokens
        repairs = tuple(repaired.applied)
        body = repaired.body
        if headers is None or HEADER not in headers:  # every request says who sent it
            headers = {**(headers or {}), HEADER: self._request_tags.library_header}
        for refusal in self._memory.refusals(model.id, api):
            if (fixed := repair_after_rejection(body, 400, refusal, api, output_limit=limit)) is not None:
                body, repairs = fixed.body, repairs + fixed.applied
        adapted: list[str] = []  # the refusals this request was repaired for
        while True:
            try:
                encoded = repaired.raw  # the caller's bytes, edited where they were repaired
                if encoded is not None and body is not repaired.body:
                    encoded = edited(encoded, repaired.body, body)
                resp = await self._upstream.post(
                    route.path(model.id, stream=stream),
                    body,
                    stream=stream,
                    extra_headers=headers,
                    on_retry=on_retry,
                    encoded=encoded,
                )
            except CredentialsRejected as exc:
                if isinstance(self.credentials, Credentials):  # say where they came from, and the fix there
                    exc.hint = rejection_hint(self.credentials)
                raise
            except UpstreamRejected as exc:
                detail = exc.detail or exc.message
                missing = self._gateway_missing(model, route, exc, detail)
                if missing and self._surfaces.gateway_absent():
                    route = on_serving_endpoints(model, route)
                    continue
                if exc.status == 400 and len(adapted) < ADAPTIVE_RETRIES and detail not in adapted:
                    fixed = repair_after_rejection(body, exc.status, detail, api, output_limit=limit)
                    if fixed is not None:
                        adapted.append(detail)
                        body = fixed.body
                        repairs += tuple(fixed.applied)
                        continue
                if exc.status == 404 and not missing:
                    raise not_served_here(model, route, exc, detail) from None
                raise
            if route.surface == "ai-gateway":
                self._surfaces.gateway_works()
            for refusal in adapted:
                self._memory.learn_refusal(model.id, api, refusal)
            return resp, route, repairs

    def _gateway_missing(self, model: Model, route: Route, exc: UpstreamRejected, detail: str) -> bool:
        """Whether the error says this host has no AI Gateway (as opposed to: this model is not here)."""
        if route.surface != "ai-gateway":
            return False
        seen = self._surfaces.gateway_seen
        return is_gateway_absent(exc.status, exc.error_code, detail, model=model, gateway_seen=seen)

    async def aclose(self) -> None:
        if self._upstream_client is not None:
            await self._upstream_client.aclose()

    # -- sync twins for scripts -----------------------------------------------------------------------
    def _runner(self) -> _SyncRunner:
        if self._sync is None:
            self._sync = _SyncRunner()
        return self._sync

    def complete_sync(
        self,
        model: str | Model,
        request: Request | str,
        *,
        api: Api | None = None,
        stream: bool = False,
        on_retry: OnRetry | None = None,
    ) -> Completion:
        return self._runner().run(self.complete(model, request, api=api, stream=stream, on_retry=on_retry))

    def stream_sync(
        self,
        model: str | Model,
        request: Request | str,
        *,
        api: Api | None = None,
        on_retry: OnRetry | None = None,
    ) -> Iterator[StreamEvent]:
        """The events of ``stream``, one by one; leaving the loop early closes the upstream answer."""
        runner = self._runner()
        events = runner.run(self._open(model, request, api=api, stream=True, on_retry=on_retry))
        iterator = aiter(events)
        try:
            while True:
                try:
                    yield runner.run(_next(iterator))
                except StopAsyncIteration:
                    return
        finally:
            runner.run(events.aclose())

    def close(self) -> None:
        if self._sync is not None:
            self._sync.run(self.aclose())
            self._sync.stop()
            self._sync = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> Workspace:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


async def _next(iterator: AsyncIterator[StreamEvent]) -> StreamEvent:
    return await anext(iterator)


def _prompt_chars(req: Request) -> int:
    total = 0
    for msg in req.messages:
        total += _message_chars(msg)
    for tool in req.tools:
        total += len(tool.name) + len(tool.description or "") + len(str(tool.parameters))
    return total


def _message_chars(msg: Message) -> int:
    n = 0
    for p in msg.parts:
        if isinstance(p, TextPart):
            n += len(p.text)
        elif isinstance(p, ToolResultPart):
            n += len(p.text())
        elif hasattr(p, "arguments"):
            n += len(p.arguments)
    return n


class _SyncRunner:
    """A private event loop on a daemon thread, so the pooled session survives across sync calls."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="brickgate-sync", daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
