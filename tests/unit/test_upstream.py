"""Upstream over an injected transport: auth per request, what is retried and what is not."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from brickgate.errors import CredentialsRejected, UpstreamRejected, UpstreamUnavailable
from brickgate.upstream import ConnectFailed, NoAnswer, RetryNotice, Upstream, UpstreamResponse
from tests.unit.transport_double import MockTransport, ScriptedResponse, SentRequest, answering, upstream_over

OK = ScriptedResponse(200, [b"{}"])


def post(upstream: Upstream, **kw: Any) -> UpstreamResponse:
    async def go() -> UpstreamResponse:
        return await upstream.post("/serving-endpoints/chat/completions", {"messages": []}, **kw)

    return asyncio.run(go())


def test_the_body_goes_as_json_with_fresh_auth_and_content_headers() -> None:
    transport = answering(OK)
    post(upstream_over(transport), stream=True, extra_headers={"anthropic-beta": "x"})
    (sent,) = transport.sent
    assert sent.url == "https://ws.example/serving-endpoints/chat/completions"
    assert json.loads(sent.body) == {"messages": []}
    assert sent.headers["Authorization"] == "Bearer t"
    assert sent.headers["Accept"] == "text/event-stream"
    assert sent.headers["anthropic-beta"] == "x"


def test_a_429_is_retried_and_each_wait_is_announced() -> None:
    limited = ScriptedResponse(
        429, [b'{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow"}'], {"Retry-After": "0"}
    )
    transport = answering(limited, OK)
    seen: list[RetryNotice] = []
    assert post(upstream_over(transport), on_retry=seen.append).status == 200
    assert [(n.attempt, n.status, n.delay) for n in seen] == [(2, 429, 0.0)]


def test_a_400_is_not_retried_and_carries_the_upstream_message() -> None:
    transport = answering(ScriptedResponse(400, [b'{"error_code":"BAD_REQUEST","message":"no such field"}']))
    with pytest.raises(UpstreamRejected) as caught:
        post(upstream_over(transport))
    assert (caught.value.status, caught.value.detail) == (400, "no such field")
    assert len(transport.sent) == 1


def test_a_rejected_token_is_refreshed_once_and_the_request_sent_again() -> None:
    transport = answering(ScriptedResponse(401, [b"Invalid Token"]), OK)
    refreshes: list[bool] = []

    async def refresh() -> bool:
        refreshes.append(True)
        return True

    assert post(upstream_over(transport, refresh_auth=refresh)).status == 200
    assert len(refreshes) == 1 and len(transport.sent) == 2


def test_a_token_rejected_again_after_the_refresh_is_a_credentials_error() -> None:
    transport = answering(ScriptedResponse(401, [b"{}"]), ScriptedResponse(401, [b"{}"]))

    async def refresh() -> bool:
        return True

    with pytest.raises(CredentialsRejected):
        post(upstream_over(transport, refresh_auth=refresh))


def test_a_connection_failure_is_retried_then_reported_naming_the_host() -> None:
    def refuse(request: SentRequest) -> ScriptedResponse:
        raise ConnectFailed("connection refused")

    transport = MockTransport(refuse)
    with pytest.raises(
        UpstreamUnavailable, match=r"Cannot connect to https://ws.example: connection refused"
    ):
        post(upstream_over(transport))
    assert len(transport.sent) == 4  # the default policy's attempts


def test_no_answer_within_the_read_timeout_is_a_504_and_not_retried() -> None:
    def silent(request: SentRequest) -> ScriptedResponse:
        raise NoAnswer()

    transport = MockTransport(silent)
    with pytest.raises(UpstreamUnavailable) as caught:
        post(upstream_over(transport, read_timeout=7))
    assert caught.value.status == 504 and "within 7 s" in caught.value.message
    assert len(transport.sent) == 1


def test_the_upstream_pool_holds_a_stream_for_every_client_the_gateway_admits() -> None:
    """A smaller pool made streams past it wait for another to end (bench/paced_streams.py, 1,000 open)."""
    from brickgate.gateway.connection_limits import ConnectionLimits
    from brickgate.upstream import AiohttpTransport

    async def no_auth() -> dict[str, str]:
        return {}

    transport = Upstream("http://127.0.0.1:9", no_auth).transport
    assert isinstance(transport, AiohttpTransport)
    assert transport._max_connections >= ConnectionLimits().max_connections
