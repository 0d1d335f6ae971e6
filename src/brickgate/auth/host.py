"""Workspace host normalisation: what users paste → `scheme://host[:port]`, and the one rule for plain
http:// — fine on this machine (the emulator, a local proxy), refused elsewhere unless the user allows it,
since the token would cross the network in clear text. Every entry point (login, the environment, a
profile, the stored login, `serve`, `Workspace(host=...)`) normalises its host here, so all follow it."""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from urllib.parse import urlsplit

from brickgate.errors import ConfigError, InvalidHost

_HOSTNAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$")
INSECURE_HTTP_ENV = "BRICKGATE_INSECURE_HTTP"
_TRUE = ("1", "true", "yes", "on")
_allowed_by_flag = False
_warned: set[str] = set()
log = logging.getLogger("brickgate.auth")
_EXAMPLE = (
    "https://adb-1234567890123456.7.azuredatabricks.net or https://dbc-a1b2c3d4-e5f6.cloud.databricks.com"
)


def normalize_host(raw: str) -> str:
    """`adb-1.azuredatabricks.net/` → `https://adb-1.azuredatabricks.net`.

    No scheme means https; a trailing slash, a browser path (`/?o=123#job/1`) and an explicit `:443` on
    https are dropped. Anything that is not an http(s) URL of a host raises `InvalidHost`.
    """
    text = raw.strip()
    if not text:
        raise InvalidHost("The workspace host is empty.", f"Give the workspace URL, e.g. {_EXAMPLE}.")
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as err:
        raise _invalid(raw, str(err)) from None
    if parts.scheme not in ("https", "http"):
        raise _invalid(raw, f"the scheme must be https:// (got {parts.scheme}://)")
    if "@" in parts.netloc:
        raise _invalid(raw, "credentials do not belong in the host URL")
    hostname = parts.netloc.rsplit(":", 1)[0] if port else parts.netloc
    if not _HOSTNAME.match(hostname):
        raise _invalid(raw, "that is not a host name")
    if port and not (parts.scheme == "https" and port == 443):
        host = f"{parts.scheme}://{hostname}:{port}"
    else:
        host = f"{parts.scheme}://{hostname}"
    if parts.scheme == "http" and not is_loopback(hostname):
        _check_clear_text(host)
    return host


def allow_insecure_http() -> None:
    """Accept http:// hosts that are not loopback for the rest of this process (`--insecure-http`)."""
    global _allowed_by_flag
    _allowed_by_flag = True


def _check_clear_text(host: str) -> None:
    if not _insecure_http_allowed():
        raise InvalidHost(
            f"{host} is plain http:// on another machine: the token would cross the network in clear "
            "text, readable by anyone on the way.",
            f"Use https:// if the workspace offers it. If this network is trusted, allow it: "
            f"`brickgate --insecure-http COMMAND`, or {INSECURE_HTTP_ENV}=1, or in {_config_path()}:\n"
            "  [security]\n  insecure_http = true",
        )
    if host not in _warned:
        _warned.add(host)
        log.warning("%s is plain http://: the token travels in clear text (insecure_http is on).", host)


def _insecure_http_allowed() -> bool:
    if _allowed_by_flag or os.environ.get(INSECURE_HTTP_ENV, "").strip().lower() in _TRUE:
        return True
    from brickgate.catalog.settings import load_settings

    section = (load_settings().model_extra or {}).get("security")
    allowed = section.get("insecure_http", False) if isinstance(section, dict) else False
    if not isinstance(allowed, bool):
        raise ConfigError(
            f"[security] insecure_http in {_config_path()} must be true or false, got {allowed!r}.",
            "Write insecure_http = true (or remove the line).",
        )
    return allowed


def _config_path() -> str:
    from brickgate import home

    return str(home.config_path())


def _invalid(raw: str, why: str) -> InvalidHost:
    return InvalidHost(
        f"Invalid workspace host {raw.strip()!r}: {why}.",
        f"Use the workspace URL as shown in your browser, e.g. {_EXAMPLE}.",
    )


def is_loopback(hostname: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ::1 (with or without IPv6 brackets)."""
    if hostname.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname.strip("[]")).is_loopback
    except ValueError:
        return False
