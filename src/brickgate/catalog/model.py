"""A model a workspace serves: endpoint facts + family facts + overrides, in one immutable record."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from brickgate.catalog.families import USD_PER_DBU, Api, Family

Source = Literal["foundation", "external", "custom", "config"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Model:
    id: str  # serving endpoint name: what goes in the upstream `model` field
    family: str
    api: Api
    context_window: int
    max_output_tokens: int
    supports_tools: bool
    supports_images: bool
    supports_reasoning: bool
    supports_prompt_caching: bool
    input_dbu_per_mtok: float
    output_dbu_per_mtok: float
    cache_read_dbu_per_mtok: float = 0.0
    cache_write_dbu_per_mtok: float = 0.0
    usd_per_dbu: float = USD_PER_DBU
    source: Source = "foundation"
    task: str | None = None
    state: str | None = None  # the workspace's readiness (`READY`, `NOT_READY`), as listed
    ready: bool = True
    skipped_reason: str | None = None  # why discovery would not list it (only with `all=True`)
    display_name: str | None = None
    aliases: tuple[str, ...] = ()  # more names callers may use for it (catalog/names.py reads them)
    traits: Family  # the family row: defect flags the quirks act on

    @property
    def input_usd_per_mtok(self) -> float:
        return round(self.input_dbu_per_mtok * self.usd_per_dbu, 6)

    @property
    def output_usd_per_mtok(self) -> float:
        return round(self.output_dbu_per_mtok * self.usd_per_dbu, 6)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("traits")
        d["input_usd_per_mtok"] = self.input_usd_per_mtok
        d["output_usd_per_mtok"] = self.output_usd_per_mtok
        return d
