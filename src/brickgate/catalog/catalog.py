"""Catalog: the models one workspace serves, from a cached endpoint listing plus the user's config."""

from __future__ import annotations

import difflib
import logging
import time

from brickgate.auth import Credentials, peek_host, resolve
from brickgate.auth.identity import credential_key, identity_of
from brickgate.auth.resolve import peek
from brickgate.catalog.cache import (
    CachedListing,
    known_identity,
    read_listing,
    remember_identity,
    write_listing,
)
from brickgate.catalog.families import FAMILY_NAMES, bare_name
from brickgate.catalog.inventories import Skipped, fetch_inventories
from brickgate.catalog.merge import discover
from brickgate.catalog.model import Model
from brickgate.catalog.names import NameIndex
from brickgate.catalog.overrides import apply_settings
from brickgate.catalog.retirements import retirement_of
from brickgate.catalog.settings import CatalogSettings, load_settings
from brickgate.errors import (
    BrickgateError,
    HostUnreachable,
    ModelNotFound,
    UpstreamUnavailable,
)

log = logging.getLogger("brickgate.catalog")
# A listing that failed for these reasons may fall back to the stale cache: the workspace could not be
# asked (unreachable, 5xx). Never for rejected credentials: they must not see what they could not list.
_WORKSPACE_DOWN = (HostUnreachable, UpstreamUnavailable)
STALE_RETRY_SECONDS = 60.0  # after a failed listing, serve the stale list this long before asking again
# A name missing from a listing older than this lists again (the endpoint may be new), at most this often.
MISS_RELIST_SECONDS = 60.0


class Catalog:
    """Models of one workspace as one identity sees them, from its three inventories (serving endpoints,
    the foundation-models catalog, Unity Catalog model services: `catalog.inventories`). A warm cache is
    read without the SDK or the network, but only for a credential the workspace already accepted
    (`catalog.cache`).

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
        self._memo: CachedListing | None = None
        self._memo_valid_until = 0.0
        self._built: tuple[CachedListing, list[Model]] | None = None
        self._names: tuple[list[Model], NameIndex] | None = None
        self._last_miss_relist = float("-inf")

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
        models = self._all_models(refresh)
        return list(models) if all else [m for m in models if m.ready]

    @property
    def skipped(self) -> list[Skipped]:
        """The inventories the last listing left out, and why (those the caller may not read)."""
        listing = self._memo
        return [Skipped(inventory, reason) for inventory, reason in listing.skipped] if listing else []

    def get(self, name: str) -> Model:
        """A model by any spelling `catalog.names` accepts (endpoint name, vendor name, `databricks/X`, ...).

        A name the cached listing lacks (or lists as not ready) lists the workspace again when that
        listing is over a minute old, so an endpoint created since is found; a failing re-listing is ignored.
        """
        index = self.names()
        found = index.find(name)
        if (found is None or not found.ready) and self._may_relist_on_miss():
            self._last_miss_relist = time.monotonic()
            try:
                self._all_models(refresh=True)
            except BrickgateError as err:
                log.debug("Listing again for %r failed: %s", name, err.message)
            index = self.names()
            found = index.find(name)
        if found is not None and found.ready:
            return found
        if found is not None:
            raise ModelNotFound(name, hint=f"{found.id} is skipped: {found.skipped_reason}.")
        if (gone := retirement_of(name)) is not None:  # retired endpoints leave the listings
            raise ModelNotFound(name, hint=f"{gone.describe()}.")
        raise ModelNotFound(name, _suggestions(name, [m.id for m in index.models if m.ready]))

    def names(self) -> NameIndex:
        """Every spelling of every model (skipped ones included, to say why they are), from the listing."""
        models = self._all_models(refresh=False)
        if self._names is None or self._names[0] is not models:
            self._names = (models, NameIndex(models))
        return self._names[1]

    def _may_relist_on_miss(self) -> bool:
        listed_long_ago = time.time() - (self.fetched_at or 0.0) >= MISS_RELIST_SECONDS
        return listed_long_ago and time.monotonic() - self._last_miss_relist >= MISS_RELIST_SECONDS

    def _all_models(self, refresh: bool) -> list[Model]:
        listing = self._listing(refresh)
        if self._built is None or self._built[0] is not listing:
            found = discover(listing.endpoints, listing.catalog, listing.services, self.settings.usd_per_dbu)
            models = apply_settings(found, self.settings)
            self._built = (listing, sorted(models, key=lambda m: (FAMILY_NAMES.index(m.family), m.id)))
        return self._built[1]

    def _listing(self, refresh: bool) -> CachedListing:
        """Memo while valid, else this credential's disk cache while fresh, else the workspace."""
        now = time.time()
        if self._memo is not None and not refresh and now < self._memo_valid_until:
            return self._memo
        ttl = self.settings.cache_ttl_seconds
        cached = self._memo
        if self._use_cache and not refresh:
            cached = self._cached_listing() or cached
        if cached is not None and not refresh and cached.age(now) < ttl:
            return self._remember(cached, cached.fetched_at + ttl, stale=None)
        try:
            listing = self._fetch()
        except _WORKSPACE_DOWN as err:
            if cached is None or refresh:
                raise
            log.warning("Serving the cached model list: the workspace listing failed (%s)", err.message)
            return self._remember(cached, now + STALE_RETRY_SECONDS, stale=err)
        return self._remember(listing, listing.fetched_at + ttl, stale=None)

    def _cached_listing(self) -> CachedListing | None:
        """The disk cache of the identity this credential was verified as; None for an unknown credential."""
        if self._creds is not None:
            host, key = self._creds.host, credential_key(self._creds)
        else:
            choice = peek(self._profile, self._host)
            if choice is None or choice.host is None or choice.key is None:
                return None
            host, key = choice.host, choice.key
        identity = known_identity(host, key)
        return read_listing(host, identity) if identity else None

    def _remember(
        self, listing: CachedListing, valid_until: float, stale: BrickgateError | None
    ) -> CachedListing:
        self._memo, self._memo_valid_until = listing, valid_until
        self.stale, self.stale_reason, self.fetched_at = stale is not None, stale, listing.fetched_at
        return listing

    def _fetch(self) -> CachedListing:
        """The three inventories at once (and, for the cache, whose listing it is)."""
        creds = self.credentials
        find_identity = (lambda: identity_of(creds, timeout=self._timeout)) if self._use_cache else None
        found, identity = fetch_inventories(creds, timeout=self._timeout, also=find_identity)
        for skip in found.skipped:
            log.info("%s", skip.describe())
        skipped = tuple((s.inventory, s.reason) for s in found.skipped)
        if identity is None:
            return CachedListing(
                creds.host, time.time(), found.endpoints, "", found.catalog, found.services, skipped
            )
        listing = write_listing(
            creds.host,
            identity.key,
            found.endpoints,
            catalog=found.catalog,
            services=found.services,
            skipped=skipped,
        )
        remember_identity(creds.host, credential_key(creds), identity.key)
        return listing


def _suggestions(name: str, ids: list[str]) -> list[str]:
    """Up to three ids: those containing the name (`haiku`, `sonnet`) first, then close spellings."""
    by_bare = {bare_name(i): i for i in ids}
    wanted = bare_name(name)
    containing = sorted(b for b in by_bare if len(wanted) >= 3 and wanted in b)
    close = difflib.get_close_matches(wanted, list(by_bare), n=3, cutoff=0.6)
    return [by_bare[b] for b in dict.fromkeys([*containing, *close])][:3]
