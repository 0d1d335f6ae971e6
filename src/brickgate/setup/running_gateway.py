"""Where the running gateway listens, so `brickgate setup` needs no ``--port``.

`brickgate serve` records its address in brickgate's home once its socket is bound (``gateway.json``:
URL, pid, whether a key is required — never the key) and removes it when it stops. A record beats
probing ports: the gateway may listen anywhere (``--port 0`` included), and a probe cannot tell our
gateway from any other local service. A record left by a killed gateway is ignored: its pid is gone
or its URL no longer answers ``/health``.
"""

from __future__ import annotations

import contextlib
import json
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from brickgate.home import home, write_private

DEFAULT_URL = "http://127.0.0.1:8787"  # `brickgate serve` without --port
_PROBE_SECONDS = 1.0
_ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]"}  # a wildcard bind is reached over loopback


@dataclass(frozen=True, slots=True)
class GatewayRecord:
    url: str  # what clients on this machine connect to, no trailing slash
    pid: int
    keyed: bool  # started with --api-key


def record_path() -> Path:
    return home() / "gateway.json"


def client_url(bound_url: str) -> str:
    """The URL a local client uses for a gateway bound to ``bound_url`` (wildcards → loopback)."""
    scheme, _, rest = bound_url.partition("://")
    host, _, port = rest.rpartition(":")
    return f"{scheme}://{_ANY_ADDRESS.get(host, host)}:{port}"


def record(bound_url: str, *, keyed: bool) -> None:
    """Called by `brickgate serve` once it listens."""
    doc = {"url": client_url(bound_url), "pid": os.getpid(), "keyed": keyed}
    write_private(record_path(), (json.dumps(doc) + "\n").encode())


def forget() -> None:
    """Called by `brickgate serve` when it stops: remove the record if it is still this process's."""
    found = _read()
    if found is not None and found.pid == os.getpid():
        with contextlib.suppress(OSError):
            record_path().unlink()


def running() -> GatewayRecord | None:
    """The recorded gateway if its process is alive and it answers ``/health``, else None."""
    found = _read()
    if found is None or not _alive(found.pid):
        return None
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
    try:
        with direct.open(found.url + "/health", timeout=_PROBE_SECONDS) as answer:
            return found if answer.status == 200 else None
    except (OSError, ValueError):
        return None


def _read() -> GatewayRecord | None:
    try:
        doc = json.loads(record_path().read_text(encoding="utf-8"))
        return GatewayRecord(url=str(doc["url"]), pid=int(doc["pid"]), keyed=bool(doc["keyed"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent, or not ours to understand: as if no gateway were recorded


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: exists
    return True
