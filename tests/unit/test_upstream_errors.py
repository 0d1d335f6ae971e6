"""Every error shape Databricks answers with becomes a brickgate error that says what happened."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator

import pytest

from brickgate.errors import (
    CredentialsRejected,
    UpstreamRateLimited,
    UpstreamRejected,
    UpstreamUnavailable,
)
from brickgate.http_errors import error_from_response, parse_error_body
from brickgate.upstream import OnRetry, RetryNotice, RetryPolicy, Upstream, _backoff


def test_databricks_shape() -> None:
    raw = json.dumps({"error_code": "BAD_REQUEST", "message": "Multiple tool calls are not supported.\n"})
    assert parse_error_body(raw.encode()) == ("BAD_REQUEST", "Multiple tool calls are not supported.")


def test_claude_message_nested_in_message_is_unwrapped() -> None:
    inner = json.dumps({"message": "messages: text content blocks must be non-empty"})
    raw = json.dumps({"error_code": "BAD_REQUEST", "message": inner}).encode()
    assert parse_error_body(raw) == ("BAD_REQUEST", "messages: text content blocks must be non-empty")


def test_google_shape_from_gemini() -> None:
    raw = json.dumps(
        {"error": {"code": 400, "message": 'Unknown name "stream_options"', "status": "INVALID_ARGUMENT"}}
    ).encode()
    assert parse_error_body(raw) == ("INVALID_ARGUMENT", 'Unknown name "stream_options"')


def test_html_error_page_is_named_as_such() -> None:
    code, message = parse_error_body(b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>")
    assert code is None
    assert "HTML error page" in message


def test_plain_invalid_token_400_is_a_credentials_error() -> None:
    err = error_from_response(400, b"Invalid Token")
    assert isinstance(err, CredentialsRejected)
    assert "brickgate login" in (err.hint or "")


@pytest.mark.parametrize("status", [401, 403])
def test_401_and_403_are_credentials_errors(status: int) -> None:
    raw = json.dumps({"error_code": "UNAUTHENTICATED", "message": "bad"}).encode()
    assert isinstance(error_from_response(status, raw), CredentialsRejected)


def test_429_carries_retry_after_seconds() -> None:
    raw = json.dumps({"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "Exceeded workspace QPS"}).encode()
    err = error_from_response(429, raw, retry_after="7")
    assert isinstance(err, UpstreamRateLimited)
    assert err.retry_after == 7.0
    assert err.error_code == "REQUEST_LIMIT_EXCEEDED"
    assert err.detail == "Exceeded workspace QPS"


def test_429_without_retry_after() -> None:
    err = error_from_response(429, b"")
    assert isinstance(err, UpstreamRateLimited)
    assert err.retry_after is None


def test_5xx_is_unavailable_and_4xx_is_rejected() -> None:
    assert isinstance(error_from_response(503, b"{}"), UpstreamUnavailable)
    rejected = error_from_response(400, b'{"error_code":"BAD_REQUEST","message":"nope"}')
    assert isinstance(rejected, UpstreamRejected)
    assert rejected.status == 400
    assert "nope" in rejected.message


def test_secrets_in_an_error_body_are_redacted() -> None:
    raw = b'{"message": "token dapi0123456789abcdef0123456789abcdef was refused"}'
    err = error_from_response(400, raw)
    assert "dapi0123456789abcdef" not in err.message
    assert "dapi0123456789abcdef" not in (getattr(err, "body", "") or "")


def test_backoff_honours_retry_after_and_jitters_otherwise() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0)
    assert _backoff(policy, 1, 3.0) == 3.0
    delays = {_backoff(policy, 3, None) for _ in range(50)}
    assert all(2.0 <= d <= 4.0 for d in delays)  # exp = 4 s, jitter in [exp/2, exp]
    assert len(delays) > 1
    assert max(_backoff(policy, 10, None) for _ in range(20)) <= 8.0


# --- the retry loop against raw sockets: failures the emulator cannot produce -------------------------


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    yield server
    server.close()


def _post(port: int, policy: RetryPolicy, on_retry: OnRetry | None = None, **kw: float) -> BaseException:
    async def no_auth() -> dict[str, str]:
        return {}

    async def go() -> BaseException:
        upstream = Upstream(f"http://127.0.0.1:{port}", no_auth, retry=policy, **kw)
        try:
            await upstream.post("/serving-endpoints/chat/completions", {"messages": []}, on_retry=on_retry)
        except BaseException as exc:  # the test inspects whatever escapes
            return exc
        finally:
            await upstream.aclose()
        raise AssertionError("the post succeeded")

    return asyncio.run(go())


def _fill_backlog(port: int) -> list[socket.socket]:
    fillers = []
    for _ in range(4):
        sock = socket.socket()
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", port))
        fillers.append(sock)
    return fillers


def test_connect_timeout_is_a_retried_connection_failure_not_a_read_timeout(listener: socket.socket) -> None:
    listener.listen(0)  # never accepted: once the backlog is full, further handshakes hang
    fillers = _fill_backlog(listener.getsockname()[1])
    seen: list[RetryNotice] = []
    policy = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.01)
    try:
        err = _post(listener.getsockname()[1], policy, seen.append, connect_timeout=0.2, read_timeout=300)
    finally:
        for sock in fillers:
            sock.close()
    assert isinstance(err, UpstreamUnavailable)
    assert "Cannot connect" in err.message
    assert "300" not in err.message  # the read timeout was never involved
    assert [n.status for n in seen] == [0]  # nothing reached the server: safe to retry


def test_an_error_body_cut_short_still_gives_the_status(listener: socket.socket) -> None:
    listener.listen(8)
    head = b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"

    def answer_then_hang_up() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(head + b'{"error_code":')
        conn.close()

    threading.Thread(target=answer_then_hang_up, daemon=True).start()
    err = _post(listener.getsockname()[1], RetryPolicy(max_attempts=1))
    assert isinstance(err, UpstreamRejected)
    assert err.status == 400


@pytest.mark.parametrize("value", ["inf", "nan", "-3", "Wed, 21 Oct 2026 07:28:00 GMT"])
def test_unusable_retry_after_falls_back_to_backoff(value: str) -> None:
    err = error_from_response(429, b"", retry_after=value)
    assert isinstance(err, UpstreamRateLimited)
    assert err.retry_after in (None, 0.0)  # never infinite: the gateway turns it into a header


@pytest.mark.parametrize(
    ("status", "message", "reason"),
    [
        (
            429,
            "Request blocked: the AI Gateway budget 'Team' (BLOCK_USAGE) is exhausted for this user.",
            "budget",
        ),
        (403, "Usage blocked: monthly budget exceeded.", "budget"),
        (400, "Request blocked by input guardrail 'pii'.", "guardrail"),
        (400, "Response blocked by output guardrail 'toxicity'.", "guardrail"),
        (400, "`max_tokens` must be greater than `thinking.budget_tokens`", None),  # Claude's thinking budget
        (400, "The thinking budget is too small.", None),
        (500, "guardrail service unavailable", None),  # a server failure, not a policy decision
        (429, "Exceeded workspace QPS rate limit for x.", None),
    ],
)
def test_a_policy_refusal_is_told_from_other_errors_by_its_text(
    status: int, message: str, reason: str
) -> None:
    from brickgate.errors import UpstreamBlocked

    error = error_from_response(status, json.dumps({"error_code": "X", "message": message}).encode())
    assert (error.reason if isinstance(error, UpstreamBlocked) else None) == reason
