"""`brickgate serve --identity caller`: every request runs as the person who sent it.

The gateway holds no model-calling credential. Each request carries its caller's own Databricks token:
``Authorization: Bearer``, ``x-api-key``, ``x-goog-api-key`` or ``?key=`` (whichever the agent sends), or in a
Databricks App the platform's ``X-Forwarded-Access-Token`` (see ``databricks_app.py`` for when that header
is believed). The token is

- verified once: the workspace says whose it is (SCIM Me, ``auth.identity``); the answer is kept
  ``VERIFIED_SECONDS`` under a SHA-256 of the token, a refusal ``REFUSED_SECONDS`` (so a stream of bad
  tokens costs the workspace one call each per half-minute, not one per request). The token itself is
  never a key, never logged, never stored;
- sent upstream as it is: a context variable carries it from the route to the auth header of the one
  pooled upstream client all callers share (so a new caller pays no TLS handshake);
- the key to nothing learnt from the workspace. The listing, the AI Gateway surface verdict and adaptive
  repairs live in one ``Workspace`` per identity (in memory only: a caller's listing never reaches the
  disk), at most ``MAX_IDENTITIES`` of them, least recently used dropped first, so memory stays flat.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from brickgate.auth.credentials import Credentials
from brickgate.auth.fingerprint import keyed_hash
from brickgate.auth.identity import Identity, identity_of
from brickgate.auth.source_hints import CALLER_TOKEN_FIX
from brickgate.catalog import Catalog
from brickgate.catalog.model import Model
from brickgate.errors import CredentialsRejected
from brickgate.gateway.asgi_io import Scope, header
from brickgate.gateway.databricks_app import AppMode, forwarded_identity
from brickgate.gateway.error_shapes import GatewayError
from brickgate.gateway.inference import Caller, Rejected
from brickgate.gateway.local_auth import presented_keys
from brickgate.gateway.model_names import ModelDirectory
from brickgate.redact import redact
from brickgate.upstream import Upstream
from brickgate.workspace import Workspace

MAX_IDENTITIES = 256  # workspaces kept (one per person); a team's worth, a few hundred KB each at most
VERIFIED_SECONDS = 300.0  # a verified token is believed this long (a revoked one works at most this long)
REFUSED_SECONDS = 30.0
_MAX_TOKENS = 4 * MAX_IDENTITIES  # verdicts kept: people hold a few tokens each (hourly OAuth refreshes)
CALLER_TOKEN: ContextVar[str | None] = ContextVar("brickgate_caller_token", default=None)


def caller_credentials(host: str, token_of: Callable[[], str | None] = CALLER_TOKEN.get) -> Credentials:
    """Credentials that send ``token_of()``: by default the current request's caller token. Never
    registered for redaction: that set would grow with every token, and a token is put in no text."""

    def auth_headers() -> dict[str, str]:
        token = token_of()
        if token is None:
            raise CredentialsRejected("This request carried no caller token.", CALLER_TOKEN_FIX)
        return {"Authorization": f"Bearer {token}"}

    def key() -> str:
        return keyed_hash("caller", host, auth_headers()["Authorization"])

    return Credentials(
        host=host,
        auth_type="pat",  # a bearer token read without I/O: no thread hop per request
        source="flag",
        origin="caller",
        _header_factory=auth_headers,
        _key_factory=key,
    )


class CallerWorkspace(Workspace):
    """One identity's workspace: its own catalog, surface verdict and repair memory, the shared upstream
    client. Refusals of the caller's token are answered as the caller's to fix, with the status Databricks
    gave (403: this person may not do this; 401: the token itself is bad)."""

    def __init__(self, shared: Upstream, **kw: Any) -> None:
        super().__init__(**kw)
        self._shared = shared

    @property
    def _upstream(self) -> Upstream:
        return self._shared

    async def aclose(self) -> None:
        """Nothing of its own to close: the shared client is the base workspace's, closed with the app."""

    async def _send(self, *args: Any, **kw: Any) -> Any:
        try:
            return await super()._send(*args, **kw)
        except CredentialsRejected as exc:
            raise refused_for_caller(exc) from None


class CallerDirectory(ModelDirectory):
    """One identity's model names; a listing refused for its token answered like an inference call."""

    async def models(self) -> list[Model]:
        try:
            return await super().models()
        except CredentialsRejected as exc:
            raise refused_for_caller(exc) from None

    async def resolve(self, name: str) -> Model:
        try:
            return await super().resolve(name)
        except CredentialsRejected as exc:
            raise refused_for_caller(exc) from None


def refused_for_caller(exc: CredentialsRejected) -> Rejected:
    """401: the token itself is bad (get a fresh one); 403: it is fine, but may not do this."""
    if exc.status == 403:
        text = f"{exc.message}\n{_FORBIDDEN_FIX}"
        return Rejected(GatewayError(403, redact(text), "caller_forbidden"))
    return Rejected(GatewayError(401, redact(exc.describe()), "caller_token_rejected"))


_FORBIDDEN_FIX = (
    "Your token works, but may not do this: ask a workspace admin for the permission (Can Query on the "
    "endpoint), or, for an app's OAuth token, the model-serving scope."
)


class CallerIdentities:
    """Verified callers and one ``Caller`` (workspace + model names) per identity, both bounded."""

    def __init__(
        self,
        base: Workspace,
        *,
        app: AppMode | None = None,
        service_principal: Caller | None = None,
        max_identities: int = MAX_IDENTITIES,
    ) -> None:
        self.base = base  # the host, the settings and the shared upstream client (see serve)
        self.host = base.credentials.host
        self.app = app
        self.service_principal = service_principal  # App mode, when the admin chose it for tokenless calls
        self.max_identities = max_identities
        self._verdicts: OrderedDict[bytes, tuple[Identity | GatewayError, float]] = OrderedDict()
        self._pending: dict[bytes, asyncio.Future[Identity]] = {}
        self._callers: OrderedDict[str, tuple[Caller, list[str]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._callers)

    async def caller(self, scope: Scope) -> Caller:
        """Whom this request runs as. Sets ``CALLER_TOKEN`` for the rest of the request."""
        token = self._token(scope)
        if token is None:
            if self.service_principal is not None:
                return self.service_principal
            raise Rejected(self._missing())
        CALLER_TOKEN.set(token)
        digest = hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()
        forwarded = forwarded_identity(scope, self.host) if self.app is not None else None
        identity = forwarded or await self._verified(digest, token)
        caller, latest = self._caller_for(identity)
        latest[0] = token  # what calls made outside a request (ledger prices) send for this identity
        return caller

    def _token(self, scope: Scope) -> str | None:
        if self.app is not None:
            return header(scope, b"x-forwarded-access-token") or None
        return next((key for key in presented_keys(scope) if key), None)

    async def _verified(self, digest: bytes, token: str) -> Identity:
        now = time.monotonic()
        verdict = self._verdicts.get(digest)
        if verdict is not None and verdict[1] > now:
            if isinstance(verdict[0], GatewayError):
                raise Rejected(verdict[0])
            return verdict[0]
        pending = self._pending.get(digest)
        if pending is None:  # one workspace call per token, however many requests arrive meanwhile
            pending = self._pending[digest] = asyncio.ensure_future(self._ask(digest, token))
            pending.add_done_callback(lambda _: self._pending.pop(digest, None))
        return await asyncio.shield(pending)

    async def _ask(self, digest: bytes, token: str) -> Identity:
        creds = caller_credentials(self.host, lambda: token)  # this token, whoever's request asks
        try:
            identity = await asyncio.to_thread(identity_of, creds)
        except CredentialsRejected as exc:
            error = refused_for_caller(exc).error
            self._remember(digest, error, REFUSED_SECONDS)
            raise Rejected(error) from None
        self._remember(digest, identity, VERIFIED_SECONDS)
        return identity

    def _remember(self, digest: bytes, verdict: Identity | GatewayError, seconds: float) -> None:
        self._verdicts[digest] = (verdict, time.monotonic() + seconds)
        self._verdicts.move_to_end(digest)
        while len(self._verdicts) > _MAX_TOKENS:
            self._verdicts.popitem(last=False)

    def _caller_for(self, identity: Identity) -> tuple[Caller, list[str]]:
        entry = self._callers.get(identity.key)
        if entry is not None:
            self._callers.move_to_end(identity.key)
            return entry
        latest: list[str] = [""]  # outside a request (a price lookup on the ledger thread): the newest token
        creds = caller_credentials(self.host, lambda: CALLER_TOKEN.get() or latest[0] or None)
        base = self.base
        catalog = Catalog(creds, settings=base.catalog.settings, use_cache=False)
        ws = CallerWorkspace(
            base._upstream,
            credentials=creds,
            catalog=catalog,
            surface=base._surface_setting,
            retry=base._retry,
            persist=False,  # surface verdict in memory, per identity; the gateway records usage itself
        )
        email = identity.principal if self.app is not None else None
        entry = (Caller.of(ws, CallerDirectory(ws), identity=identity.principal, email=email), latest)
        self._callers[identity.key] = entry
        while len(self._callers) > self.max_identities:
            self._callers.popitem(last=False)
        return entry

    def _missing(self) -> GatewayError:
        if self.app is not None:
            return GatewayError(
                401,
                "This Databricks App received no X-Forwarded-Access-Token: user authorization is off for "
                "it, so the gateway cannot act as you.\n"
                "An admin turns on user authorization for the app with the scopes model-serving and "
                "serving.serving-endpoints and restarts it (see the README `brickgate app init` wrote).",
                "caller_token_missing",
            )
        return GatewayError(
            401,
            "This gateway runs each request as its caller and this one carried no Databricks token.\n"
            "Send your own token as the API key (Authorization: Bearer, x-api-key or x-goog-api-key): "
            + CALLER_TOKEN_FIX.format(host=self.host),
            "caller_token_missing",
        )
