"""Inference routes: auth → faults → model name → path served? → documented rejections → scripted reply →
wire rendering.

Every request is recorded (authorization redacted, request tags parsed) so tests can assert what the
upstream received.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from brickgate.emulator import chat, gemini_api, messages, responses_api
from brickgate.emulator.auth import check_auth, check_scope, presented_token
from brickgate.emulator.behaviours import ANTHROPIC, CHAT, GEMINI, RESPONSES
from brickgate.emulator.error_bodies import (
    StreamCut,
    UpstreamError,
    bad_request,
    databricks_error,
    invalid_path,
)
from brickgate.emulator.faults import Fault, fault_response, request_traits, take_fault
from brickgate.emulator.quirk_checks import check_request
from brickgate.emulator.refusals import check_model, output_limit, served_tier
from brickgate.emulator.script import Conversation, decide_reply, limit_output
from brickgate.emulator.state import EmulatorState
from brickgate.emulator.surfaces import CLASSIC, EMBEDDINGS, GATEWAY, Surface, check_served, resolve
from brickgate.emulator.turn import CacheUsage, Turn, as_list, cache_prefix
from brickgate.emulator.workspace import Endpoint

TAGS_HEADER = "databricks-ai-gateway-request-tags"  # 2026 §4.2
GEMINI_METHODS = ("generateContent", "streamGenerateContent")
_SECRET_HEADERS = ("authorization", "x-api-key", "cookie")
_LONG_STREAM_BATCH = 256  # copies per write: megabytes of stream without a write per event
_MALFORMED_EVENT = b'data: {"id": "chatcmpl-broken", "choices": [{"delta": {"content": "unterminated\n\n'


@dataclass(frozen=True)
class Wire:
    read: Callable[[Mapping[str, Any]], Conversation]
    render: Callable[[Turn], dict[str, Any]]
    render_stream: Callable[[Turn], list[bytes]]


WIRES = {
    CHAT: Wire(chat.chat_conversation, chat.render_chat, chat.render_chat_stream),
    RESPONSES: Wire(
        responses_api.responses_conversation,
        responses_api.render_response,
        responses_api.render_response_stream,
    ),
    ANTHROPIC: Wire(messages.messages_conversation, messages.render_message, messages.render_message_stream),
    GEMINI: Wire(gemini_api.gemini_conversation, gemini_api.render_generate, gemini_api.render_generate_sse),
}


def _request_tags(raw: str | None) -> Any:
    """The parsed tags header (a compact JSON object); the raw text when it is not JSON, None when absent."""
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _record(request: Request, body: Any) -> dict[str, Any]:
    headers = {k: ("****" if k in _SECRET_HEADERS else v) for k, v in request.headers.items()}
    return {
        "method": request.method,
        "path": request.url.path,
        "query": request.url.query,
        "headers": headers,
        "request_tags": _request_tags(request.headers.get(TAGS_HEADER)),
        "body": body,
        "status": None,
    }


def _cache_usage(
    state: EmulatorState, endpoint: Endpoint, wire: str, body: Mapping[str, Any], input_tokens: int
) -> CacheUsage:
    """Claude prompt caching: the prefix up to the last `cache_control` mark, remembered in a small LRU."""
    if not endpoint.behaviour.claude:
        return CacheUsage()
    segments = [*as_list(body.get("tools"))]
    if wire == ANTHROPIC:
        system = body.get("system")
        segments += as_list(system) if isinstance(system, list) else [system]
    segments += as_list(body.get("messages"))
    prefix = cache_prefix(segments)
    if prefix is None:
        return CacheUsage()
    tokens = min(max(1, len(prefix) // 4), max(0, input_tokens - 1))
    digest = hashlib.sha256(f"{endpoint.name}\n{prefix}".encode()).hexdigest()
    if state.seen_prefix(digest):
        return CacheUsage(read=tokens, marked=True)
    return CacheUsage(write=tokens, marked=True)


def _embeddings(endpoint: Endpoint, body: Mapping[str, Any]) -> dict[str, Any]:
    raw = body.get("input")
    texts = [raw] if isinstance(raw, str) else [str(t) for t in as_list(raw)]
    if not texts:
        raise bad_request("Bad request: input must be a string or a non-empty list of strings")
    data = []
    for index, text in enumerate(texts):
        digest = hashlib.sha256(text.encode()).digest()
        data.append(
            {"object": "embedding", "index": index, "embedding": [round(b / 255 - 0.5, 4) for b in digest]}
        )
    tokens = sum(max(1, len(t) // 4) for t in texts)
    return {
        "object": "list",
        "data": data,
        "model": endpoint.upstream_model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


async def _stream(events: list[bytes], fault: Fault | None) -> AsyncIterator[bytes]:
    for index, event in enumerate(events):
        if fault is not None and fault.kind == "cut_stream" and index >= fault.after_events:
            if fault.mid_event:
                yield event[: len(event) // 2]
            raise StreamCut(f"cut after {index} events")
        yield event
        if index == 0 and fault is not None and fault.kind == "malformed_sse":
            yield _MALFORMED_EVENT
        if fault is not None and fault.kind == "long_stream":
            if fault.seconds:
                await asyncio.sleep(fault.seconds)
            if index == fault.after_events:
                async for copies in _repeated(event, fault):
                    yield copies
        await asyncio.sleep(0)


async def _repeated(event: bytes, fault: Fault) -> AsyncIterator[bytes]:
    """`long_stream`: ``fault.repeat`` more copies of one event, batched unless paced by ``seconds``."""
    batch = 1 if fault.seconds else _LONG_STREAM_BATCH
    left = fault.repeat
    while left > 0:
        n = min(batch, left)
        left -= n
        yield event * n
        await asyncio.sleep(fault.seconds)


def _answer(
    state: EmulatorState,
    surface: Surface,
    endpoint: Endpoint,
    body: Mapping[str, Any],
    stream: str | None,
    fault: Fault | None,
) -> Response:
    """Check, script and render one answer; `stream` is None, "sse" or (Gemini without alt=sse) "json"."""
    headers = {"served-model-name": endpoint.served_entity}
    if surface.wire == EMBEDDINGS or endpoint.task == "llm/v1/embeddings":
        return JSONResponse(_embeddings(endpoint, body), headers=headers)
    check_request(surface.wire, endpoint, body, state.signing_key)
    check_model(endpoint, surface.wire, body)
    wire = WIRES[surface.wire]
    conversation = wire.read(body)
    behaviour = endpoint.behaviour
    reply = decide_reply(
        conversation,
        endpoint=endpoint.name,
        family=behaviour.family,
        can_reason=behaviour.can_reason,
        always_reason=behaviour.reasoning_always,
    )
    limit = output_limit(surface.wire, body)
    turn = Turn(
        endpoint=endpoint,
        reply=limit_output(reply, limit if isinstance(limit, int) else None),
        created=int(time.time()),
        signing_key=state.signing_key,
        cache=_cache_usage(state, endpoint, surface.wire, body, reply.input_tokens),
        service_tier=served_tier(endpoint, body),
        prior_tool_calls=conversation.prior_tool_calls,
    )
    if stream == "sse":
        return StreamingResponse(
            _stream(wire.render_stream(turn), fault),
            media_type="text/event-stream",
            headers={**headers, "Cache-Control": "no-cache"},
        )
    if stream == "json":  # Gemini's streamGenerateContent without alt=sse: one JSON array of chunks
        return JSONResponse(gemini_api.stream_chunks(turn), headers=headers)
    return JSONResponse(wire.render(turn), headers=headers)


def _target(request: Request, surface: Surface, body: Mapping[str, Any]) -> tuple[object, str | None]:
    """The model a request names and how it wants its answer (None, "sse", "json"); a Gemini method other
    than generateContent/streamGenerateContent raises (countTokens: ASSUMPTION, 2026 §6 says UNCONFIRMED)."""
    params = request.path_params
    if surface.wire != GEMINI:
        return params.get("name") or body.get("model"), "sse" if body.get("stream") is True else None
    model, _, method = str(params.get("target", "")).rpartition(":")
    if method not in GEMINI_METHODS:
        raise UpstreamError(invalid_path())
    if method == "generateContent":
        return model, None
    return model, "sse" if request.query_params.get("alt") == "sse" else "json"


async def _respond(request: Request, state: EmulatorState, surface: Surface, body: Any) -> Response:
    denied = check_auth(request, gateway=surface.gateway) or check_scope(request)
    if denied is not None:
        return denied
    if not isinstance(body, dict):
        return bad_request("Bad request: the request body must be a JSON object").response
    try:
        named, stream = _target(request, surface, body)
    except UpstreamError as error:
        return error.response
    name = named if isinstance(named, str) else None
    fault = take_fault(
        state.faults,
        path=request.url.path,
        model=name,
        inference=True,
        streaming=stream is not None,
        traits=request_traits(body),
    )
    if fault is not None and fault.kind == "slow_first_byte":
        await asyncio.sleep(fault.seconds)
    if fault is not None and (response := fault_response(fault, name)) is not None:
        return response
    if not name:
        return bad_request("Bad request: the request must name a model").response
    try:
        endpoint = resolve(state.endpoints, name, gateway=surface.gateway, today=state.today)
        check_served(surface, endpoint)
        if not state.may_use(endpoint.name, presented_token(request.headers.get("authorization", ""))):
            return databricks_error(  # ASSUMPTION: the text (research is silent on it)
                403,
                "PERMISSION_DENIED",
                f"User does not have permission 'Query' on serving endpoint '{endpoint.name}'.",
            )
        return _answer(state, surface, endpoint, body, stream, fault)
    except UpstreamError as error:
        return error.response


def _handler(surface: Surface) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        state: EmulatorState = request.app.state.emulator
        state.stats["inference"] += 1
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except (ValueError, RecursionError):  # not JSON, or deeper than the parser goes
            body = None
        record = _record(request, body)
        state.requests.append(record)
        try:
            response = await _respond(request, state, surface, body)
        except RecursionError:  # ASSUMPTION: a body nested too deeply for the server is a 400, not a crash
            response = bad_request("Request body is nested too deeply.").response
        record["status"] = response.status_code
        return response

    return endpoint


def routes(*, ai_gateway: bool) -> list[Route]:
    """Serving-endpoint routes, plus the AI Gateway ones when the workspace has the gateway."""
    surfaces = CLASSIC + (GATEWAY if ai_gateway else ())
    return [Route(s.path, _handler(s), methods=["POST"]) for s in surfaces]
