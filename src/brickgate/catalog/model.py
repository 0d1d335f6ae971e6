"""A model a workspace serves: its family's profile, the endpoint's facts and the user's overrides, in one
immutable record that routing and the quirks read (catalog/overrides.py applies config to it)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

from brickgate.catalog.families import DEFECT_FIELDS, USD_PER_DBU, Profile
from brickgate.routing import SURFACES, Surface

Source = Literal["foundation", "external", "custom", "config"]
# Where `api` came from: the workspace's api_types, the family row (nothing declared), or config.toml.
ApiSource = Literal["declared", "family", "config"]
# Where the prices came from: the listing's price fields, the family row, config.toml, or nowhere.
PriceSource = Literal["listing", "table", "config", "none"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Model(Profile):
    id: str  # serving endpoint name: what goes in the upstream `model` field
    family: str
    input_dbu_per_mtok: float
    output_dbu_per_mtok: float
    cache_read_dbu_per_mtok: float = 0.0
    cache_write_dbu_per_mtok: float = 0.0
    # priority-tier prices (2026 §4.1), charged when an answer says it was served at priority; 0 = unknown
    # (the standard price is charged then)
    priority_input_dbu_per_mtok: float = 0.0
    priority_output_dbu_per_mtok: float = 0.0
    usd_per_dbu: float = USD_PER_DBU
    source: Source = "foundation"
    task: str | None = None
    state: str | None = None  # the workspace's readiness (`READY`, `NOT_READY`), as listed
    ready: bool = True
    skipped_reason: str | None = None  # why discovery would not list it (only with `all=True`)
    display_name: str | None = None
    aliases: tuple[str, ...] = ()  # more names callers may use for it (catalog/names.py reads them)
    api_types: tuple[str, ...] = ()  # the inference APIs the workspace declares (empty: none declared)
    api_source: ApiSource = "family"
    price_source: PriceSource = "table"
    uc_name: str | None = None  # its Unity Catalog name (`system.ai.x`), known on the AI Gateway only
    serving_endpoint: bool = True  # False: `id` is no serving endpoint (Unity Catalog only, research §1.1)
    retires: str | None = None  # ISO date Databricks retires it (research §1.6), and what replaces it
    successor: str | None = None
    service_tier: str | None = None  # sent when a request names none (config.toml; "priority" costs more)

    @property
    def input_usd_per_mtok(self) -> float:
        return round(self.input_dbu_per_mtok * self.usd_per_dbu, 6)

    @property
    def output_usd_per_mtok(self) -> float:
        return round(self.output_dbu_per_mtok * self.usd_per_dbu, 6)

    def spellings(self) -> tuple[tuple[str, tuple[Surface, ...]], ...]:
        """Every name the workspace answers to for this model, with the surfaces each works on: a serving
        endpoint's name on both (external and custom endpoints: the classic surface only), a Unity Catalog
        name on the AI Gateway only (research §1.1)."""
        own: tuple[Surface, ...] = ("ai-gateway",)
        if self.serving_endpoint:
            own = SURFACES if self.source == "foundation" else ("serving-endpoints",)
        names = [(self.id, own)]
        if self.uc_name is not None and self.uc_name != self.id:
            names.append((self.uc_name, ("ai-gateway",)))
        return tuple(names)

    def to_json(self) -> dict[str, Any]:
        """Identity, API, limits, capabilities and prices (the defect flags are brickgate's business)."""
        d = {f.name: getattr(self, f.name) for f in _JSON_FIELDS}
        d["input_usd_per_mtok"] = self.input_usd_per_mtok
        d["output_usd_per_mtok"] = self.output_usd_per_mtok
        return d


_JSON_FIELDS = sorted(
    (f for f in fields(Model) if f.name not in DEFECT_FIELDS),
    key=lambda f: f.name not in ("id", "family"),  # identity first, then the declaration order
)
