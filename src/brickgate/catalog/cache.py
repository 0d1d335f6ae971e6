"""The endpoint listing cached on disk: one JSON file per workspace host, written atomically (0600)."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brickgate import home

_FORMAT = 1


@dataclass(frozen=True, slots=True)
class CachedListing:
    host: str
    fetched_at: float  # unix seconds
    endpoints: list[dict[str, Any]]

    def age(self, now: float | None = None) -> float:
        return (time.time() if now is None else now) - self.fetched_at


def cache_path(host: str) -> Path:
    """`<home>/cache/endpoints-<hash of host>.json`."""
    digest = hashlib.sha256(host.encode()).hexdigest()[:16]
    return home.cache_dir() / f"endpoints-{digest}.json"


def read_listing(host: str) -> CachedListing | None:
    """The cached listing for `host`; None when absent, unreadable or for another host/format."""
    try:
        data = json.loads(cache_path(host).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != _FORMAT or data.get("host") != host:
        return None
    fetched_at, endpoints = data.get("fetched_at"), data.get("endpoints")
    if not isinstance(fetched_at, (int, float)) or not isinstance(endpoints, list):
        return None
    return CachedListing(host, float(fetched_at), [e for e in endpoints if isinstance(e, dict)])


def write_listing(
    host: str, endpoints: list[dict[str, Any]], fetched_at: float | None = None
) -> CachedListing:
    """Replace the cached listing for `host` (atomic rename: readers never see half a file)."""
    listing = CachedListing(host, time.time() if fetched_at is None else fetched_at, endpoints)
    payload = {"format": _FORMAT, "host": host, "fetched_at": listing.fetched_at, "endpoints": endpoints}
    home.write_private(cache_path(host), json.dumps(payload, separators=(",", ":")).encode())
    return listing
