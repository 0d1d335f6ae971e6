"""Who may use the gateway: anyone on loopback, or only holders of ``--api-key``.

Clients send the key as ``Authorization: Bearer KEY`` (OpenAI SDKs, anthropic SDK 2.x, Claude Code with
ANTHROPIC_AUTH_TOKEN) or ``x-api-key: KEY`` (Claude Code with ANTHROPIC_API_KEY, litellm), so both count.
"""

from __future__ import annotations

import hmac
import ipaddress

from brickgate.errors import ConfigError
from brickgate.gateway.asgi_io import Scope, header


def is_loopback(bind: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if bind == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(bind: str, api_key: str | None) -> None:
    """Refuse to expose the workspace's credentials on the network without a key."""
    if not is_loopback(bind) and not api_key:
        raise ConfigError(
            f"Refusing to listen on {bind} without --api-key: anyone who can reach this address would "
            "use your Databricks credentials.",
            "Pass --api-key KEY (clients then send it as a Bearer token or x-api-key), or bind 127.0.0.1.",
        )


def client_key(scope: Scope) -> str | None:
    """The key a client sent, from ``Authorization: Bearer`` or ``x-api-key``."""
    auth = header(scope, b"authorization")
    if auth is not None:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    return header(scope, b"x-api-key")


def is_authorized(scope: Scope, api_key: str | None) -> bool:
    """Any client when no key is configured; otherwise one presenting it (compared in constant time)."""
    if api_key is None:
        return True
    expected = api_key.encode()
    candidates = [header(scope, b"x-api-key"), client_key(scope)]
    return any(c is not None and hmac.compare_digest(c.encode(), expected) for c in candidates)
