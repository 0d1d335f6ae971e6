"""Resolved credentials: a normalised host, where they came from, and fresh auth headers on demand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from brickgate.auth.fingerprint import keyed_hash
from brickgate.auth.host import normalize_host
from brickgate.redact import register_secret

CredentialSource = Literal["flag", "login", "env", "config-file"]  # which step of the chain chose them
# Where the secret itself lives, which decides the fix when it is rejected: environment variables, the
# stored `brickgate login`, a ~/.databrickscfg profile, the caller's own code or command line ("given"),
# whatever else databricks-sdk found on its own, or the token a gateway caller sent with its request.
CredentialOrigin = Literal["env", "login", "profile", "given", "sdk", "caller"]
_ORIGIN_OF_SOURCE: dict[CredentialSource, CredentialOrigin] = {
    "flag": "given",
    "login": "login",
    "env": "env",
    "config-file": "profile",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Credentials:
    """Who we are to one workspace. `headers()` is called per request: OAuth tokens refresh inside it."""

    host: str
    auth_type: str  # pat | oauth-m2m | databricks-cli | azure-cli | ... (the SDK's names)
    source: CredentialSource
    profile: str | None = None
    origin: CredentialOrigin = "sdk"
    _header_factory: Callable[[], dict[str, str]] = field(repr=False, compare=False)
    # Computed on first use: hashing creates the hashing key under the home, which demos must not touch.
    _key_factory: Callable[[], str] | None = field(default=None, repr=False, compare=False)
    _refresher: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> str:
        """A keyed hash naming this credential (never the secret); caches find its identity by it.
        Empty for credentials built by hand without one."""
        return self._key_factory() if self._key_factory is not None else ""

    def headers(self) -> dict[str, str]:
        """Fresh auth headers (a new dict each call), e.g. `{"Authorization": "Bearer ..."}`."""
        return dict(self._header_factory())

    def refresh(self) -> bool:
        """Drop cached tokens so the next `headers()` fetches new ones (after the workspace rejected one).

        False when there is nothing to refresh (a personal access token stays what it is).
        """
        if self._refresher is None:
            return False
        self._refresher()
        return True

    @classmethod
    def pat(
        cls,
        host: str,
        token: str,
        *,
        source: CredentialSource = "flag",
        profile: str | None = None,
        origin: CredentialOrigin | None = None,
    ) -> Credentials:
        """Credentials for a personal access token; no SDK involved."""
        register_secret(token)
        header = {"Authorization": f"Bearer {token}"}
        host = normalize_host(host)
        return cls(
            host=host,
            auth_type="pat",
            source=source,
            profile=profile,
            origin=origin or _ORIGIN_OF_SOURCE[source],
            _key_factory=lambda: pat_key(host, token),
            _header_factory=lambda: header,
        )


def pat_key(host: str, token: str) -> str:
    """The key of a personal access token, wherever it was read from (so one token shares one cache)."""
    return keyed_hash("pat", host, token)
