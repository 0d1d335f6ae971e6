"""Databricks App mode: `brickgate serve` started by the Apps platform (research databricks-2026.md §5).

When: ``DATABRICKS_APP_PORT`` is in the environment. Only the platform sets it, together with
``DATABRICKS_APP_NAME``, ``DATABRICKS_HOST`` and the app's service principal
(``DATABRICKS_CLIENT_ID``/``_SECRET``). The gateway then binds ``0.0.0.0:$DATABRICKS_APP_PORT``, serves
every API also under ``/api/<family>/`` (the only paths Apps accept token auth on) and runs each request
as the signed-in user.

Trust boundary. The ``X-Forwarded-*`` headers are believed in App mode only, and only because the
platform's proxy is then the one way in: the app's port is not reachable from outside the platform, and the
proxy sets ``X-Forwarded-Access-Token`` (the user's token, down-scoped to the app's user-authorization
scopes) and ``X-Forwarded-Email``/``-User`` itself on every request. Outside App mode these headers are
never read: a forged ``X-Forwarded-Access-Token`` sent to a gateway on a laptop or a VM is ignored, and the
request needs its own token in ``Authorization``/``x-api-key`` like any other (tested). Setting
``DATABRICKS_APP_PORT`` by hand outside Databricks moves that boundary to whoever can reach the port: don't.

Without a forwarded token (user authorization off) a request is refused, unless the admin chose the app's
own service principal for such requests (``--app-principal-fallback`` or
``BRICKGATE_APP_PRINCIPAL_FALLBACK=1`` in ``app.yaml``): every such call then bills to the app.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass

from brickgate.auth.fingerprint import keyed_hash
from brickgate.auth.identity import Identity
from brickgate.errors import ConfigError
from brickgate.gateway.asgi_io import Scope, header

PORT_ENV = "DATABRICKS_APP_PORT"
FALLBACK_ENV = "BRICKGATE_APP_PRINCIPAL_FALLBACK"
# The platform's identity headers, most specific first (2026 §5).
_IDENTITY_HEADERS = (b"x-forwarded-email", b"x-forwarded-preferred-username", b"x-forwarded-user")
# Apps accept token auth on /api/... only: each API's base URL is one of these, e.g. .../api/anthropic;
# plain /api serves all of them at once (the one base URL `setup --gateway` writes for every agent).
API_MOUNTS = ("/api/openai", "/api/anthropic", "/api/gemini", "/api")


@dataclass(frozen=True, slots=True)
class AppMode:
    port: int
    name: str
    principal_fallback: bool = False  # requests without a user token run as the app's service principal


def app_mode(environ: Mapping[str, str] = os.environ, *, principal_fallback: bool = False) -> AppMode | None:
    """App mode when the platform's port variable is set; ``ConfigError`` when it is not a port."""
    raw = environ.get(PORT_ENV)
    if raw is None or not raw.strip():
        return None
    try:
        port = int(raw)
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise ConfigError(
            f"{PORT_ENV}={raw!r} is not a port number.",
            "Inside a Databricks App the platform sets it; outside one, unset it.",
        )
    fallback = principal_fallback or environ.get(FALLBACK_ENV, "").strip().lower() in ("1", "true", "yes")
    return AppMode(port, environ.get("DATABRICKS_APP_NAME", ""), fallback)


def forwarded_email(scope: Scope) -> str | None:
    """Who the platform says the user is (App mode only: see the trust boundary above)."""
    for name in _IDENTITY_HEADERS:
        value = header(scope, name)
        if value:
            return value
    return None


def forwarded_identity(scope: Scope, host: str) -> Identity | None:
    """The platform-authenticated user as an ``Identity`` (keyed as SCIM would key the same principal), so
    the token needs no second check here; None when the platform named nobody."""
    email = forwarded_email(scope)
    return _identity(host, email) if email else None


@functools.lru_cache(maxsize=1024)
def _identity(host: str, principal: str) -> Identity:
    return Identity(host, principal, keyed_hash("principal", host, principal))


def unmounted(scope: Scope) -> Scope:
    """``scope`` with an ``/api/<family>`` mount taken off the path (``/api/openai/v1/responses`` →
    ``/v1/responses``), so every route, whatever adds it, also answers under each mount; other paths as
    they are."""
    path: str = scope["path"]
    if not path.startswith("/api/"):
        return scope
    for mount in API_MOUNTS:
        if path.startswith(mount) and path[len(mount) : len(mount) + 1] == "/":
            return {**scope, "path": path[len(mount) :], "root_path": scope.get("root_path", "") + mount}
    return scope
