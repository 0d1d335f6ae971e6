"""Running totals of this process's rows, for /metrics: plain counters fed in batches on the ledger's
thread (one dict lookup per row), so a request pays nothing for them. Rendered as Prometheus text by
``gateway/metrics.py``."""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field

from brickgate.ledger.rows import UsageRow

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
TTFT_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
TOKEN_KINDS = ("input", "output", "cache_read", "cache_write", "reasoning")
Labels = tuple[str, str, str]  # model, api, route


@dataclass
class Histogram:
    bounds: tuple[float, ...]
    counts: list[int] = field(default_factory=list)  # per bucket, not cumulative; the last is +Inf
    total: float = 0.0

    def __post_init__(self) -> None:
        self.counts = [0] * (len(self.bounds) + 1)

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.bounds, value)] += 1
        self.total += value

    def copy(self) -> Histogram:
        twin = Histogram(self.bounds)
        twin.counts, twin.total = list(self.counts), self.total
        return twin


@dataclass
class Totals:
    """Everything counted for one (model, api, route, status)."""

    requests: int = 0
    error_class: str | None = None
    tokens: list[int] = field(default_factory=lambda: [0] * len(TOKEN_KINDS))
    cost_usd: float = 0.0
    cost_dbu: float = 0.0

    def copy(self) -> Totals:
        return Totals(self.requests, self.error_class, list(self.tokens), self.cost_usd, self.cost_dbu)


@dataclass
class Snapshot:
    totals: dict[tuple[str, str, str, int], Totals]  # model, api, route, status
    latency: dict[Labels, Histogram]
    ttft: dict[Labels, Histogram]


class LiveTotals:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._totals: dict[tuple[str, str, str, int], Totals] = {}
        self._latency: dict[Labels, Histogram] = {}
        self._ttft: dict[Labels, Histogram] = {}

    def observe(self, rows: list[UsageRow]) -> None:
        with self._lock:
            for row in rows:
                self._observe(row)

    def _observe(self, row: UsageRow) -> None:
        labels = (row.model or "-", row.api or "-", row.route or "-")
        key = (*labels, row.status)
        totals = self._totals.get(key)
        if totals is None:
            totals = self._totals[key] = Totals(error_class=row.error_class)
        totals.requests += 1
        tokens = totals.tokens
        tokens[0] += row.input_tokens
        tokens[1] += row.output_tokens
        tokens[2] += row.cache_read_tokens
        tokens[3] += row.cache_write_tokens
        tokens[4] += row.reasoning_tokens
        totals.cost_usd += row.cost_usd
        totals.cost_dbu += row.cost_dbu
        latency = self._latency.get(labels)
        if latency is None:
            latency = self._latency[labels] = Histogram(LATENCY_BUCKETS)
        latency.observe(row.latency_ms / 1000)
        if row.ttft_ms is not None:
            ttft = self._ttft.get(labels)
            if ttft is None:
                ttft = self._ttft[labels] = Histogram(TTFT_BUCKETS)
            ttft.observe(row.ttft_ms / 1000)

    def snapshot(self) -> Snapshot:
        with self._lock:
            return Snapshot(
                totals={k: t.copy() for k, t in self._totals.items()},
                latency={k: h.copy() for k, h in self._latency.items()},
                ttft={k: h.copy() for k, h in self._ttft.items()},
            )
