"""Workspace host normalisation: what users paste → `scheme://host[:port]`."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from brickgate.errors import InvalidHost

_HOSTNAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$")
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
        return f"{parts.scheme}://{hostname}:{port}"
    return f"{parts.scheme}://{hostname}"


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
