"""Every error shape Databricks answers with becomes a brickgate error that says what happened."""

from __future__ import annotations

import json

import pytest

from brickgate.errors import (
    CredentialsRejected,
    UpstreamRateLimited,
    UpstreamRejected,
    UpstreamUnavailable,
)
from brickgate.upstream import RetryPolicy, _backoff, error_from_response, parse_error_body


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
    err = error_from_response(400, b"Invalid Token", {})
    assert isinstance(err, CredentialsRejected)
    assert "brickgate login" in (err.hint or "")


@pytest.mark.parametrize("status", [401, 403])
def test_401_and_403_are_credentials_errors(status: int) -> None:
    raw = json.dumps({"error_code": "UNAUTHENTICATED", "message": "bad"}).encode()
    assert isinstance(error_from_response(status, raw, {}), CredentialsRejected)


def test_429_carries_retry_after_seconds() -> None:
    raw = json.dumps({"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "Exceeded workspace QPS"}).encode()
    err = error_from_response(429, raw, {"Retry-After": "7"})
    assert isinstance(err, UpstreamRateLimited)
    assert err.retry_after == 7.0
    assert err.error_code == "REQUEST_LIMIT_EXCEEDED"
    assert err.detail == "Exceeded workspace QPS"


def test_429_without_retry_after() -> None:
    err = error_from_response(429, b"", {})
    assert isinstance(err, UpstreamRateLimited)
    assert err.retry_after is None


def test_5xx_is_unavailable_and_4xx_is_rejected() -> None:
    assert isinstance(error_from_response(503, b"{}", {}), UpstreamUnavailable)
    rejected = error_from_response(400, b'{"error_code":"BAD_REQUEST","message":"nope"}', {})
    assert isinstance(rejected, UpstreamRejected)
    assert rejected.status == 400
    assert "nope" in rejected.message


def test_secrets_in_an_error_body_are_redacted() -> None:
    raw = b'{"message": "token dapi0123456789abcdef0123456789abcdef was refused"}'
    err = error_from_response(400, raw, {})
    assert "dapi0123456789abcdef" not in err.message
    assert "dapi0123456789abcdef" not in (getattr(err, "body", "") or "")


def test_backoff_honours_retry_after_and_jitters_otherwise() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0)
    assert _backoff(policy, 1, 3.0) == 3.0
    delays = {_backoff(policy, 3, None) for _ in range(50)}
    assert all(2.0 <= d <= 4.0 for d in delays)  # exp = 4 s, jitter in [exp/2, exp]
    assert len(delays) > 1
    assert max(_backoff(policy, 10, None) for _ in range(20)) <= 8.0
