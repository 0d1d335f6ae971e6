"""One authenticated GET against the workspace REST API (stdlib only), with failures mapped for people."""

from __future__ import annotations

import functools
import http.client
import json
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from brickgate import network
from brickgate.answer_limits import MAX_JSON_BYTES, redirect_refused, too_large
from brickgate.auth.credentials import Credentials
from brickgate.auth.source_hints import rejection_hint
from brickgate.errors import HostUnreachable, UpstreamError
from brickgate.http_errors import REST_HINTS, error_from_response
from brickgate.redact import redact

USER_AGENT = "brickgate/0.1"


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is returned as an HTTPError instead of being followed with the Authorization header."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@functools.lru_cache(maxsize=4)
def _opener(context: ssl.SSLContext | None) -> urllib.request.OpenerDirector:
    """Redirects refused; proxies from the environment (urllib's default handlers); brickgate's CA bundle."""
    if context is None:
        return urllib.request.build_opener(_RefuseRedirects)
    return urllib.request.build_opener(_RefuseRedirects, urllib.request.HTTPSHandler(context=context))


def get_json(creds: Credentials, path: str, *, timeout: float = 10) -> Any:
    """GET `creds.host + path` with fresh auth headers; the decoded JSON body."""
    url = creds.host + path
    request = urllib.request.Request(
        url, headers={**creds.headers(), "Accept": "application/json", "User-Agent": USER_AGENT}
    )
    try:
        with _opener(network.ssl_context()).open(request, timeout=timeout) as response:
            body = response.read(MAX_JSON_BYTES + 1)
    except urllib.error.HTTPError as err:
        if 300 <= err.code < 400:
            raise redirect_refused(url, err.code, err.headers.get("Location")) from None
        hints = replace(REST_HINTS, credentials=rejection_hint(creds))
        retry_after = err.headers.get("Retry-After")
        raise error_from_response(
            err.code, _read_body(err), retry_after=retry_after, who=creds.host, hints=hints
        ) from None
    except (urllib.error.URLError, OSError) as err:
        raise _connection_error(creds.host, err, timeout) from None
    except http.client.HTTPException as err:  # BadStatusLine, IncompleteRead: something else on that port
        raise HostUnreachable(
            f"{creds.host} did not answer in HTTP ({type(err).__name__}).",
            "Check the host URL and port: it should be the workspace URL as shown in your browser.",
        ) from None
    if len(body) > MAX_JSON_BYTES:
        raise too_large(url, "an answer", MAX_JSON_BYTES)
    try:
        return json.loads(body)
    except ValueError:
        raise UpstreamError(
            f"{creds.host}{path} did not return JSON.",
            "Check that the host is a Databricks workspace URL.",
            status=200,
        ) from None


def _read_body(err: urllib.error.HTTPError) -> bytes:
    try:
        return err.read(4096)
    except OSError:
        return b""


def _connection_error(host: str, err: BaseException, timeout: float) -> HostUnreachable:
    reason = getattr(err, "reason", err)
    hostname = urlsplit(host).hostname or host
    hint = "Check the host URL, your network or VPN, and that the workspace is running."
    if isinstance(reason, socket.gaierror):
        return HostUnreachable(f"Cannot resolve {hostname} (DNS lookup failed).", hint)
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return HostUnreachable(f"No answer from {host} within {timeout:g} s.", hint)
    if isinstance(reason, ConnectionRefusedError):
        return HostUnreachable(f"Could not connect to {host}: connection refused.", hint)
    if isinstance(reason, ssl.SSLError):
        if "WRONG_VERSION_NUMBER" in str(reason) and host.startswith("https://"):
            plain = "http://" + host.removeprefix("https://")
            return HostUnreachable(f"{host} does not speak HTTPS.", f"If it is a local server, use {plain}.")
        return HostUnreachable(
            f"TLS handshake with {host} failed: {redact(str(reason))}.",
            network.CA_BUNDLE_HINT,
        )
    why = redact(str(reason))
    return HostUnreachable(f"Could not reach {host} (waited up to {timeout:g} s): {why}.", hint)
