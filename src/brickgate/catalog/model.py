"""A model a workspace serves: its family's profile, the endpoint's facts and the user's overrides, in one
immutable record that routing and the quirks read (catalog/overrides.py applies config to it)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

from brickgate.catalog.families import DEFECT_FIELDS, USD_PER_DBU, Profile

Source = Literal["foundation", "external", "custom", "config"]


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
    service_tier: str | None = None  # sent when a request names none (config.toml; "priority" costs more)

    @property
    def input_usd_per_mtok(self) -> float:
        return round(self.input_dbu_per_mtok * self.usd_per_dbu, 6)

    @property
    def output_usd_per_mtok(self) -> float:
        return round(self.output_dbu_per_mtok * self.usd_per_dbu, 6)

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
