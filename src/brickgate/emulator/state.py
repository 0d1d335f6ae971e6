"""Mutable state of one running emulator. Only the server's event loop touches it, so no locks."""

from __future__ import annotations

import datetime
import secrets
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Any

from brickgate.emulator.config import EmulatorConfig
from brickgate.emulator.faults import Fault
from brickgate.emulator.workspace import Endpoint, EndpointSpec, parse_workspace

PROMPT_CACHE_SIZE = 64


@dataclass
class EmulatorState:
    config: EmulatorConfig
    url: str = ""
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    issued_tokens: dict[str, float] = field(default_factory=dict)  # OAuth access token -> expiry (epoch s)
    token_scopes: dict[str, frozenset[str]] = field(default_factory=dict)  # OAuth access token -> scopes
    today: datetime.date = datetime.date(2000, 1, 1)  # the clock retirements are judged against
    faults: list[Fault] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    stats: Counter[str] = field(default_factory=Counter)
    cached_prefixes: OrderedDict[str, None] = field(default_factory=OrderedDict)
    signing_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Back to the startup workspace; drop faults, recorded requests, stats and the prompt cache.

        Issued OAuth tokens survive: a client holding one should not be logged out by a test reset.
        """
        self.endpoints = parse_workspace(self.config.endpoint_specs())
        self.today = datetime.date.fromisoformat(self.config.today)
        self.faults.clear()
        self.requests.clear()
        self.stats.clear()
        self.cached_prefixes.clear()

    def replace_endpoints(self, specs: list[EndpointSpec]) -> None:
        self.endpoints = parse_workspace(specs)

    def issue_token(self, scope: str = "all-apis") -> str:
        token = "eyJhbGciOiJSUzI1NiJ9." + secrets.token_urlsafe(24) + "." + secrets.token_urlsafe(16)
        self.issued_tokens[token] = time.time() + self.config.token_ttl
        self.token_scopes[token] = frozenset(scope.split())
        return token

    def may_invoke(self, token: str) -> bool:
        """2026 §5: invoking a model needs the `model-serving` scope (or `all-apis`); PATs have all."""
        scopes = self.token_scopes.get(token)
        return scopes is None or bool(scopes & {"all-apis", "model-serving"})

    def may_use(self, endpoint: str, token: str | None) -> bool:
        """A user without a permission on an endpoint neither sees nor queries it (api §1.4: listings show
        what the caller may see). ASSUMPTION: permissions are per PAT, i.e. per emulated user."""
        users = self.config.endpoint_users.get(endpoint)
        return users is None or token in users

    def token_is_valid(self, token: str) -> bool:
        if token in self.config.tokens:
            return True
        expiry = self.issued_tokens.get(token)
        return expiry is not None and expiry > time.time()

    def expire_tokens(self) -> None:
        self.issued_tokens.clear()
        self.token_scopes.clear()

    def seen_prefix(self, digest: str) -> bool:
        """Record a cache_control prefix; True when it was already cached (a cache read)."""
        if digest in self.cached_prefixes:
            self.cached_prefixes.move_to_end(digest)
            return True
        self.cached_prefixes[digest] = None
        if len(self.cached_prefixes) > PROMPT_CACHE_SIZE:
            self.cached_prefixes.popitem(last=False)
        return False
