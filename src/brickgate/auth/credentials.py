"""Resolved credentials: a normalised host, where they came from, and fresh auth headers on demand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from brickgate.auth.host import normalize_host
from brickgate.redact import register_secret

CredentialSource = Literal["flag", "login", "env", "config-file"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Credentials:
    """Who we are to one workspace. `headers()` is called per request: OAuth tokens refresh inside it."""

    host: str
    auth_type: str  # pat | oauth-m2m | databricks-cli | azure-cli | ... (the SDK's names)
    source: CredentialSource
    profile: str | None = None
    _header_factory: Callable[[], dict[str, str]] = field(repr=False, compare=False)
    _refresher: Callable[[], None] | None = field(default=None, repr=False, compare=False)

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
        cls, host: str, token: str, *, source: CredentialSource = "flag", profile: str | None = None
    ) -> Credentials:
        """Credentials for a personal access token; no SDK involved."""
        register_secret(token)
        header = {"Authorization": f"Bearer {token}"}
        return cls(
            host=normalize_host(host),
            auth_type="pat",
            source=source,
            profile=profile,
            _header_factory=lambda: header,
        )
