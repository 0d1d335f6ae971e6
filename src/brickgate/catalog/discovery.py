"""Serving-endpoint listing entries → Models. Pure functions over the raw JSON (research §1.2 to §1.6).

- Pay-per-token (FMAPI) endpoints take their family's API, limits and prices.
- External models (OpenAI, Anthropic, Bedrock, ... proxied by Databricks) are reached through Chat
  Completions, the one API every external provider is served over; the external model's own name picks the
  family (limits, capabilities, quirk flags). Prices are the provider's, not DBUs: left at 0 (unknown).
- Custom and provisioned-throughput endpoints speak Chat Completions; no per-token price.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from brickgate.catalog.families import OTHER, Api, Family, family_for
from brickgate.catalog.model import Model, Source

CHAT_TASKS = frozenset({"llm/v1/chat", "llm/v1/responses", "llama2/chat"})
_SKIP_REASONS = {
    "llm/v1/embeddings": "embeddings model",
    "llm/v1/completions": "completions-only model",
}
_PROVISIONED_KEYS = ("provisioned_model_units", "min_provisioned_throughput", "max_provisioned_throughput")


def model_from_endpoint(endpoint: dict[str, Any], usd_per_dbu: float) -> Model | None:
    """The Model for one listing entry (with `ready`/`skipped_reason` set), or None if it has no name."""
    name = endpoint.get("name")
    if not isinstance(name, str) or not name:
        return None
    entity = _served_entity(endpoint)
    source = _source(endpoint, entity)
    external = _dict(entity.get("external_model"))
    task = endpoint.get("task") or external.get("task")
    family = _family(name, entity, source)
    api: Api = family.api if source == "foundation" else proxied_api(family)
    if task == "llm/v1/responses":
        api = "responses"
    skipped = _skipped_reason(endpoint, task)
    model = model_for_family(name, family, api=api, source=source, usd_per_dbu=usd_per_dbu)
    priced = source == "foundation" and _pay_per_token(name, endpoint, entity)
    state = _dict(endpoint.get("state")).get("ready")
    model = replace(
        model,
        task=task if isinstance(task, str) else None,
        state=state if isinstance(state, str) else None,
        ready=skipped is None,
        skipped_reason=skipped,
        display_name=_dict(entity.get("foundation_model")).get("display_name") or None,
        supports_tools=_function_calling(endpoint, family),
    )
    return model if priced else unpriced(model)


def proxied_api(family: Family) -> Api:
    """External, custom and provisioned endpoints speak Chat Completions (Responses if nothing else)."""
    return "responses" if family.responses_only else "chat"


def unpriced(model: Model) -> Model:
    """No per-token list price (external provider billing, provisioned throughput, custom models)."""
    return replace(
        model,
        input_dbu_per_mtok=0.0,
        output_dbu_per_mtok=0.0,
        cache_read_dbu_per_mtok=0.0,
        cache_write_dbu_per_mtok=0.0,
    )


def model_for_family(
    name: str, family: Family, *, api: Api | None = None, source: Source = "foundation", usd_per_dbu: float
) -> Model:
    """A Model carrying the family row's profile (API, limits, capabilities, defects) and list prices."""
    return Model(
        **(family.profile() | ({} if api is None else {"api": api})),
        id=name,
        family=family.name,
        input_dbu_per_mtok=family.input_dbu,
        output_dbu_per_mtok=family.output_dbu,
        cache_read_dbu_per_mtok=family.cache_read_dbu,
        cache_write_dbu_per_mtok=family.cache_write_dbu,
        usd_per_dbu=usd_per_dbu,
        source=source,
    )


def slim_endpoint(endpoint: dict[str, Any]) -> dict[str, Any]:
    """The listing fields discovery reads, for the on-disk cache (provider configs and keys left out)."""
    entity = _served_entity(endpoint)
    kept = _pick(entity, ("name", "entity_name", *_PROVISIONED_KEYS))
    if foundation := _dict(entity.get("foundation_model")):
        kept["foundation_model"] = _pick(foundation, ("name", "display_name"))
    if external := _dict(entity.get("external_model")):
        kept["external_model"] = _pick(external, ("provider", "name", "task"))
    slim = _pick(endpoint, ("name", "endpoint_type", "task", "state", "capabilities"))
    slim["config"] = {"served_entities": [kept]} if kept else {}
    return slim


def _pick(source: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: source[k] for k in keys if k in source}


def _served_entity(endpoint: dict[str, Any]) -> dict[str, Any]:
    config = _dict(endpoint.get("config"))
    for key in ("served_entities", "served_models"):
        entities = config.get(key)
        if isinstance(entities, list) and entities and isinstance(entities[0], dict):
            return entities[0]
    return {}


def _source(endpoint: dict[str, Any], entity: dict[str, Any]) -> Source:
    if entity.get("external_model") or endpoint.get("endpoint_type") == "EXTERNAL_MODEL":
        return "external"
    if entity.get("foundation_model") or endpoint.get("endpoint_type") == "FOUNDATION_MODEL_API":
        return "foundation"
    return "custom"


def _family(name: str, entity: dict[str, Any], source: Source) -> Family:
    """The first candidate name that matches a family row; the external model's own name goes first."""
    candidates = [
        _dict(entity.get("external_model")).get("name") if source == "external" else None,
        name,
        _dict(entity.get("foundation_model")).get("name"),
        entity.get("entity_name"),
    ]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate and (family := family_for(candidate)) is not OTHER:
            return family
    return OTHER


def _skipped_reason(endpoint: dict[str, Any], task: object) -> str | None:
    state = _dict(endpoint.get("state")).get("ready")
    if state is not None and state != "READY":
        return f"not ready ({state})"
    if task in CHAT_TASKS:
        return None
    if isinstance(task, str) and task in _SKIP_REASONS:
        return _SKIP_REASONS[task]
    if isinstance(task, str) and task.startswith("agent/"):
        return f"agent endpoint ({task}), not a chat model"
    return f"task {task!r} is not chat" if task else "no task: not an LLM endpoint"


def _pay_per_token(name: str, endpoint: dict[str, Any], entity: dict[str, Any]) -> bool:
    if any(entity.get(k) for k in _PROVISIONED_KEYS):
        return False
    return endpoint.get("endpoint_type") == "FOUNDATION_MODEL_API" or name.startswith("databricks-")


def _function_calling(endpoint: dict[str, Any], family: Family) -> bool:
    declared = _dict(endpoint.get("capabilities")).get("function_calling")
    return declared if isinstance(declared, bool) else family.supports_tools


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
