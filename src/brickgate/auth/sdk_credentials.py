"""Everything that is not a plain PAT goes through databricks-sdk's `Config` (imported lazily: ~2.5 s).

The SDK's errors are strings inside ValueError; they are mapped here to brickgate's auth errors with hints.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from brickgate import network
from brickgate.auth.config_file import missing_profile_error, read_sections
from brickgate.auth.credentials import CredentialOrigin, Credentials, CredentialSource
from brickgate.auth.fingerprint import keyed_hash
from brickgate.auth.host import normalize_host
from brickgate.auth.source_hints import rejection_hint, setup_hint
from brickgate.errors import (
    AUTH_METHODS_HINT,
    AuthError,
    BrickgateError,
    CredentialsRejected,
    HostUnreachable,
    NoCredentials,
)
from brickgate.redact import redact, register_secret

_SDK_LOGGER = "databricks.sdk"
_HOST_METADATA_WARNING = "Failed to automatically resolve config from host metadata"
_CONNECTION_FAILURE = re.compile(
    r"(?i)connection|timed out|timeout|name ?resolution|name or service|refused|unreachable"
)


def sdk_credentials(
    *,
    source: CredentialSource,
    origin: CredentialOrigin = "sdk",
    profile: str | None = None,
    host: str | None = None,
    key: str | None = None,
    timeout: float = 10,
) -> Credentials:
    """Resolve through the SDK's unified auth chain (env, profile, OAuth M2M, CLI, Azure, ...).

    `key` names the credential for caches (`resolve` derives it from the settings that chose it)."""
    from databricks.sdk.core import Config

    network.share_ca_bundle_with_sdk()
    kwargs: dict[str, Any] = {
        # Bounded so an unreachable host fails in seconds, not the SDK's default 300 s.
        "http_timeout_seconds": timeout,
        "retry_timeout_seconds": max(1, int(timeout // 4)),
    }
    if profile:
        kwargs["profile"] = profile
    if host:
        kwargs["host"] = normalize_host(host)
    started = time.monotonic()
    with _captured_sdk_warnings() as warnings:
        try:
            cfg = Config(**kwargs)
        except ValueError as err:
            waited = time.monotonic() - started
            failure = _config_error(str(err), _host_for_message(host, profile), warnings, waited)
            raise _with_origin(failure, str(err), origin, profile, host) from None
    register_secret(cfg.token, cfg.client_secret, cfg.password)
    resolved_host = normalize_host(cfg.host)
    auth_type = str(cfg.auth_type or "unknown")
    chosen_profile = cfg.profile or profile

    def fresh_headers() -> dict[str, str]:
        try:
            headers: dict[str, str] = cfg.authenticate()
        except Exception as err:  # the SDK raises ValueError, requests errors, OSError, ...
            raise _header_error(err, creds) from None
        for value in headers.values():
            register_secret(value.split(" ", 1)[-1])
        return headers

    def refresh() -> None:
        try:
            cfg.init_auth()  # type: ignore[no-untyped-call]  # a new token source drops the cached token
        except Exception as err:  # the SDK raises ValueError, requests errors, OSError, ...
            raise _header_error(err, creds) from None

    creds = Credentials(
        host=resolved_host,
        auth_type=auth_type,
        source=source,
        profile=chosen_profile,
        origin="profile" if chosen_profile and origin == "sdk" else origin,
        _key_factory=lambda: key or keyed_hash("sdk", resolved_host, chosen_profile or "", auth_type),
        _header_factory=fresh_headers,
        _refresher=refresh,
    )
    return creds


@contextmanager
def _captured_sdk_warnings() -> Iterator[list[str]]:
    """Collect (and keep off stderr) the SDK's warnings while a Config is built; they explain failures."""
    captured: list[str] = []

    def keep(record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            captured.append(record.getMessage())
            return not record.getMessage().startswith(_HOST_METADATA_WARNING)
        return True

    logger = logging.getLogger(_SDK_LOGGER)
    logger.addFilter(keep)
    try:
        yield captured
    finally:
        logger.removeFilter(keep)


def _host_for_message(host: str | None, profile: str | None) -> str:
    """The host the SDK was trying, for error messages (best effort, never raises)."""
    raw = host or os.environ.get("DATABRICKS_HOST")
    if not raw:
        try:
            name = profile or os.environ.get("DATABRICKS_CONFIG_PROFILE") or "DEFAULT"
            raw = read_sections().get(name, {}).get("host")
        except BrickgateError:
            raw = None
    return raw or ""


def _config_error(message: str, host: str, warnings: list[str], waited: float) -> AuthError:
    text = redact(message)
    if missing := re.search(r"has no (.+?) profile configured", text):
        return missing_profile_error(missing.group(1))
    if "more than one authorization method configured" in text:
        methods = re.search(r"configured: ([\w\- ]+)", text)
        which = methods.group(1) if methods else "several"
        return AuthError(
            f"More than one way to authenticate is configured ({which}).",
            "Keep one: unset DATABRICKS_TOKEN or DATABRICKS_CLIENT_ID/SECRET (or the profile's keys), "
            "or set DATABRICKS_AUTH_TYPE to choose.",
        )
    probe_failures = [w for w in warnings if w.startswith(_HOST_METADATA_WARNING)]
    if probe_failures and _CONNECTION_FAILURE.search(probe_failures[0]):
        return HostUnreachable(
            f"Could not reach the workspace {host or 'host'} (gave up after {waited:.1f} s).",
            "Check the host URL, your network or VPN, and that the workspace is running.",
        )
    if "cannot configure default credentials" in text:
        return NoCredentials(
            f"No usable Databricks credentials{' for ' + host if host else ''}.", AUTH_METHODS_HINT
        )
    if "Invalid URL 'None'" in text or "discovery" in text:
        return AuthError(
            f"{host or 'The host'} did not describe its OAuth endpoints (/.well-known/databricks-config).",
            "Check that the host is a Databricks workspace URL, or set DATABRICKS_DISCOVERY_URL.",
        )
    return AuthError(f"Cannot set up Databricks credentials: {_first_line(text)}", AUTH_METHODS_HINT)


def _with_origin(
    failure: AuthError, sdk_message: str, origin: CredentialOrigin, profile: str | None, host: str | None
) -> AuthError:
    """Credentials that could not be set up get the fix for where they came from (a CLI login, ...)."""
    if not isinstance(failure, NoCredentials):
        return failure
    found = re.search(r"auth_type=([\w-]+)", sdk_message)
    auth_type = found.group(1) if found else "no method found"
    where = _host_for_message(host, profile)
    return NoCredentials(failure.message, setup_hint(origin, auth_type, profile, where))


def _header_error(err: Exception, creds: Credentials) -> AuthError:
    text = redact(str(err))
    if _CONNECTION_FAILURE.search(type(err).__name__ + " " + text):
        return HostUnreachable(
            f"Could not reach {creds.host} to get an access token.",
            "Check your network or VPN and that the workspace is running.",
        )
    return CredentialsRejected(
        f"{creds.host} did not issue an access token: {_first_line(text)}", rejection_hint(creds)
    )


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "unknown error"
    return line.split(". Config:")[0].rstrip(".")
