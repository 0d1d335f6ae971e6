"""The endpoint listing cached on disk, per workspace host and identity (atomic writes, 0600).

- `endpoints-<host>-<identity>.json`: one identity's listing (what one user may see is not another's): the
  three inventories (catalog/inventories.py) as fetched, slimmed, and which were skipped and why.
- `credentials-<host>.json`: credential key → identity key, written only after the workspace accepted that
  credential and said whose it is. A warm start finds its listing through it without the network; a
  credential not in it (a new, mistyped or other user's token) is cold and must prove itself first.

Every name here is a keyed hash (`auth.fingerprint`): no token, user name or secret is stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brickgate import home

log = logging.getLogger("brickgate.catalog")
_FORMAT = 3  # 3: the foundation-models catalog, model services and skipped inventories too
_CREDENTIALS_KEPT = 32  # per host: most recently verified first


@dataclass(frozen=True, slots=True)
class CachedListing:
    host: str
    fetched_at: float  # unix seconds
    endpoints: list[dict[str, Any]]
    identity: str = ""  # the identity key it was listed for
    catalog: list[dict[str, Any]] = field(default_factory=list)  # the foundation-models catalog
    services: list[dict[str, Any]] = field(default_factory=list)  # Unity Catalog model services
    skipped: tuple[tuple[str, str], ...] = ()  # (inventory, reason) of each inventory left out

    def age(self, now: float | None = None) -> float:
        return (time.time() if now is None else now) - self.fetched_at


def _host_digest(host: str) -> str:
    return hashlib.sha256(host.encode()).hexdigest()[:16]


def cache_path(host: str, identity: str) -> Path:
    """`<home>/cache/endpoints-<hash of host>-<identity key>.json`."""
    return home.cache_dir() / f"endpoints-{_host_digest(host)}-{identity[:32]}.json"


def _credentials_path(host: str) -> Path:
    return home.cache_dir() / f"credentials-{_host_digest(host)}.json"


def read_listing(host: str, identity: str) -> CachedListing | None:
    """The cached listing of `identity` on `host`; None when absent, unreadable or for another host/format."""
    data = _read_json(cache_path(host, identity))
    if data is None or data.get("host") != host or data.get("identity") != identity:
        return None
    fetched_at, endpoints = data.get("fetched_at"), data.get("endpoints")
    if not isinstance(fetched_at, (int, float)) or not isinstance(endpoints, list):
        return None
    skipped = tuple(
        (s[0], s[1])
        for s in _list(data.get("skipped"))
        if isinstance(s, list) and len(s) == 2 and all(isinstance(p, str) for p in s)
    )
    return CachedListing(
        host,
        float(fetched_at),
        _objects(endpoints),
        identity,
        _objects(_list(data.get("catalog"))),
        _objects(_list(data.get("services"))),
        skipped,
    )


def write_listing(
    host: str,
    identity: str,
    endpoints: list[dict[str, Any]],
    fetched_at: float | None = None,
    *,
    catalog: list[dict[str, Any]] | None = None,
    services: list[dict[str, Any]] | None = None,
    skipped: tuple[tuple[str, str], ...] = (),
) -> CachedListing:
    """Replace the cached listing of `identity` on `host` (atomic rename: readers never see half a file)."""
    at = time.time() if fetched_at is None else fetched_at
    listing = CachedListing(host, at, endpoints, identity, catalog or [], services or [], skipped)
    payload = {
        "format": _FORMAT,
        "host": host,
        "identity": identity,
        "fetched_at": listing.fetched_at,
        "endpoints": endpoints,
        "catalog": listing.catalog,
        "services": listing.services,
        "skipped": [list(s) for s in skipped],
    }
    _write_json(cache_path(listing.host, listing.identity), payload)
    return listing


def known_identity(host: str, credential: str) -> str | None:
    """The identity key `credential` was verified as on `host`, or None (unknown: verify it first)."""
    data = _read_json(_credentials_path(host))
    if data is None or data.get("host") != host:
        return None
    found = _dict(data.get("credentials")).get(credential)
    return found if isinstance(found, str) and found else None


def remember_identity(host: str, credential: str, identity: str) -> None:
    """Record that the workspace accepted `credential` as `identity` (call only after it did)."""
    data = _read_json(_credentials_path(host))
    known = _dict(data.get("credentials")) if data and data.get("host") == host else {}
    if known.get(credential) == identity:
        return
    kept = {credential: identity, **{k: v for k, v in known.items() if k != credential}}
    newest = dict(list(kept.items())[:_CREDENTIALS_KEPT])
    _write_json(_credentials_path(host), {"format": _FORMAT, "host": host, "credentials": newest})


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == _FORMAT else None


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    try:
        home.write_private(path, json.dumps(payload, separators=(",", ":")).encode())
    except OSError as exc:  # a read-only home still works: the next start lists again
        log.debug("Cannot cache %s (%s)", path, exc.strerror or exc)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _objects(values: list[Any]) -> list[dict[str, Any]]:
    return [v for v in values if isinstance(v, dict)]
