"""Usage times list prices: DBU and USD."""

from __future__ import annotations

from dataclasses import dataclass

from brickgate.catalog.model import Model
from brickgate.protocol import Usage


@dataclass(frozen=True, slots=True)
class Cost:
    dbu: float
    usd: float

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.dbu + other.dbu, self.usd + other.usd)


ZERO = Cost(0.0, 0.0)


def cost_of(usage: Usage, model: Model) -> Cost:
    # Cache rates fall back to the plain input rate when the table has none.
    read_rate = model.cache_read_dbu_per_mtok or model.input_dbu_per_mtok
    write_rate = model.cache_write_dbu_per_mtok or model.input_dbu_per_mtok
    dbu = (
        usage.input_tokens * model.input_dbu_per_mtok
        + usage.output_tokens * model.output_dbu_per_mtok
        + usage.cache_read_tokens * read_rate
        + usage.cache_write_tokens * write_rate
    ) / 1_000_000
    return Cost(dbu=dbu, usd=dbu * model.usd_per_dbu)
