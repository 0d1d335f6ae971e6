"""The credential chain: --profile/--host > stored `brickgate login` > environment > the default profile.

A plain PAT (host + token and nothing else) is handled here without importing databricks-sdk; anything
else is handed to the SDK (`sdk_credentials`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from brickgate.auth.config_file import (
    SETTINGS_SECTION,
    default_profile_name,
    missing_profile_error,
    read_sections,
)
from brickgate.auth.credentials import CredentialOrigin, Credentials, CredentialSource, pat_key
from brickgate.auth.fingerprint import keyed_hash
from brickgate.auth.host import normalize_host
from brickgate.auth.sdk_credentials import sdk_credentials
from brickgate.auth.stored_login import StoredLogin, load_login
from brickgate.errors import InvalidHost, NoCredentials

# Environment variables that select or add an authentication method for the SDK (besides host + token).
_OTHER_AUTH_ENV = (
    "DATABRICKS_CLIENT_ID",
    "DATABRICKS_CLIENT_SECRET",
    "DATABRICKS_USERNAME",
    "DATABRICKS_PASSWORD",
    "DATABRICKS_AUTH_TYPE",
    "DATABRICKS_METADATA_SERVICE_URL",
    "DATABRICKS_OIDC_TOKEN_ENV",
    "DATABRICKS_OIDC_TOKEN_FILEPATH",
    "DATABRICKS_OIDC_TOKEN_FILE",
    "DATABRICKS_GOOGLE_SERVICE_ACCOUNT",
    "GOOGLE_CREDENTIALS",
    "DATABRICKS_AZURE_RESOURCE_ID",
    "ARM_USE_MSI",
    "ARM_CLIENT_ID",
    "ARM_CLIENT_SECRET",
    "ARM_TENANT_ID",
)
# Keys of a config-file profile that mean "not a plain PAT".
_OTHER_AUTH_KEYS = frozenset(
    {
        "client_id",
        "client_secret",
        "username",
        "password",
        "metadata_service_url",
        "oidc_token_env",
        "oidc_token_filepath",
        "google_service_account",
        "google_credentials",
        "azure_workspace_resource_id",
        "azure_use_msi",
        "azure_client_id",
        "azure_client_secret",
        "azure_tenant_id",
    }
)
# Any of these in the environment means "the environment configures Databricks".
_ENV_SELECTORS = ("DATABRICKS_HOST", "DATABRICKS_CONFIG_PROFILE", "DATABRICKS_TOKEN", "DATABRICKS_CLIENT_ID")


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice:
    """The credentials `resolve` will use, found without the SDK, without auth and without network."""

    source: CredentialSource
    origin: CredentialOrigin
    host: str | None  # normalised; None when only the SDK can tell
    profile: str | None = None
    token: str | None = field(default=None, repr=False)  # set: a plain PAT, no SDK needed
    sdk_host: str | None = None  # the host handed to the SDK (from --host)
    # For the SDK path: every setting that picks the credential (secrets too: only ever hashed).
    material: tuple[str, ...] = field(default=(), repr=False)

    @property
    def key(self) -> str | None:
        """The credential's keyed hash (as `Credentials.key` will be); None when the host is unknown."""
        if self.host is None:
            return None
        if self.token is not None:
            return pat_key(self.host, self.token)
        return keyed_hash("sdk", self.host, self.profile or "", *self.material)


def resolve(profile: str | None = None, host: str | None = None, *, timeout: float = 10) -> Credentials:
    """Find credentials. Raises NoCredentials, InvalidHost, HostUnreachable or another AuthError.

    `timeout` bounds any network probe the SDK makes while resolving (OAuth discovery).
    """
    choice = choose(profile, host)
    if choice.token is not None:
        assert choice.host is not None
        return Credentials.pat(
            choice.host, choice.token, source=choice.source, profile=choice.profile, origin=choice.origin
        )
    return sdk_credentials(
        source=choice.source,
        origin=choice.origin,
        profile=choice.profile,
        host=choice.sdk_host,
        key=choice.key,
        timeout=timeout,
    )


def peek_host(profile: str | None = None, host: str | None = None) -> str | None:
    """The host `resolve` would use, found without the SDK, without auth and without network; or None."""
    choice = peek(profile, host)
    return choice.host if choice else None


def peek(profile: str | None = None, host: str | None = None) -> Choice | None:
    """What `resolve` would use, or None when that fails (`resolve` then says why)."""
    try:
        return choose(profile, host)
    except (InvalidHost, NoCredentials):
        return None


def choose(profile: str | None = None, host: str | None = None) -> Choice:
    """The credential chain: flags > stored login > environment > default profile."""
    if profile or host:
        return _from_flags(profile, host)
    login = load_login()
    if login is not None:
        return _from_login(login)
    if any(_env(name) for name in _ENV_SELECTORS):
        return _from_env()
    return _from_default_profile()


def _from_flags(profile: str | None, host: str | None) -> Choice:
    if profile:
        return _from_profile(profile, "flag", host=host)
    assert host is not None
    wanted = normalize_host(host)
    token = _env("DATABRICKS_TOKEN")
    if token and not _other_auth_in_env():
        return Choice(source="flag", origin="env", host=wanted, token=token)
    login = load_login()
    if login is not None and login.host and login.token and normalize_host(login.host) == wanted:
        return Choice(source="flag", origin="login", host=wanted, token=login.token)
    if (profile := _profile_for_host(wanted)) is not None:
        return _from_profile(profile, "flag")
    return Choice(source="flag", origin="sdk", host=wanted, sdk_host=wanted, material=_auth_env())


def _profile_for_host(host: str) -> str | None:
    """The one config-file profile for `host` (as the Databricks CLI matches `--host`), or None."""
    names = [name for name, section in read_sections().items() if _same_host(section.get("host"), host)]
    names = [n for n in names if n != SETTINGS_SECTION]
    if len(names) > 1:
        raise NoCredentials(
            f"Several profiles are for {host}: {', '.join(names)}.",
            f"Pick one with --profile {names[0]} (instead of --host).",
        )
    return names[0] if names else None


def _same_host(raw: str | None, host: str) -> bool:
    try:
        return bool(raw) and normalize_host(raw or "") == host
    except InvalidHost:
        return False


def _from_login(login: StoredLogin) -> Choice:
    if login.profile:
        return _from_profile(login.profile, "login")
    assert login.host is not None and login.token is not None
    return Choice(source="login", origin="login", host=normalize_host(login.host), token=login.token)


def _from_env() -> Choice:
    profile = _env("DATABRICKS_CONFIG_PROFILE")
    if profile:
        return _from_profile(profile, "env")
    host, token = _env("DATABRICKS_HOST"), _env("DATABRICKS_TOKEN")
    if token and not host:
        raise NoCredentials(
            "DATABRICKS_TOKEN is set but DATABRICKS_HOST is not.",
            "Set DATABRICKS_HOST to the workspace URL (e.g. https://dbc-1234.cloud.databricks.com).",
        )
    normalized = normalize_host(host) if host else None
    if normalized and token and not _other_auth_in_env():
        return Choice(source="env", origin="env", host=normalized, token=token)
    return Choice(source="env", origin="env", host=normalized, material=_auth_env())


def _from_default_profile() -> Choice:
    sections = read_sections()
    name = default_profile_name(sections)
    if name is None:
        raise NoCredentials()
    return _from_profile(name, "config-file", sections=sections)


def _from_profile(
    name: str,
    source: CredentialSource,
    *,
    host: str | None = None,
    sections: dict[str, dict[str, str]] | None = None,
) -> Choice:
    sections = read_sections() if sections is None else sections
    section = sections.get(name) if name != SETTINGS_SECTION else None
    if section is None:
        raise missing_profile_error(name)
    token = section.get("token")
    # The SDK lets DATABRICKS_HOST override a profile's host.
    profile_host = host or _env("DATABRICKS_HOST") or section.get("host")
    normalized = normalize_host(profile_host) if profile_host else None
    plain_pat = not (_OTHER_AUTH_KEYS & section.keys()) and section.get("auth_type", "pat") == "pat"
    if token and normalized and plain_pat and not _other_auth_in_env() and not _env("DATABRICKS_HOST"):
        return Choice(source=source, origin="profile", host=normalized, profile=name, token=token)
    material = (*(f"{k}={v}" for k, v in sorted(section.items())), *_auth_env())
    sdk_host = normalize_host(host) if host else None
    return Choice(
        source=source, origin="profile", host=normalized, profile=name, sdk_host=sdk_host, material=material
    )


def _auth_env() -> tuple[str, ...]:
    """The environment variables the SDK reads for credentials, as `NAME=value` (hashed, never stored)."""
    names = (*_ENV_SELECTORS, *_OTHER_AUTH_ENV)
    return tuple(f"{name}={value}" for name in sorted(set(names)) if (value := _env(name)))


def _other_auth_in_env() -> bool:
    return any(_env(name) for name in _OTHER_AUTH_ENV)


def _env(name: str) -> str | None:
    return os.environ.get(name) or None


def host_only(profile: str | None = None, host: str | None = None) -> str:
    """The workspace host alone, for a gateway that holds no credentials of its own (each caller brings
    theirs): ``--host``, else DATABRICKS_HOST, else the chain's choice; ``NoCredentials`` when none."""
    raw = host or (None if profile else _env("DATABRICKS_HOST"))
    if raw:
        return normalize_host(raw)
    found = peek_host(profile)
    if found is None:
        raise NoCredentials(
            "No workspace host to serve.",
            "Pass --host https://<workspace>, set DATABRICKS_HOST, or choose a profile with --profile.",
        )
    return found
