"""Reaching the workspace from a corporate network: the proxy and the trusted CAs, one answer for all clients.

- Proxy: `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` (either case), read as urllib reads them. urllib
  (auth/rest.py) and databricks-sdk's requests apply them themselves; aiohttp (upstream.py) gets
  `proxy_for(url)` once per session, not a per-request environment lookup on the hot path.
- CA bundle, the first set of: `REQUESTS_CA_BUNDLE` (what Databricks tooling users already set),
  `SSL_CERT_FILE`, `ca_bundle` in config.toml. It replaces the default trust store in all three clients;
  requests only reads `REQUESTS_CA_BUNDLE`, so `share_ca_bundle_with_sdk` sets that for it.
"""

from __future__ import annotations

import functools
import os
import ssl
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from brickgate.errors import ConfigError
from brickgate.redact import register_secret

CA_BUNDLE_HINT = (
    "If a proxy inspects HTTPS, point REQUESTS_CA_BUNDLE (or SSL_CERT_FILE, or `ca_bundle` in brickgate's "
    "config.toml) at a PEM file with its CA certificate."
)


@dataclass(frozen=True, slots=True)
class Proxy:
    url: str  # without credentials
    user: str | None = None
    password: str | None = None


def ca_bundle() -> str | None:
    """The CA bundle file to trust, or None for the platform's defaults. ConfigError if it is missing."""
    for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        if value := os.environ.get(name):
            return _existing(value, name)
    from brickgate.catalog.settings import load_settings

    configured = load_settings().ca_bundle
    return _existing(configured, "ca_bundle in config.toml") if configured else None


def ssl_context() -> ssl.SSLContext | None:
    """A verifying context that trusts `ca_bundle()`; None when none is set (the clients' own default)."""
    bundle = ca_bundle()
    return _context_for(bundle, Path(bundle).stat().st_mtime) if bundle else None


def share_ca_bundle_with_sdk() -> None:
    """databricks-sdk talks through requests, which trusts only certifi or `REQUESTS_CA_BUNDLE`."""
    bundle = ca_bundle()
    if bundle and not os.environ.get("REQUESTS_CA_BUNDLE"):
        os.environ["REQUESTS_CA_BUNDLE"] = bundle


def proxy_for(url: str) -> Proxy | None:
    """The proxy the environment asks for `url` (honouring NO_PROXY), or None to connect directly."""
    parts = urlsplit(url)
    if not parts.hostname or urllib.request.proxy_bypass(parts.hostname):
        return None
    raw = urllib.request.getproxies().get(parts.scheme)
    if not raw:
        return None
    proxy = urlsplit(raw if "://" in raw else f"http://{raw}")
    register_secret(proxy.password)
    netloc = proxy.hostname or ""
    if proxy.port:
        netloc = f"{netloc}:{proxy.port}"
    return Proxy(f"{proxy.scheme}://{netloc}", proxy.username, proxy.password)


def _existing(path: str, setting: str) -> str:
    file = Path(path).expanduser()
    if not file.is_file():
        raise ConfigError(
            f"{setting} points to {file}, which is not a file.",
            "Point it at the PEM file with your proxy's or company's CA certificates, or unset it.",
        )
    return str(file)


@functools.lru_cache(maxsize=4)
def _context_for(bundle: str, mtime: float) -> ssl.SSLContext:  # mtime: a changed file is read again
    try:
        return ssl.create_default_context(cafile=bundle)
    except (ssl.SSLError, ValueError) as err:
        raise ConfigError(
            f"{bundle} holds no usable CA certificate ({err}).",
            "It must be PEM text (-----BEGIN CERTIFICATE-----).",
        ) from None
