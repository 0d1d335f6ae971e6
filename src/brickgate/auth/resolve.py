"""The credential chain: --profile/--host > stored `brickgate login` > environment > the default profile.

A plain PAT (host + token and nothing else) is handled here without importing databricks-sdk; anything
else is handed to the SDK (`sdk_credentials`).
"""

from __future__ import annotations

import os

from brickgate.auth.config_file import (
    SETTINGS_SECTION,
    default_profile_name,
    missing_profile_error,
    read_sections,
)
from brickgate.auth.credentials import Credentials, CredentialSource
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


def resolve(profile: str | None = None, host: str | None = None, *, timeout: float = 10) -> Credentials:
    """Find credentials. Raises NoCredentials, InvalidHost, HostUnreachable or another AuthError.

    `timeout` bounds any network probe the SDK makes while resolving (OAuth discovery).
    """
    if profile or host:
        return _from_flags(profile, host, timeout)
    login = load_login()
    if login is not None:
        return _from_login(login, timeout)
    if any(_env(name) for name in _ENV_SELECTORS):
        return _from_env(timeout)
    return _from_default_profile(timeout)


def peek_host(profile: str | None = None, host: str | None = None) -> str | None:
    """The host `resolve` would use, found without the SDK, without auth and without network; or None."""
    try:
        if host:
            return normalize_host(host)
        if profile:
            return _profile_host(profile)
        login = load_login()
        if login is not None:
            return normalize_host(login.host) if login.host else _profile_host(login.profile or "")
        if _env("DATABRICKS_HOST"):
            return normalize_host(_env("DATABRICKS_HOST") or "")
        if _env("DATABRICKS_CONFIG_PROFILE"):
            return _profile_host(_env("DATABRICKS_CONFIG_PROFILE") or "")
        name = default_profile_name(read_sections())
        return _profile_host(name) if name else None
    except (InvalidHost, NoCredentials):
        return None


def _from_flags(profile: str | None, host: str | None, timeout: float) -> Credentials:
    if profile:
        return _from_profile(profile, "flag", timeout, host=host)
    assert host is not None
    wanted = normalize_host(host)
    token = _env("DATABRICKS_TOKEN")
    if token and not _other_auth_in_env():
        return Credentials.pat(wanted, token, source="flag")
    login = load_login()
    if login is not None and login.host and login.token and normalize_host(login.host) == wanted:
        return Credentials.pat(wanted, login.token, source="flag")
    if (profile := _profile_for_host(wanted)) is not None:
        return _from_profile(profile, "flag", timeout)
    return sdk_credentials(source="flag", host=wanted, timeout=timeout)


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


def _from_login(login: StoredLogin, timeout: float) -> Credentials:
    if login.profile:
        return _from_profile(login.profile, "login", timeout)
    assert login.host is not None and login.token is not None
    return Credentials.pat(login.host, login.token, source="login")


def _from_env(timeout: float) -> Credentials:
    profile = _env("DATABRICKS_CONFIG_PROFILE")
    if profile:
        return _from_profile(profile, "env", timeout)
    host, token = _env("DATABRICKS_HOST"), _env("DATABRICKS_TOKEN")
    if token and not host:
        raise NoCredentials(
            "DATABRICKS_TOKEN is set but DATABRICKS_HOST is not.",
            "Set DATABRICKS_HOST to the workspace URL (e.g. https://dbc-1234.cloud.databricks.com).",
        )
    if host and token and not _other_auth_in_env():
        return Credentials.pat(host, token, source="env")
    return sdk_credentials(source="env", timeout=timeout)


def _from_default_profile(timeout: float) -> Credentials:
    sections = read_sections()
    name = default_profile_name(sections)
    if name is None:
        raise NoCredentials()
    return _from_profile(name, "config-file", timeout, sections=sections)


def _from_profile(
    name: str,
    source: CredentialSource,
    timeout: float,
    *,
    host: str | None = None,
    sections: dict[str, dict[str, str]] | None = None,
) -> Credentials:
    sections = read_sections() if sections is None else sections
    section = sections.get(name) if name != SETTINGS_SECTION else None
    if section is None:
        raise missing_profile_error(name)
    token, profile_host = section.get("token"), host or section.get("host")
    plain_pat = not (_OTHER_AUTH_KEYS & section.keys()) and section.get("auth_type", "pat") == "pat"
    if token and profile_host and plain_pat and not _other_auth_in_env() and not _env("DATABRICKS_HOST"):
        return Credentials.pat(profile_host, token, source=source, profile=name)
    return sdk_credentials(source=source, profile=name, host=host, timeout=timeout)


def _profile_host(name: str) -> str | None:
    section = read_sections().get(name)
    raw = section.get("host") if section else None
    return normalize_host(raw) if raw else None


def _other_auth_in_env() -> bool:
    return any(_env(name) for name in _OTHER_AUTH_ENV)


def _env(name: str) -> str | None:
    return os.environ.get(name) or None
