"""Workspace: credentials + catalog + upstream in one object. The library's front door.

ws = Workspace()                                   # or Workspace(profile="dev"), Workspace(host=...)
for m in ws.models(): ...
stream = await ws.stream("claude-sonnet-4-5", "Hello")   # errors before the first byte raise here
async for event in stream: ...
done = await ws.complete("gpt-5-2", request)       # Completion: response, usage, cost, repairs
done = ws.complete_sync("llama-3-3-70b", "Hi")     # the same, for scripts
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator, Mapping
from typing import Any, TypeVar

from brickgate.catalog.families import Api
from brickgate.catalog.model import Model
from brickgate.errors import UpstreamRejected
from brickgate.event_stream import WIRE, Completion, EventStream
from brickgate.ledger.library import recorded
from brickgate.protocol import Message, Request, StreamEvent, TextPart, ToolResultPart
from brickgate.quirks import Repaired, repair_after_rejection, repair_request
from brickgate.relay import RawRelay
from brickgate.routing import Surface, SurfaceChooser, SurfaceSetting, is_gateway_absent, upstream_path
from brickgate.upstream import OnRetry, RetryPolicy, Upstream, UpstreamResponse

T = TypeVar("T")
DEFAULT_ANTHROPIC_MAX_TOKENS = 16_384  # Messages requires max_tokens; capped by the model's own limit


class Workspace:
    def __init__(
        self,
        profile: str | None = None,
        host: str | None = None,
        *,
        credentials: Any = None,
        catalog: Any = None,
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
        self._catalog: Any = catalog
        self._upstream: Upstream | None = None
        self._chooser: SurfaceChooser | None = None
        self._sync: _SyncRunner | None = None
        self._persist = persist  # False: nothing written under the brickgate home (demos, throwaway runs)
        self.usage_ledger = usage_ledger and persist  # False: calls are not recorded (brickgate.ledger)
        # Refusals an adaptive repair fixed, per endpoint and API: later requests are repaired up front.
        self._refusals: dict[tuple[str, Api], tuple[str, ...]] = {}

    # -- parts, resolved lazily so constructing a Workspace costs nothing --------------------------
    @property
    def credentials(self) -> Any:
        if self._creds is None:
            self._creds = self.catalog.credentials
        return self._creds

    @property
    def catalog(self) -> Any:
        if self._catalog is None:
            from brickgate.catalog import Catalog

            self._catalog = Catalog(self._creds, profile=self._profile, host=self._host)
        return self._catalog

    @property
    def upstream(self) -> Upstream:
        if self._upstream is None:
            creds = self.credentials

            async def auth_headers() -> Mapping[str, str]:
                if getattr(creds, "auth_type", "") == "pat":
                    return dict(creds.headers())
                # OAuth providers may refresh over the network inside headers(): keep the loop free.
                return dict(await asyncio.to_thread(creds.headers))

            async def refresh_auth() -> bool:
                refresh = getattr(creds, "refresh", None)
                return bool(refresh is not None and await asyncio.to_thread(refresh))

            self._upstream = Upstream(
                creds.host,
                auth_headers,
                retry=self._retry,
                read_timeout=self._read_timeout,
                refresh_auth=refresh_auth,
            )
        return self._upstream

    @property
    def surfaces(self) -> SurfaceChooser:
        if self._chooser is None:
            setting = self._surface_setting or self.catalog.settings.surface
            self._chooser = SurfaceChooser(self.credentials.host, setting, persist=self._persist)
        return self._chooser

    # -- models -------------------------------------------------------------------------------------
    def models(self, *, refresh: bool = False, all: bool = False) -> list[Model]:
        return list(self.catalog.models(refresh=refresh, all=all))

    def model(self, name: str | Model) -> Model:
        return name if isinstance(name, Model) else self.catalog.get(name)

    # -- inference ----------------------------------------------------------------------------------
    async def stream(
        self,
        model: str | Model,
        request: Request | str,
        *,
        api: Api | None = None,
        on_retry: OnRetry | None = None,
        keep_response: bool = True,
    ) -> EventStream:
        """Send the request; return its events. Errors before the first byte raise here.

        ``keep_response=False`` skips assembling the final message (``completion()``) for callers that
        only pass events on, such as the gateway.
        """
        events = await self._call(model, request, api=api, stream=True, on_retry=on_retry)
        events.keep_response = keep_response
        return events

    async def complete(
        self,
        model: str | Model,
        request: Request | str,
        *,
        api: Api | None = None,
        stream: bool = False,
        on_retry: OnRetry | None = None,
    ) -> Completion:
        events = await self._call(model, request, api=api, stream=stream, on_retry=on_retry)
        return await events.collect()

    @recorded
    async def _call(
        self,
        model: str | Model,
        request: Request | str,
        *,
        api: Api | None,
        stream: bool,
        on_retry: OnRetry | None,
    ) -> EventStream:
        m = self.model(model)
        req = request if isinstance(request, Request) else Request.of(m.id, request)
        chosen: Api = api or m.api
        body = self.encode(m, chosen, req, stream=stream)
        repaired = repair_request(body, m, chosen)
        resp, surface, repairs = await self.send(m, chosen, repaired, stream=stream, on_retry=on_retry)
        return EventStream(
            upstream=resp if stream else None,
            body=None if stream else await resp.read(),
            model=m,
            api=chosen,
            surface=surface,
            repairs=repairs,
            prompt_chars=_prompt_chars(req),
        )

    async def relay(
        self,
        model: Model,
        api: Api,
        body: Mapping[str, Any],
        *,
        stream: bool,
        on_retry: OnRetry | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> RawRelay:
        """Same-API fast path: the caller's body, renamed to the endpoint and repaired, relayed back raw.
        ``headers`` go upstream as they are (the gateway passes on ``anthropic-beta``)."""
        repaired = repair_request({**body, "model": model.id}, model, api)
        resp, surface, repairs = await self.send(
            model, api, repaired, stream=stream, on_retry=on_retry, headers=headers
        )
        return RawRelay(resp, model=model, api=api, surface=surface, repairs=repairs)

    @staticmethod
    def encode(model: Model, api: Api, request: Request, *, stream: bool) -> dict[str, Any]:
        body: dict[str, Any] = WIRE[api].encode_request(request, model.id)
        body["stream"] = stream
        if stream and api == "chat":
            body["stream_options"] = {"include_usage": True}  # quirks drop it where refused
        if api == "messages" and not body.get("max_tokens"):
            body["max_tokens"] = min(model.max_output_tokens, DEFAULT_ANTHROPIC_MAX_TOKENS)
        return body

    async def send(
        self,
        model: Model,
        api: Api,
        repaired: Repaired,
        *,
        stream: bool,
        on_retry: OnRetry | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[UpstreamResponse, Surface, tuple[str, ...]]:
        """POST an already repaired body; falls back once when the AI Gateway is absent, and once more
        with an adaptive repair when the upstream names a field it refuses (remembered for the endpoint)."""
        repairs = tuple(repaired.applied)
        body = repaired.body
        known = self._refusals.get((model.id, api), ())
        for refusal in known:
            if (fixed := repair_after_rejection(body, 400, refusal, model, api)) is not None:
                body, repairs = fixed.body, repairs + fixed.applied
        adapted: str | None = None  # the refusal this request was repaired for
        while True:
            surface = self.surfaces.current(model)
            try:
                resp = await self.upstream.post(
                    upstream_path(surface, api), body, stream=stream, extra_headers=headers, on_retry=on_retry
                )
            except UpstreamRejected as exc:
                detail = exc.detail or exc.message
                absent = surface == "ai-gateway" and is_gateway_absent(exc.status, exc.error_code, detail)
                if absent and self.surfaces.gateway_absent():
                    continue
                if exc.status == 400 and adapted is None:
                    fixed = repair_after_rejection(body, exc.status, detail, model, api)
                    if fixed is not None:
                        adapted = detail
                        body = fixed.body
                        repairs += tuple(fixed.applied)
                        continue
                raise
            if surface == "ai-gateway":
                self.surfaces.gateway_works()
            if adapted is not None:
                self._refusals[(model.id, api)] = (*known, adapted)
            return resp, surface, repairs

    async def aclose(self) -> None:
        if self._upstream is not None:
            await self._upstream.aclose()

    # -- sync twins for scripts -----------------------------------------------------------------------
    def _runner(self) -> _SyncRunner:
        if self._sync is None:
            self._sync = _SyncRunner()
        return self._sync

    def complete_sync(self, model: str | Model, request: Request | str, **kw: Any) -> Completion:
        return self._runner().run(self.complete(model, request, **kw))

    def stream_sync(self, model: str | Model, request: Request | str, **kw: Any) -> Iterator[StreamEvent]:
        runner = self._runner()
        events = runner.run(self.stream(model, request, **kw))
        iterator = events.__aiter__()
        while True:
            try:
                yield runner.run(_anext(iterator))
            except StopAsyncIteration:
                return

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


async def _anext(it: Any) -> Any:
    return await it.__anext__()


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
