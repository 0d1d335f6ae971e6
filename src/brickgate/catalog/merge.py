"""Three inventories → one Model per servable name (research databricks-2026.md §1.1, §2.1-§2.3). Pure.

- Serving endpoints (`/api/2.0/serving-endpoints`): every `databricks-*` name and the workspace's own
  endpoints; a serving endpoint's name works on both surfaces.
- The foundation-models catalog (`/api/2.0/serving-endpoints:foundation-models`): the same entries with
  their api types; it fills what the serving listing lacks and adds a name that listing left out.
- Unity Catalog model services (`system.ai.*`): a registered model also answers to its UC name, on the
  AI Gateway only; a model registered only there (no serving endpoint) is a Model of its own, reached on the
  AI Gateway by its UC name. User-created services omit `supported_api_types`: nothing declared.

Entries are joined by the name without `databricks-`/`system.ai.`, taken from each inventory's own
spellings (endpoint name, `foundation_model.name`, service name), never derived one from another.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from brickgate.catalog.discovery import (
    declared_reason,
    model_for_family,
    model_from_endpoint,
    slim_endpoint,
    unpriced,
    with_declarations,
)
from brickgate.catalog.families import bare_name, family_for
from brickgate.catalog.model import Model

SERVICE_PREFIX = "model-services/"
SYSTEM_SCHEMA = "system.ai."


def discover(
    endpoints: list[dict[str, Any]],
    catalog: list[dict[str, Any]],
    services: list[dict[str, Any]],
    usd_per_dbu: float,
) -> list[Model]:
    """The Models of three (slim) inventories; an inventory that was skipped is an empty list."""
    models: list[Model] = []
    by_key: dict[str, int] = {}
    for entry in _with_catalog(endpoints, catalog):
        model = model_from_endpoint(entry, usd_per_dbu)
        if model is None:
            continue
        for key in (model.id, _foundation_name(entry)):
            if key:
                by_key.setdefault(bare_name(key), len(models))
        models.append(model)
    for service in services:
        name = service_name(service)
        if name is None:
            continue
        declared = _declared(service)
        found = by_key.get(bare_name(name)) if name.startswith(SYSTEM_SCHEMA) else None
        if found is None:
            models.append(model_from_service(name, declared, usd_per_dbu))
            continue
        model = replace(models[found], uc_name=name)
        if not model.api_types and declared:
            model = with_declarations(model, family_for(model.id), declared, {})
        models[found] = model
    return models


def model_from_service(name: str, declared: tuple[str, ...] | None, usd_per_dbu: float) -> Model:
    """A model registered in Unity Catalog only: its UC name is its only spelling, on the AI Gateway."""
    family = family_for(name)
    model = model_for_family(name, family, usd_per_dbu=usd_per_dbu)
    model = replace(model, uc_name=name, serving_endpoint=False)
    model = with_declarations(model, family, declared, {})
    reason = declared_reason(family, declared)
    if reason is not None:
        model = replace(model, ready=False, skipped_reason=reason)
    # A user-created service routes to a destination whose price the LIST does not say.
    return model if name.startswith(SYSTEM_SCHEMA) else unpriced(model)


def service_name(service: dict[str, Any]) -> str | None:
    """`model-services/system.ai.glm-5-3` → `system.ai.glm-5-3`."""
    name = service.get("name")
    if not isinstance(name, str) or not name.removeprefix(SERVICE_PREFIX):
        return None
    return name.removeprefix(SERVICE_PREFIX)


def slim_service(service: dict[str, Any]) -> dict[str, Any]:
    return {k: service[k] for k in ("name", "supported_api_types") if k in service}


def slim_all(entries: list[Any]) -> list[dict[str, Any]]:
    return [slim_endpoint(e) for e in entries if isinstance(e, dict)]


def _declared(service: dict[str, Any]) -> tuple[str, ...] | None:
    value = service.get("supported_api_types")
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else None


def _with_catalog(endpoints: list[dict[str, Any]], catalog: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Serving endpoints with the catalog's declarations filled in, then catalog names they lack."""
    merged = {e.get("name"): e for e in endpoints}
    for entry in catalog:
        name = entry.get("name")
        listed = merged.get(name)
        merged[name] = entry if listed is None else _filled(listed, entry)
    return list(merged.values())


def _filled(listed: dict[str, Any], cataloged: dict[str, Any]) -> dict[str, Any]:
    """``listed`` with the fields only the catalog entry has (its api types, its state, capabilities)."""
    out = {**cataloged, **listed}
    mine, theirs = _foundation(listed), _foundation(cataloged)
    if theirs and mine is not None:
        entity = {**listed["config"]["served_entities"][0], "foundation_model": {**theirs, **mine}}
        out["config"] = {**listed["config"], "served_entities": [entity]}
    return out


def _foundation(entry: dict[str, Any]) -> dict[str, Any] | None:
    entities = (
        entry.get("config", {}).get("served_entities") if isinstance(entry.get("config"), dict) else None
    )
    if not isinstance(entities, list) or not entities or not isinstance(entities[0], dict):
        return None
    found = entities[0].get("foundation_model")
    return found if isinstance(found, dict) else {}


def _foundation_name(entry: dict[str, Any]) -> str | None:
    name = (_foundation(entry) or {}).get("name")
    return name if isinstance(name, str) else None
