"""Listing entries → Models. Pure functions over the raw JSON (research databricks-2026.md §1-§2).

What the workspace declares wins over the families table: `api_types` pick the APIs (routing.py), the
`price`/`input_price` fields the prices, `capabilities` tools and images. The family row fills the rest
(limits, defects) and decides alone where nothing is declared:

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
from brickgate.catalog.retirements import retirement_of
from brickgate.routing import declared_apis

CHAT_TASKS = frozenset({"llm/v1/chat", "llm/v1/responses", "llama2/chat"})
_SKIP_REASONS = {
    "llm/v1/embeddings": "embeddings model",
    "llm/v1/completions": "completions-only model",
}
_PROVISIONED_KEYS = ("provisioned_model_units", "min_provisioned_throughput", "max_provisioned_throughput")
# What discovery reads of `foundation_model` (the real 2026 listing, §2.2); the rest is not cached.
_FOUNDATION_KEYS = (
    "name",
    "display_name",
    "price",
    "input_price",
    "price_unit",
    "model_class",
    "api_types",
    "ai_gateway_v2_supported",
)


def model_from_endpoint(endpoint: dict[str, Any], usd_per_dbu: float) -> Model | None:
    """The Model for one listing entry (with `ready`/`skipped_reason` set), or None if it has no name."""
    name = endpoint.get("name")
    if not isinstance(name, str) or not name:
        return None
    entity = _served_entity(endpoint)
    source = _source(endpoint, entity)
    external = _dict(entity.get("external_model"))
    foundation = _dict(entity.get("foundation_model"))
    task = endpoint.get("task") or external.get("task")
    family = _family(name, entity, source)
    api: Api = family.api if source == "foundation" else proxied_api(family)
    if task == "llm/v1/responses":
        api = "responses"
    declared = _api_types(foundation.get("api_types"))
    model = model_for_family(name, family, api=api, source=source, usd_per_dbu=usd_per_dbu)
    state = _dict(endpoint.get("state")).get("ready")
    model = replace(
        model,
        task=task if isinstance(task, str) else None,
        state=state if isinstance(state, str) else None,
        display_name=foundation.get("display_name") or None,
    )
    model = with_declarations(model, family, declared, _dict(endpoint.get("capabilities")))
    model = _skipped(model, _skipped_reason(endpoint, task, family, declared))
    if source != "foundation" or not _pay_per_token(name, endpoint, entity):
        return unpriced(model)
    return _listed_prices(model, foundation)


def with_declarations(
    model: Model, family: Family, declared: tuple[str, ...] | None, capabilities: dict[str, Any]
) -> Model:
    """``model`` with what the workspace declares: its APIs (best first: `model.api`), tools and images,
    and, for a family no row knows, reasoning; and its retirement (§1.6)."""
    changes: dict[str, Any] = {}
    if declared:
        changes["api_types"] = declared
        if apis := declared_apis(declared):
            changes.update(api=apis[0], api_source="declared")
    for key, field in (("function_calling", "supports_tools"), ("image_input", "supports_images")):
        if isinstance(capabilities.get(key), bool):
            changes[field] = capabilities[key]
    # The real listing says `openai_reasoning: false` for Claude Opus 4.7, a reasoning model (§2.2 snapshot,
    # find_string id 56490560434): the flags only add what a family row cannot know.
    if not family.known and (capabilities.get("openai_reasoning") or capabilities.get("anthropic_reasoning")):
        changes["supports_reasoning"] = True
    if (retiring := retirement_of(model.id)) is not None:
        changes.update(retires=retiring.date, successor=retiring.successor)
    return replace(model, **changes)


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
        price_source="none",
    )


def model_for_family(
    name: str, family: Family, *, api: Api | None = None, source: Source = "foundation", usd_per_dbu: float
) -> Model:
    """A Model carrying the family row's profile (API, limits, capabilities, defects) and list prices."""
    priced = family.input_dbu or family.output_dbu
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
        price_source="table" if priced else "none",
    )


def _listed_prices(model: Model, foundation: dict[str, Any]) -> Model:
    """Input and output prices from the listing (strings, DBU per 1M tokens, §2.2) over the table's; cache
    prices stay the table's (the listing has none)."""
    unit = foundation.get("price_unit")
    if isinstance(unit, str) and "dbu" not in unit.lower():
        return model  # a unit we cannot convert: keep the table
    prices = (_number(foundation.get("input_price")), _number(foundation.get("price")))
    if prices[0] is None or prices[1] is None:
        return model
    return replace(model, input_dbu_per_mtok=prices[0], output_dbu_per_mtok=prices[1], price_source="listing")


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _skipped(model: Model, reason: str | None) -> Model:
    if reason is None:
        return model
    return replace(model, ready=False, skipped_reason=reason)


def slim_endpoint(endpoint: dict[str, Any]) -> dict[str, Any]:
    """The listing fields discovery reads, for the on-disk cache (provider configs and keys left out)."""
    entity = _served_entity(endpoint)
    kept = _pick(entity, ("name", "entity_name", *_PROVISIONED_KEYS))
    if foundation := _dict(entity.get("foundation_model")):
        kept["foundation_model"] = _pick(foundation, _FOUNDATION_KEYS)
    if external := _dict(entity.get("external_model")):
        kept["external_model"] = _pick(external, ("provider", "name", "task"))
    slim = _pick(endpoint, ("name", "endpoint_type", "task", "state", "capabilities"))
    slim["config"] = {"served_entities": [kept]} if kept else {}
    return slim


def _pick(source: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: source[k] for k in keys if k in source}


def _api_types(value: object) -> tuple[str, ...] | None:
    """The declared api types; None when the entry declares none at all (an older workspace)."""
    if not isinstance(value, list):
        return None
    return tuple(v for v in value if isinstance(v, str))


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


def _skipped_reason(
    endpoint: dict[str, Any], task: object, family: Family, declared: tuple[str, ...] | None
) -> str | None:
    state = _dict(endpoint.get("state")).get("ready")
    if state is not None and state != "READY":
        return f"not ready ({state})"
    if isinstance(task, str) and task in _SKIP_REASONS:
        return _SKIP_REASONS[task]
    if task in CHAT_TASKS:
        return declared_reason(family, declared)
    if isinstance(task, str) and task.startswith("agent/"):
        return f"agent endpoint ({task}), not a chat model"
    return f"task {task!r} is not chat" if task else "no task: not an LLM endpoint"


def declared_reason(family: Family, declared: tuple[str, ...] | None) -> str | None:
    """Why a model that says it chats is no chat model: its family (judges, image output), or what it
    declares (only embeddings, or no inference API at all)."""
    if family.not_chat is not None:
        return family.not_chat
    if declared is None or declared_apis(declared):
        return None
    if "mlflow/v1/embeddings" in declared:
        return "embeddings model"
    listed = ", ".join(declared) or "none"
    return f"declares no API brickgate can chat with (api_types: {listed})"


def _pay_per_token(name: str, endpoint: dict[str, Any], entity: dict[str, Any]) -> bool:
    if any(entity.get(k) for k in _PROVISIONED_KEYS):
        return False
    return endpoint.get("endpoint_type") == "FOUNDATION_MODEL_API" or name.startswith("databricks-")


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
