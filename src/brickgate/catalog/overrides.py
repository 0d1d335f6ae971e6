"""Config file → catalog: per-model overrides and custom endpoints applied to discovered Models (pure)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from brickgate.catalog.discovery import model_for_family, proxied_api, unpriced
from brickgate.catalog.families import OTHER, Family, family_for
from brickgate.catalog.model import Model
from brickgate.catalog.settings import CatalogSettings, ModelOverride

_PRICES = ("input", "output", "cache_read", "cache_write")
_PRICE_FIELDS = (*(f"{p}_dbu_per_mtok" for p in _PRICES), "price_source")
# What a family change leaves alone: the endpoint's facts, as the workspace listed them.
_KEPT_FIELDS = (
    "task",
    "state",
    "ready",
    "skipped_reason",
    "display_name",
    "api_types",
    "api_source",
    "uc_name",
    "serving_endpoint",
    "retires",
    "successor",
)
# A name that family_for maps to each family (the family name itself works for all but these).
_FAMILY_SAMPLE_NAMES = {"codex": "gpt-5-codex", "judge": "openjev"}
_PAY_PER_TOKEN_PREFIXES = ("databricks-", "system.ai.")


def family_row(family: str) -> Family:
    """The generic table row for a family name (`claude`, `codex`, `other`, ...)."""
    return OTHER if family == "other" else family_for(_FAMILY_SAMPLE_NAMES.get(family, family))


def apply_settings(models: list[Model], settings: CatalogSettings) -> list[Model]:
    """Discovered models with `[[endpoints]]` added and `[models."<id>"]` overrides applied."""
    by_id = {m.id: m for m in models}
    for custom in settings.endpoints:
        base = by_id.get(custom.name) or _custom_model(custom.name, custom.family, settings.usd_per_dbu)
        by_id[base.id] = apply_override(base, custom, settings.usd_per_dbu)
    lowered = {m.lower(): m for m in by_id}
    for name, override in settings.models.items():
        target = lowered.get(name.lower()) or lowered.get(f"databricks-{name.lower()}")
        if target is not None:
            by_id[target] = apply_override(by_id[target], override, settings.usd_per_dbu)
    return list(by_id.values())


def apply_override(model: Model, override: ModelOverride, usd_per_dbu: float) -> Model:
    """`model` with the fields the user set; a new family re-derives limits, API and quirk flags first."""
    fields: dict[str, Any] = override.set_fields()
    fields.pop("name", None)
    family = fields.pop("family", None)
    if family is not None and family != model.family:
        model = _with_family(model, family_row(family), usd_per_dbu)
    for price in _PRICES:
        usd = fields.pop(f"{price}_usd_per_mtok", None)
        if usd is not None:
            fields[f"{price}_dbu_per_mtok"] = usd / usd_per_dbu
    if "api" in fields:  # a pin: routing sends every caller over it (routing.choose)
        fields["api_source"] = "config"
    if any(f"{price}_dbu_per_mtok" in fields for price in _PRICES):
        fields["price_source"] = "config"
    return replace(model, **fields)


def _with_family(model: Model, family: Family, usd_per_dbu: float) -> Model:
    """``model`` with another family's limits, defects and table prices; what the workspace declared
    (APIs, listed prices, names) stays."""
    api = family.api if model.source in ("foundation", "config") else proxied_api(family)
    if model.api_source == "declared":
        api = model.api
    rebuilt = model_for_family(model.id, family, api=api, source=model.source, usd_per_dbu=usd_per_dbu)
    if model.price_source != "table":
        rebuilt = replace(rebuilt, **{f: getattr(model, f) for f in _PRICE_FIELDS})
    return replace(rebuilt, **{f: getattr(model, f) for f in _KEPT_FIELDS})


def _custom_model(name: str, family: str | None, usd_per_dbu: float) -> Model:
    row = family_row(family) if family else family_for(name)
    pay_per_token = name.lower().startswith(_PAY_PER_TOKEN_PREFIXES)
    api = row.api if pay_per_token else proxied_api(row)
    model = model_for_family(name, row, api=api, source="config", usd_per_dbu=usd_per_dbu)
    model = replace(model, task="llm/v1/chat")
    return model if pay_per_token else unpriced(model)
