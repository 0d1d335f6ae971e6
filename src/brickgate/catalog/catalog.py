"""Catalog: the models one workspace serves, from a cached endpoint listing plus the user's config."""

from __future__ import annotations

import difflib
import logging
import time
from typing import Any

from brickgate.auth import Credentials, peek_host, resolve
from brickgate.auth.rest import get_json
from brickgate.auth.verify import SERVING_ENDPOINTS_PATH
from brickgate.catalog.cache import CachedListing, read_listing, write_listing
from brickgate.catalog.discovery import model_from_endpoint, slim_endpoint
from brickgate.catalog.families import FAMILY_NAMES, bare_name
from brickgate.catalog.model import Model
from brickgate.catalog.overrides import apply_settings
from brickgate.catalog.settings import CatalogSettings, load_settings
from brickgate.errors import BrickgateError, ModelNotFound, UpstreamError

log = logging.getLogger("brickgate.catalog")
_NAME_PREFIXES = ("databricks/", "system.ai.")


class Catalog:
    """Models of one workspace. A warm cache is read without credentials, the SDK or the network.

    `use_cache=False` neither reads nor writes the disk cache (demos, throwaway workspaces).
    `stale` is True when the last `models()` served an expired cache because the listing failed;
    `stale_reason` then holds that failure.
    """

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        profile: str | None = None,
        host: str | None = None,
        settings: CatalogSettings | None = None,
        timeout: float = 10,
        use_cache: bool = True,
    ) -> None:
        self._creds = credentials
        self._use_cache = use_cache
        self._profile = profile
        self._host = host
        self._settings = settings
        self._timeout = timeout
        self.stale = False
        self.stale_reason: BrickgateError | None = None
        self.fetched_at: float | None = None

    @property
    def settings(self) -> CatalogSettings:
        if self._settings is None:
            self._settings = load_settings()
        return self._settings

    @property
    def credentials(self) -> Credentials:
        """Resolved on first need (a cold or expired cache), never for a warm one."""
        if self._creds is None:
            self._creds = resolve(self._profile, self._host, timeout=self._timeout)
        return self._creds

    @property
    def host(self) -> str | None:
        return self._creds.host if self._creds else peek_host(self._profile, self._host)

    def models(self, refresh: bool = False, all: bool = False) -> list[Model]:
        """Chat models, by family then name; `all=True` adds the skipped ones (`ready=False`, a reason)."""
        usd_per_dbu = self.settings.usd_per_dbu
        discovered = [m for e in self._endpoints(refresh) if (m := model_from_endpoint(e, usd_per_dbu))]
        models = apply_settings(discovered, self.settings)
        if not all:
            models = [m for m in models if m.ready]
        return sorted(models, key=lambda m: (FAMILY_NAMES.index(m.family), m.id))

    def get(self, name: str) -> Model:
        """A model by endpoint name, name without `databricks-`, `databricks/NAME`, any case."""
        everything = {m.id.lower(): m for m in self.models(all=True)}
        for key in _lookup_keys(name):
            if (model := everything.get(key)) is not None:
                if not model.ready:
                    raise ModelNotFound(name, hint=f"{model.id} is skipped: {model.skipped_reason}.")
                return model
        ready = [m.id for m in everything.values() if m.ready]
        raise ModelNotFound(name, _suggestions(name, ready))

    def _endpoints(self, refresh: bool) -> list[dict[str, Any]]:
        self.stale, self.stale_reason = False, None
        host = self.host
        cached = read_listing(host) if host and self._use_cache and not refresh else None
        if cached is not None and cached.age() < self.settings.cache_ttl_seconds:
            self.fetched_at = cached.fetched_at
            return cached.endpoints
        try:
            listing = self._fetch()
        except BrickgateError as err:
            if cached is None:
                raise
            log.warning("Serving the cached model list: the workspace listing failed (%s)", err.message)
            self.stale, self.stale_reason, self.fetched_at = True, err, cached.fetched_at
            return cached.endpoints
        self.fetched_at = listing.fetched_at
        return listing.endpoints

    def _fetch(self) -> CachedListing:
        creds = self.credentials
        body = get_json(creds, SERVING_ENDPOINTS_PATH, timeout=self._timeout)
        endpoints = body.get("endpoints", []) if isinstance(body, dict) else None
        if not isinstance(endpoints, list):
            raise UpstreamError(
                f"{creds.host} returned an unexpected serving-endpoints listing.",
                "Check that the host is a Databricks workspace URL.",
                status=200,
            )
        slim = [slim_endpoint(e) for e in endpoints if isinstance(e, dict)]
        if not self._use_cache:
            return CachedListing(creds.host, time.time(), slim)
        return write_listing(creds.host, slim)


def _lookup_keys(name: str) -> list[str]:
    query = name.strip().lower()
    keys = [query]
    for prefix in _NAME_PREFIXES:
        if query.startswith(prefix):
            keys.append(query[len(prefix) :])
    return [*keys, *(f"databricks-{k}" for k in keys)]


def _suggestions(name: str, ids: list[str]) -> list[str]:
    by_bare = {bare_name(i): i for i in ids}
    close = difflib.get_close_matches(bare_name(name), list(by_bare), n=3, cutoff=0.6)
    return [by_bare[c] for c in close]
