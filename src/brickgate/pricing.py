"""Usage times list prices: DBU and USD, at the priority price when the answer says it was served there."""

from __future__ import annotations

from dataclasses import dataclass

from brickgate.catalog.model import Model
from brickgate.protocol import Usage

PRIORITY = "priority"  # the `service_tier` an answer reports when priority capacity served it (2026 §4.1)


@dataclass(frozen=True, slots=True)
class Cost:
    dbu: float
    usd: float

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.dbu + other.dbu, self.usd + other.usd)


ZERO = Cost(0.0, 0.0)


def token_rates(model: Model, service_tier: str | None) -> tuple[float, float]:
    """(input, output) DBU per million tokens for an answer served at ``service_tier``. A priority price the
    tables do not know falls back to the standard one (the cost is then a lower bound)."""
    if service_tier == PRIORITY:
        return (
            model.priority_input_dbu_per_mtok or model.input_dbu_per_mtok,
            model.priority_output_dbu_per_mtok or model.output_dbu_per_mtok,
        )
    return model.input_dbu_per_mtok, model.output_dbu_per_mtok


def cost_of(usage: Usage, model: Model) -> Cost:
    input_rate, output_rate = token_rates(model, usage.service_tier)
    # Cache rates fall back to the plain input rate when the table has none.
    read_rate = model.cache_read_dbu_per_mtok or model.input_dbu_per_mtok
    write_rate = model.cache_write_dbu_per_mtok or model.input_dbu_per_mtok
    dbu = (
        usage.input_tokens * input_rate
        + usage.output_tokens * output_rate
        + usage.cache_read_tokens * read_rate
        + usage.cache_write_tokens * write_rate
    ) / 1_000_000
    return Cost(dbu=dbu, usd=dbu * model.usd_per_dbu)
