"""The bearer token behind a login, for programs that send it themselves (`brickgate token`)."""

from __future__ import annotations

from brickgate.auth.credentials import Credentials
from brickgate.errors import AuthError


def bearer_token(creds: Credentials) -> str:
    """A token valid now: a PAT as it is; an OAuth one from databricks-sdk, which refreshes it before
    it expires. ``AuthError`` for a login that sends no bearer token (HTTP Basic)."""
    scheme, _, token = creds.headers().get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthError(
            f"This login ({creds.auth_type}) sends no bearer token, so there is none to print.",
            "Log in with a personal access token or OAuth (`brickgate login`, `databricks auth login`).",
        )
    return token.strip()
