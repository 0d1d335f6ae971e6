"""Running totals of this process's rows, for /metrics: plain counters fed in batches on the ledger's
thread, so a request pays nothing for them. Rendered as Prometheus text by ``gateway/metrics.py``."""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict
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
class Snapshot:
    requests: dict[tuple[str, str, str, str], int]  # + status
    errors: dict[tuple[str, str, str, str], int]  # + error class
    tokens: dict[tuple[str, str, str, str], int]  # + kind
    cost_usd: dict[Labels, float]
    cost_dbu: dict[Labels, float]
    latency: dict[Labels, Histogram]
    ttft: dict[Labels, Histogram]


class LiveTotals:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: defaultdict[tuple[str, str, str, str], int] = defaultdict(int)
        self._errors: defaultdict[tuple[str, str, str, str], int] = defaultdict(int)
        self._tokens: defaultdict[tuple[str, str, str, str], int] = defaultdict(int)
        self._usd: defaultdict[Labels, float] = defaultdict(float)
        self._dbu: defaultdict[Labels, float] = defaultdict(float)
        self._latency: dict[Labels, Histogram] = {}
        self._ttft: dict[Labels, Histogram] = {}

    def observe(self, rows: list[UsageRow]) -> None:
        with self._lock:
            for row in rows:
                self._observe(row)

    def _observe(self, row: UsageRow) -> None:
        model, api, route = labels = (row.model or "-", row.api or "-", row.route or "-")
        self._requests[(model, api, route, str(row.status))] += 1
        if row.error_class is not None:
            self._errors[(model, api, route, row.error_class)] += 1
        counts = (
            row.input_tokens,
            row.output_tokens,
            row.cache_read_tokens,
            row.cache_write_tokens,
            row.reasoning_tokens,
        )
        for kind, count in zip(TOKEN_KINDS, counts, strict=True):
            if count:
                self._tokens[(model, api, route, kind)] += count
        self._usd[labels] += row.cost_usd
        self._dbu[labels] += row.cost_dbu
        latency = self._latency.get(labels) or self._latency.setdefault(labels, Histogram(LATENCY_BUCKETS))
        latency.observe(row.latency_ms / 1000)
        if row.ttft_ms is not None:
            ttft = self._ttft.get(labels) or self._ttft.setdefault(labels, Histogram(TTFT_BUCKETS))
            ttft.observe(row.ttft_ms / 1000)

    def snapshot(self) -> Snapshot:
        with self._lock:
            return Snapshot(
                requests=dict(self._requests),
                errors=dict(self._errors),
                tokens=dict(self._tokens),
                cost_usd=dict(self._usd),
                cost_dbu=dict(self._dbu),
                latency={k: h.copy() for k, h in self._latency.items()},
                ttft={k: h.copy() for k, h in self._ttft.items()},
            )
