"""Inference routes: auth → faults → endpoint → documented rejections → scripted reply → wire rendering.

Every request is recorded (authorization redacted) so tests can assert what the upstream received.
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

from brickgate.emulator import chat, messages, responses_api
from brickgate.emulator.auth import check_auth
from brickgate.emulator.behaviours import ANTHROPIC, CHAT, RESPONSES
from brickgate.emulator.error_bodies import StreamCut, UpstreamError, bad_request, not_found
from brickgate.emulator.faults import Fault, fault_response, request_traits, take_fault
from brickgate.emulator.quirk_checks import check_request
from brickgate.emulator.script import Conversation, decide_reply
from brickgate.emulator.state import EmulatorState
from brickgate.emulator.turn import CacheUsage, Turn, as_list, cache_prefix
from brickgate.emulator.workspace import Endpoint

EMBEDDINGS = "embeddings"
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
}


def _record(request: Request, body: Any) -> dict[str, Any]:
    headers = {k: ("****" if k in _SECRET_HEADERS else v) for k, v in request.headers.items()}
    return {
        "method": request.method,
        "path": request.url.path,
        "query": request.url.query,
        "headers": headers,
        "body": body,
        "status": None,
    }


def _cache_usage(
    state: EmulatorState, endpoint: Endpoint, api: str, body: Mapping[str, Any], input_tokens: int
) -> CacheUsage:
    """Claude prompt caching: the prefix up to the last `cache_control` mark, remembered in a small LRU."""
    if not endpoint.behaviour.claude:
        return CacheUsage()
    segments = [*as_list(body.get("tools"))]
    if api == ANTHROPIC:
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
    state: EmulatorState, api: str, endpoint: Endpoint, body: Mapping[str, Any], fault: Fault | None
) -> Response:
    headers = {"served-model-name": endpoint.served_entity}
    is_embedding = endpoint.task == "llm/v1/embeddings"
    if api == EMBEDDINGS and not is_embedding:  # ASSUMPTION: text not confirmed
        raise bad_request(f"Endpoint {endpoint.name} serves task {endpoint.task}, not llm/v1/embeddings.")
    if api == EMBEDDINGS or (is_embedding and "input" in body):
        return JSONResponse(_embeddings(endpoint, body), headers=headers)
    check_request(api, endpoint, body, state.signing_key)
    wire = WIRES[api]
    conversation = wire.read(body)
    reply = decide_reply(
        conversation,
        endpoint=endpoint.name,
        family=endpoint.behaviour.family,
        can_reason=endpoint.behaviour.reasoning,
    )
    turn = Turn(
        endpoint=endpoint,
        reply=reply,
        created=int(time.time()),
        signing_key=state.signing_key,
        cache=_cache_usage(state, endpoint, api, body, reply.input_tokens),
    )
    if body.get("stream") is True:
        return StreamingResponse(
            _stream(wire.render_stream(turn), fault),
            media_type="text/event-stream",
            headers={**headers, "Cache-Control": "no-cache"},
        )
    return JSONResponse(wire.render(turn), headers=headers)


async def _respond(request: Request, state: EmulatorState, api: str, gateway: bool, body: Any) -> Response:
    denied = check_auth(request, gateway=gateway)
    if denied is not None:
        return denied
    if not isinstance(body, dict):
        return bad_request("Bad request: the request body must be a JSON object").response
    name = request.path_params.get("name") or body.get("model")
    streaming = body.get("stream") is True
    fault = take_fault(
        state.faults,
        path=request.url.path,
        model=name,
        inference=True,
        streaming=streaming,
        traits=request_traits(body),
    )
    if fault is not None and fault.kind == "slow_first_byte":
        await asyncio.sleep(fault.seconds)
    if fault is not None and (response := fault_response(fault, name)) is not None:
        return response
    if not isinstance(name, str) or not name:
        return bad_request("Bad request: the request must name a model").response
    endpoint = state.endpoint(name)
    try:
        if endpoint is None:
            raise not_found(name)
        return _answer(state, api, endpoint, body, fault)
    except UpstreamError as error:
        return error.response


def _handler(api: str, *, gateway: bool) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        state: EmulatorState = request.app.state.emulator
        state.stats["inference"] += 1
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        record = _record(request, body)
        state.requests.append(record)
        response = await _respond(request, state, api, gateway, body)
        record["status"] = response.status_code
        return response

    return endpoint


def routes(*, ai_gateway: bool) -> list[Route]:
    """Serving-endpoint routes, plus the AI Gateway mirrors when the workspace has the gateway."""
    table = [
        ("/serving-endpoints/chat/completions", CHAT, False),
        ("/serving-endpoints/embeddings", EMBEDDINGS, False),
        ("/serving-endpoints/responses", RESPONSES, False),
        ("/serving-endpoints/anthropic/v1/messages", ANTHROPIC, False),
        ("/serving-endpoints/{name}/invocations", CHAT, False),
    ]
    if ai_gateway:
        table += [
            ("/ai-gateway/mlflow/v1/chat/completions", CHAT, True),
            ("/ai-gateway/mlflow/v1/embeddings", EMBEDDINGS, True),
            ("/ai-gateway/openai/v1/responses", RESPONSES, True),
            ("/ai-gateway/codex/v1/responses", RESPONSES, True),
            ("/ai-gateway/anthropic/v1/messages", ANTHROPIC, True),
        ]
    return [Route(path, _handler(api, gateway=gateway), methods=["POST"]) for path, api, gateway in table]
