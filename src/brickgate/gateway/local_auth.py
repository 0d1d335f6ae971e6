"""Who may use the gateway: programs on this machine, never a web page; with a key, only its holders.

Any page the user visits can make the browser send requests to 127.0.0.1, so the gateway refuses what
only browsers send (what the openai/anthropic SDKs, opencode, Codex CLI and Claude Code send passes):
- a ``Host`` that is not a loopback name while bound to loopback (DNS rebinding: a page's own domain,
  resolved to 127.0.0.1, would otherwise read answers and the model list),
- an ``Origin`` other than the gateway's own, or ``Sec-Fetch-Site: cross-site|same-site``, unless the
  origin was allowed with ``--allow-origin``,
- an inference POST whose body is not declared JSON: ``text/plain`` and form bodies need no CORS
  preflight, so a page can send them blind.
Preflights (OPTIONS) are never answered with CORS headers, so a page cannot send JSON or read a reply.

Clients send the key as ``Authorization: Bearer KEY`` (OpenAI SDKs, anthropic SDK 2.x, Claude Code with
ANTHROPIC_AUTH_TOKEN), ``x-api-key: KEY`` (Claude Code with ANTHROPIC_API_KEY, litellm),
``x-goog-api-key: KEY`` (the google-genai SDKs, Gemini CLI) or ``?key=KEY`` (Google's REST examples), so all
of them count. The access log writes the path without its query, so a key in the URL is never logged.
"""

from __future__ import annotations

import functools
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs

from brickgate.auth.host import is_loopback
from brickgate.errors import ConfigError
from brickgate.gateway.asgi_io import Scope, header
from brickgate.gateway.error_shapes import GatewayError

KEY_ENV = "BRICKGATE_API_KEY"
_LOOPBACK_HOSTS = frozenset({b"127.0.0.1", b"localhost", b"[::1]"})
_BROWSER_SITES = frozenset({b"cross-site", b"same-site"})
_KEY_CHARS = re.compile(r"[\x21-\x7e]+")  # what every client sends unchanged in a header
_ORIGIN = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s]+")  # what browsers send: scheme://host[:port]


def check_bind(bind: str, api_key: str | None, *, caller_identity: bool = False) -> None:
    """Refuse to expose the workspace's credentials on the network without a key, and keys that no client
    could ever send intact. A caller-identity gateway holds no credentials: each caller's own token is its
    key, so it may listen anywhere, but with no gateway key besides (callers send one token only)."""
    if caller_identity:
        if api_key:
            raise ConfigError(
                "--identity caller and --api-key do not go together: each caller sends its own Databricks "
                "token as the API key, and a client sends one key only.",
                f"Drop --api-key (and unset {KEY_ENV}); callers' tokens are checked with the workspace.",
            )
        return
    if api_key and not _KEY_CHARS.fullmatch(api_key):
        raise ConfigError(
            "The gateway key has spaces, control or non-ASCII characters: clients send header values as "
            "bytes in different encodings, so no client could ever match it.",
            f"Use letters, digits and punctuation only, e.g. {KEY_ENV}=$(openssl rand -hex 24).",
        )
    if not is_loopback(bind) and not api_key:
        raise ConfigError(
            f"Refusing to listen on {bind} without a key (--api-key or {KEY_ENV}): anyone who can reach "
            "this address would use your Databricks credentials.",
            f"Set {KEY_ENV} (an --api-key shows in `ps` to every user); clients send it as a Bearer token "
            "or x-api-key. Or run each request as its caller (--identity caller), or bind 127.0.0.1.",
        )


def check_origins(origins: Iterable[str]) -> None:
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise ConfigError(
                f"--allow-origin {origin!r} is not an origin.",
                "An origin is scheme://host[:port] with no path, e.g. --allow-origin http://localhost:5173",
            )


def presented_keys(scope: Scope) -> list[str | None]:
    """Where a client may have put its key: ``Authorization: Bearer``, ``x-api-key``, ``x-goog-api-key``
    and ``?key=`` (Gemini CLI sends an empty x-goog-api-key beside its Bearer token, so each one counts)."""
    bearer = None
    auth = header(scope, b"authorization")
    if auth is not None:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer":
            bearer = value.strip()
    return [bearer, header(scope, b"x-api-key"), header(scope, b"x-goog-api-key"), query_key(scope)]


def query_key(scope: Scope) -> str | None:
    """``key`` from the query string (Google's REST style), percent-decoded."""
    query: bytes = scope.get("query_string", b"")
    if b"key=" not in query:
        return None
    values = parse_qs(query.decode("latin-1")).get("key")
    return values[0] if values else None


def is_authorized(scope: Scope, api_key: str | None) -> bool:
    """Any client when no key is configured; otherwise one presenting it (compared in constant time)."""
    if api_key is None:
        return True
    expected = api_key.encode()
    return any(c and hmac.compare_digest(c.encode(), expected) for c in presented_keys(scope))


def unauthorized() -> GatewayError:
    return GatewayError(
        401,
        "Invalid API key for the brickgate gateway.\n"
        f"Send the gateway's key (the {KEY_ENV} it was started with) as a Bearer token, x-api-key or "
        "x-goog-api-key.",
        "invalid_api_key",
    )


@dataclass(frozen=True, slots=True)
class BrowserGuard:
    """The browser-request rules above. ``loopback_host_only`` holds while the gateway is bound to
    loopback; bound elsewhere on purpose (which needs a key), any Host name may reach it."""

    loopback_host_only: bool = True
    allowed_origins: frozenset[str] = frozenset()

    def refusal(self, scope: Scope, *, json_body: bool) -> GatewayError | None:
        """Why this request looks like it comes from a web page, as the answer to give; None when it
        does not. ``json_body``: the route reads a JSON body."""
        host = origin = site = content_type = None
        for name, value in scope["headers"]:  # one pass: this runs on every request
            if name == b"host":
                host = value
            elif name == b"origin":
                origin = value
            elif name == b"sec-fetch-site":
                site = value
            elif name == b"content-type":
                content_type = value
        if self.loopback_host_only and host is not None and not _is_loopback_host(host):
            return _foreign_host(host)
        if (origin is not None or site in _BROWSER_SITES) and not self._allowed(origin, host):
            return _from_a_page(origin)
        if json_body and not _is_json(content_type):
            return _not_json(content_type)
        return None

    def _allowed(self, origin: bytes | None, host: bytes | None) -> bool:
        if origin is None:
            return False
        # The gateway's own pages (same origin) and origins the user allowed.
        return origin == b"http://" + (host or b"") or origin.decode("latin-1") in self.allowed_origins


@functools.lru_cache(maxsize=64)  # a client sends the same Host and Content-Type on every request
def _is_loopback_host(host: bytes) -> bool:
    name = host[: host.find(b"]") + 1] if host.startswith(b"[") else host.split(b":", 1)[0]
    name = name.lower()
    return name in _LOOPBACK_HOSTS or is_loopback(name.decode("latin-1"))


@functools.lru_cache(maxsize=64)
def _is_json(content_type: bytes | None) -> bool:
    if content_type is None:
        return False
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or media.endswith(b"+json")


def _shown(value: bytes) -> str:
    text = value.decode("latin-1")
    return text if len(text) <= 200 else text[:200] + "..."


def _foreign_host(host: bytes) -> GatewayError:
    return GatewayError(
        403,
        f"The brickgate gateway answers only requests addressed to 127.0.0.1, localhost or [::1]; this one "
        f"was for {_shown(host)!r} (a web page using DNS rebinding looks like that).\n"
        "Use http://127.0.0.1:PORT as the base URL. To serve other names, bind another address with a key "
        f"(--bind ADDRESS and {KEY_ENV}).",
        "forbidden_host",
    )


def _from_a_page(origin: bytes | None) -> GatewayError:
    shown = _shown(origin) if origin is not None else "another site"
    return GatewayError(
        403,
        f"The brickgate gateway refuses requests from web pages (origin: {shown}): a page you visit must "
        "not be able to spend your Databricks models.\n"
        "If this client is yours and trusted, restart the gateway with --allow-origin ORIGIN.",
        "forbidden_origin",
    )


def _not_json(content_type: bytes | None) -> GatewayError:
    got = _shown(content_type) if content_type is not None else "no Content-Type"
    return GatewayError(
        415,
        f"The brickgate gateway accepts only JSON request bodies; this one was sent as {got!r}.\n"
        "Send the header Content-Type: application/json.",
        "unsupported_media_type",
    )
