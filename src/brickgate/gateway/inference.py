"""The inference routes as plain ASGI callables (the Gemini API's in gemini_routes.py, on these).

When the model declares the caller's API (``Workspace.route``: Claude Code x GLM 5.3 → Messages, Codex x
Kimi K3 → Responses) the body is relayed (``Workspace._relay``: renamed, repaired, streamed back raw).
Otherwise it is decoded with the caller's wire module, sent through ``Workspace.stream``/``complete``
with the model's best declared API and encoded back in the caller's API.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import orjson

from brickgate.catalog.model import Model
from brickgate.gateway.asgi_io import (
    SSE_HEADERS,
    BodyTooLarge,
    ClientGone,
    Receive,
    Scope,
    Send,
    cancel_on_disconnect,
    header,
    read_body,
    send_bytes,
)
from brickgate.gateway.error_shapes import GatewayError
from brickgate.gateway.gemini_names import GeminiModels
from brickgate.gateway.local_answers import estimate_input_tokens
from brickgate.gateway.local_auth import is_authorized, unauthorized
from brickgate.gateway.model_names import ModelDirectory
from brickgate.gateway.request_shape import shape_problem
from brickgate.ledger.gateway_usage import start_recording
from brickgate.protocol import Usage, UsageReport
from brickgate.request_tags import HEADER as TAGS_HEADER
from brickgate.request_tags import RequestTags
from brickgate.routing import SurfaceLost
from brickgate.wire.contract import Api
from brickgate.wire.registry import WIRES

if TYPE_CHECKING:
    from brickgate.gateway.caller_identity import CallerIdentities
    from brickgate.workspace import Workspace

access_log = logging.getLogger("brickgate.access")
RouteKind = Literal["fast", "translated", "local", "-"]
_ACCESS_LINE = "%s %s model=%s upstream=%s path=%s status=%d in=%s out=%s ms=%.0f"
# The event that completes a stream in each inbound API: a client that hangs up after it got the answer.
_FINAL_EVENTS: dict[Api, tuple[bytes, ...]] = {
    "chat": (b"data: [DONE]",),
    "messages": (b"message_stop",),
    "responses": (b"response.completed", b"response.incomplete"),
    "gemini": (b'"finishReason"',),  # Gemini's last chunk carries it (relayed or encoded)
}


class Rejected(Exception):
    """A request refused before any upstream call: carries the answer."""

    def __init__(self, error: GatewayError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass(frozen=True, slots=True)
class Caller:
    """Whom a request runs as: the workspace (credentials, learnt state) and model names of one identity,
    its Gemini names included (they remember the model its Gemini CLI chose). ``identity`` (the principal)
    and ``email`` (App mode) name a caller for the ledger, tags and log."""

    workspace: Workspace
    directory: ModelDirectory
    gemini: GeminiModels
    identity: str | None = None
    email: str | None = None

    @classmethod
    def of(
        cls,
        ws: Workspace,
        directory: ModelDirectory | None = None,
        *,
        identity: str | None = None,
        email: str | None = None,
    ) -> Caller:
        directory = directory or ModelDirectory(ws)
        small_model = ws.catalog.settings.gateway.gemini_small_model  # [gateway] in config.toml
        return cls(ws, directory, GeminiModels(directory, small_model), identity, email)


@dataclass(slots=True)
class Gateway:
    """What every route shares: the workspace, its models, and the local limits. With ``callers`` (serve
    --identity caller) each request runs as its caller instead, and ``workspace`` only holds the host and
    settings."""

    workspace: Workspace
    api_key: str | None
    max_body_bytes: int
    callers: CallerIdentities | None = None
    directory: ModelDirectory = field(init=False)
    tags: RequestTags = field(init=False)
    local: Caller = field(init=False)

    def __post_init__(self) -> None:
        self.local = Caller.of(self.workspace)
        self.directory = self.local.directory
        self.tags = self.workspace._request_tags  # a malformed tag setting stops the gateway at start

    async def caller(self, scope: Scope) -> Caller:
        """Whom this request runs as; ``Rejected`` (401) when a caller identity is missing or refused."""
        if self.callers is None:
            return self.local
        return await self.callers.caller(scope)


@dataclass(slots=True)
class Exchange:
    """One request as the access log reports it (never bodies or keys)."""

    method: str
    path: str
    started: float = field(default_factory=time.perf_counter)
    model: str = "-"
    upstream: Api | Literal["-"] = "-"  # the API the model was called with
    route: RouteKind = "-"
    status: int = 0
    usage: Usage | None = None
    user: str | None = None  # the caller (serve --identity caller): principal or forwarded email
    last_sent: bytes = b""  # the latest stream chunk, to tell a finished stream from one cut short

    def finished_stream(self, api: Api) -> bool:
        return any(event in self.last_sent for event in _FINAL_EVENTS[api])

    def log(self) -> None:
        if not access_log.isEnabledFor(logging.INFO):
            return
        ms = (time.perf_counter() - self.started) * 1000
        tokens_in = self.usage.total_input_tokens if self.usage else "-"
        tokens_out = self.usage.output_tokens if self.usage else "-"
        fields = (
            self.method,
            self.path,
            self.model,
            self.upstream,
            self.route,
            self.status,
            tokens_in,
            tokens_out,
        )
        if self.user is None:
            access_log.info(_ACCESS_LINE, *fields, ms)
        else:
            access_log.info(_ACCESS_LINE + " user=%s", *fields, ms, self.user)


async def parse_request(gateway: Gateway, scope: Scope, receive: Receive, api: Api) -> dict[str, Any]:
    """Authorize, read, parse and shape-check the JSON body; ``Rejected`` with the local error otherwise."""
    return (await read_request(gateway, scope, receive, api))[0]


async def read_request(
    gateway: Gateway, scope: Scope, receive: Receive, api: Api
) -> tuple[dict[str, Any], bytes]:
    """``parse_request``, and the body's bytes as they came (the fast path may send them on)."""
    if not is_authorized(scope, gateway.api_key):
        raise Rejected(unauthorized())
    try:
        raw = await read_body(scope, receive, gateway.max_body_bytes)
    except BodyTooLarge as exc:
        mib = exc.limit / (1024 * 1024)
        raise Rejected(
            GatewayError(
                413,
                f"Request body is larger than the gateway's limit of {mib:g} MiB.\n"
                "Shorten the conversation, or restart the gateway with a larger --max-body-mb.",
                "request_too_large",
            )
        ) from None
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Rejected(GatewayError(400, f"Request body is not valid JSON: {exc}", "invalid_json")) from None
    if not isinstance(body, dict):
        raise Rejected(GatewayError(400, "Request body must be a JSON object.", "invalid_request"))
    problem = shape_problem(body, api)
    if problem is not None:
        raise Rejected(GatewayError(400, f"Malformed request: {problem}", "invalid_request"))
    return body, raw


async def resolve_model(caller: Caller, body: dict[str, Any]) -> Model:
    name = body.get("model")
    if not isinstance(name, str) or not name.strip():
        raise Rejected(
            GatewayError(
                400,
                "The request has no `model` (a string naming a serving endpoint).\n"
                "GET /v1/models lists the models this workspace serves.",
                "missing_model",
            )
        )
    return await caller.directory.resolve(name)


def log_internal_error(error: GatewayError, ex: Exchange, exc: Exception) -> None:
    """A failure that is brickgate's own bug: its traceback in the log under the trace id the client got."""
    if error.trace_id is not None:
        access_log.error("internal error on %s (trace id %s)", ex.path, error.trace_id, exc_info=exc)


def fields_for(upstream: Api, extra: Mapping[str, Any]) -> dict[str, Any]:
    """The caller's uncanonical fields that ``upstream``'s API also defines. The rest belong to the caller's
    API (Codex's ``store``/``include``/``client_metadata``, opencode's ``stream_options``, Claude Code's
    ``context_management``) and another API's upstream refuses them as unknown fields."""
    known = WIRES[upstream].FIELDS
    return {key: value for key, value in extra.items() if key in known}


def upstream_headers(
    gateway: Gateway, scope: Scope, api: Api, *, relay: bool, caller: Caller | None = None
) -> dict[str, str]:
    """Request headers for the upstream call: the request tags (who is calling, merged with the caller's
    own; in a Databricks App the user's email last, so a caller cannot tag as someone else), and on the
    same-API fast path the Anthropic betas, which switch features on (1-hour prompt caching, context
    management) exactly as they would talking to Databricks directly."""
    tags = gateway.tags.for_caller(header(scope, b"user-agent"), header(scope, TAGS_HEADER.lower().encode()))
    if caller is not None and caller.email is not None:
        tags = tags[:-1] + ',"user":' + orjson.dumps(caller.email).decode() + "}"
    headers = {TAGS_HEADER: tags}
    if relay and api == "messages":
        beta = header(scope, b"anthropic-beta")
        if beta:
            headers["anthropic-beta"] = beta
    return headers


class InferenceRoute:
    """``POST /v1/chat/completions``, ``/v1/responses`` or ``/v1/messages`` for one inbound API."""

    def __init__(self, gateway: Gateway, api: Api) -> None:
        self.gateway = gateway
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ex = Exchange(scope["method"], scope["path"])
        send, recording = start_recording(self.gateway, scope, self.api, send)  # usage ledger
        try:
            caller = await self.gateway.caller(scope)
            ex.user = caller.email or caller.identity
            recording.identify(caller)
            work = await self.prepare(scope, receive, send, ex, caller)
            finished = await cancel_on_disconnect(work, receive)
            if not finished and not ex.finished_stream(self.api):
                ex.status = 499  # client closed the request before the answer was complete
        except ClientGone:
            ex.status = 499
        except Exception as exc:  # every failure becomes an answer in the caller's shape
            if ex.status:  # already streaming: the stream itself reported it
                raise
            await self._answer_error(send, ex, exc)
        ex.log()
        recording.finish(ex)

    async def prepare(
        self, scope: Scope, receive: Receive, send: Send, ex: Exchange, caller: Caller
    ) -> Coroutine[Any, Any, None]:
        """Read and check the request; the work that answers it as ``caller`` (run until the client hangs
        up)."""
        body, raw = await read_request(self.gateway, scope, receive, self.api)
        model = await resolve_model(caller, body)
        name, stream = str(body["model"]), body.get("stream") is True
        return self.answer(scope, caller, model, body, send, ex, name=name, stream=stream, raw=raw)

    async def answer(
        self,
        scope: Scope,
        caller: Caller,
        model: Model,
        body: dict[str, Any],
        send: Send,
        ex: Exchange,
        *,
        name: str,
        stream: bool,
        raw: bytes | None = None,
    ) -> None:
        """Relay when the model declares the caller's API, else translate to its best declared one; once
        more if the AI Gateway turned out to be missing and the classic surface wants another API. Runs as
        ``caller`` (its workspace: its credentials, its surface verdict). ``raw``: ``body`` as the caller
        sent it (the fast path sends it on when no repair changes it)."""
        ex.model = model.id
        ws = caller.workspace
        for attempt in (1, 2):
            upstream = ws._route(model, self.api).api
            ex.upstream, ex.route = upstream, "fast" if upstream == self.api else "translated"
            headers = upstream_headers(self.gateway, scope, self.api, relay=ex.route == "fast", caller=caller)
            try:
                if ex.route == "fast":
                    return await self._relay(ws, model, body, send, ex, headers, stream, raw)
                return await self._translate(ws, model, upstream, body, send, ex, name, stream, headers)
            except SurfaceLost:
                if attempt == 2:
                    raise

    async def _answer_error(self, send: Send, ex: Exchange, exc: Exception) -> None:
        error = exc.error if isinstance(exc, Rejected) else GatewayError.of(exc)
        log_internal_error(error, ex, exc)
        ex.status = error.status
        await send_bytes(send, error.status, error.body(self.api), error.headers())

    async def _relay(
        self,
        ws: Workspace,
        model: Model,
        body: dict[str, Any],
        send: Send,
        ex: Exchange,
        headers: dict[str, str] | None,
        stream: bool,
        raw_body: bytes | None = None,
    ) -> None:
        relay = await ws._relay(model, self.api, body, stream=stream, headers=headers, raw=raw_body)
        if not stream:
            raw = await relay.read()
            ex.status, ex.usage = 200, relay.usage
            await send_bytes(send, 200, raw)
            return
        ex.status = 200
        await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
        try:
            async for chunk in relay.chunks():
                ex.last_sent = chunk
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except Exception as exc:  # reported in-stream: the status line is gone
            await self._stream_failed(send, ex, exc)
        finally:  # also when cancelled: a client may hang up right after the last event
            ex.usage = relay.usage
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _translate(
        self,
        ws: Workspace,
        model: Model,
        upstream: Api,
        body: dict[str, Any],
        send: Send,
        ex: Exchange,
        name: str,
        stream: bool,
        headers: dict[str, str],
    ) -> None:
        wire = WIRES[self.api]
        request = wire.decode_request(body)  # InvalidRequest (a 400) for a body it cannot read
        request = replace(request, extra=fields_for(upstream, request.extra))
        if not stream:
            done = await ws.complete(model, request, api=upstream, headers=headers)
            answer = orjson.dumps(wire.encode_response(done.response, name))
            ex.status, ex.usage = 200, done.usage
            await send_bytes(send, 200, answer)
            return
        async with ws.stream(model, request, api=upstream, keep_response=False, headers=headers) as events:
            encoder = wire.stream_encoder(name, body)
            ex.status = 200
            await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
            try:
                # One write per upstream read, like the fast path: a socket write per event cost more than
                # decoding and encoding it (bench/README.md).
                async for batch in events.batches():
                    out = []
                    for event in batch:
                        if isinstance(event, UsageReport):
                            ex.usage = event.usage
                        out.append(encoder.encode(event))
                    data = b"".join(out)
                    if data:
                        ex.last_sent = data
                        await send({"type": "http.response.body", "body": data, "more_body": True})
                tail = encoder.finish()
            except Exception as exc:  # reported in-stream: the status line is gone
                await self._stream_failed(send, ex, exc)
                tail = b""
            await send({"type": "http.response.body", "body": tail, "more_body": False})

    async def _stream_failed(self, send: Send, ex: Exchange, exc: Exception) -> None:
        error = GatewayError.of(exc)
        log_internal_error(error, ex, exc)
        ex.status = error.status
        await send({"type": "http.response.body", "body": error.stream_event(self.api), "more_body": True})


class CountTokensRoute:
    """``POST /v1/messages/count_tokens``, answered locally (see ``estimate_input_tokens``). No upstream
    call, so no ledger row. Gemini's ``:countTokens`` is a subclass (gemini_routes.py)."""

    api: Api = "messages"

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ex = Exchange(scope["method"], scope["path"], route="local")
        try:
            caller = await self.gateway.caller(scope)
            ex.user = caller.email or caller.identity
            body = await parse_request(self.gateway, scope, receive, self.api)
            answer = await self.count(scope, body, ex, caller)
            ex.status = 200
            await send_bytes(send, 200, orjson.dumps(answer))
        except ClientGone:
            ex.status = 499
        except Exception as exc:  # answered in the caller's error shape
            error = exc.error if isinstance(exc, Rejected) else GatewayError.of(exc)
            log_internal_error(error, ex, exc)
            ex.status = error.status
            await send_bytes(send, error.status, error.body(self.api), error.headers())
        ex.log()

    async def count(self, scope: Scope, body: dict[str, Any], ex: Exchange, caller: Caller) -> dict[str, int]:
        """The answer for ``body`` (its model as ``caller`` names it); notes the model and the estimate on
        ``ex``."""
        ex.model = (await resolve_model(caller, body)).id
        tokens = estimate_input_tokens(body)
        ex.usage = Usage(input_tokens=tokens)
        return {"input_tokens": tokens}
