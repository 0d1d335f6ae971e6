"""Fetch the workspace's three model inventories at once (research databricks-2026.md §2.1-§2.3).

The serving-endpoint listing is required: its failure is the listing's failure, as before. The
foundation-models catalog and the Unity Catalog model services are extras: one the caller may not read
(403, 404, "not enabled", no grants on `system.ai`) or that keeps failing is skipped with a reason, so
`brickgate models` works on any workspace. Only the model services' documented 499/504 are retried, a
few times (ucode retries them 4x [UG]); nothing else is, so a skipped inventory costs one request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlencode

from brickgate.auth.credentials import Credentials
from brickgate.auth.rest import get_json
from brickgate.catalog.merge import slim_all, slim_service
from brickgate.errors import BrickgateError, CredentialsRejected, UpstreamError

SERVING_ENDPOINTS = "/api/2.0/serving-endpoints"
FOUNDATION_MODELS = "/api/2.0/serving-endpoints:foundation-models"
MODEL_SERVICES = "/api/2.1/unity-catalog/model-services"
SYSTEM_AI = "schemas/system.ai"
PAGE_SIZE = 100  # ucode's; an unbounded or larger page is answered 499 with an empty body (§2.3)
MAX_PAGES = 50  # 5,000 services: far past any workspace (55 measured, §2.1); stops a token that loops
RETRY_STATUSES = (499, 504)
RETRY_DELAYS = (0.2, 0.5, 1.0)  # after the first try: four attempts in all, under 2 s of waiting
UC_GRANTS = "reading it needs USE CATALOG on system, USE SCHEMA and EXECUTE on system.ai"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Skipped:
    """An inventory left out of this listing, and why (one line for `models --all`, `doctor`, `status`)."""

    inventory: str
    reason: str

    def describe(self) -> str:
        return f"{self.inventory} skipped: {self.reason}"

    def to_json(self) -> dict[str, str]:
        return {"inventory": self.inventory, "reason": self.reason}


@dataclass(slots=True)
class Inventories:
    endpoints: list[dict[str, Any]]
    catalog: list[dict[str, Any]] = field(default_factory=list)
    services: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def fetch_inventories(
    creds: Credentials, *, timeout: float, also: Callable[[], T] | None = None
) -> tuple[Inventories, T | None]:
    """The three inventories, fetched concurrently (slimmed for the cache); ``also`` (the identity
    lookup) runs beside them and its result is returned too. Its failure, and the serving listing's, raise."""
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="brickgate-list") as pool:
        side = pool.submit(also) if also is not None else None
        endpoints = pool.submit(_serving_endpoints, creds, timeout)
        catalog = pool.submit(_optional, "foundation-models catalog", _catalog, creds, timeout)
        services = pool.submit(_optional, "Unity Catalog model services", _services, creds, timeout)
        extra = side.result() if side is not None else None
        found = Inventories(endpoints.result())
        for future, target in ((catalog, found.catalog), (services, found.services)):
            entries, skipped = future.result()
            target.extend(entries)
            if skipped is not None:
                found.skipped.append(skipped)
    return found, extra


def _serving_endpoints(creds: Credentials, timeout: float) -> list[dict[str, Any]]:
    body = get_json(creds, SERVING_ENDPOINTS, timeout=timeout)
    endpoints = body.get("endpoints", []) if isinstance(body, dict) else None
    if not isinstance(endpoints, list):
        raise UpstreamError(
            f"{creds.host} returned an unexpected serving-endpoints listing.",
            "Check that the host is a Databricks workspace URL.",
            status=200,
        )
    return slim_all(endpoints)


def _catalog(creds: Credentials, timeout: float) -> list[dict[str, Any]]:
    body = get_json(creds, FOUNDATION_MODELS, timeout=timeout)
    endpoints = body.get("endpoints") if isinstance(body, dict) else None
    if not isinstance(endpoints, list):
        raise UpstreamError("the answer has no `endpoints` list", status=200)
    return slim_all(endpoints)


def _services(creds: Credentials, timeout: float) -> list[dict[str, Any]]:
    """Every page of `system.ai`'s model services, at a bounded page size."""
    services: list[dict[str, Any]] = []
    token: str | None = None
    for _ in range(MAX_PAGES):
        query = {"parent": SYSTEM_AI, "page_size": PAGE_SIZE, **({"page_token": token} if token else {})}
        body = _retrying(partial(get_json, creds, f"{MODEL_SERVICES}?{urlencode(query)}", timeout=timeout))
        page = body.get("model_services") if isinstance(body, dict) else None
        if not isinstance(page, list):
            raise UpstreamError("the answer has no `model_services` list", status=200)
        services.extend(slim_service(s) for s in page if isinstance(s, dict))
        next_token = body.get("next_page_token")
        if not isinstance(next_token, str) or not next_token or next_token == token:
            return services
        token = next_token
    return services


def _retrying(call: Callable[[], Any]) -> Any:
    """``call()``, again after each of RETRY_DELAYS while it fails with 499 or 504 (§2.3 [UG])."""
    for delay in RETRY_DELAYS:
        try:
            return call()
        except UpstreamError as err:
            if err.status not in RETRY_STATUSES:
                raise
        time.sleep(delay)
    return call()


def _optional(
    inventory: str,
    fetch: Callable[[Credentials, float], list[dict[str, Any]]],
    creds: Credentials,
    timeout: float,
) -> tuple[list[dict[str, Any]], Skipped | None]:
    try:
        return fetch(creds, timeout), None
    except BrickgateError as err:
        return [], Skipped(inventory, _why(inventory, err))


def _why(inventory: str, err: BrickgateError) -> str:
    """The upstream's own words, without the host (the listing itself worked, so the host is fine)."""
    if isinstance(err, UpstreamError) and err.status:
        code = f" {err.error_code}" if err.error_code else ""
        detail = err.detail if err.detail is not None else err.message
        text = f"HTTP {err.status}{code}: {detail}"
        if err.status in RETRY_STATUSES:
            text += f" ({len(RETRY_DELAYS) + 1} tries)"
    elif isinstance(err, CredentialsRejected):  # a 403 here is a missing grant, not a bad credential
        text = err.message.split(" rejected the credentials ", 1)[-1]
        text = f"not allowed {text}"
    else:
        text = err.message
    if inventory.startswith("Unity Catalog") and (
        isinstance(err, CredentialsRejected) or "system.ai" in text
    ):
        text += f" ({UC_GRANTS})"
    return " ".join(text.split())
