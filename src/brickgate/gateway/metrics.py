"""`GET /metrics`: Prometheus text from this process's ledger totals (``ledger/live.py``).

The numbers are counted off the request path, on the ledger's thread; a scrape first waits (briefly) for
what is queued, so a request answered before the scrape is in it. With ``serve --workers`` each process
answers for itself.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from brickgate.ledger import context
from brickgate.ledger.live import TOKEN_KINDS, Histogram

if TYPE_CHECKING:
    from brickgate.ledger.gateway_usage import ServedWorkspace

SCRAPE_FLUSH_SECONDS = 1.0
_LABELS = ["model", "api", "route"]


def metrics_text(state: ServedWorkspace) -> tuple[bytes, str]:
    """The exposition body and its content type. Blocking (imports prometheus_client, waits for the
    ledger thread): run it in a worker thread."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    state.ledger.flush(SCRAPE_FLUSH_SECONDS)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collector(state))
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Collector:
    def __init__(self, state: ServedWorkspace) -> None:
        self.state = state

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

        snap = self.state.ledger.live.snapshot()
        requests = CounterMetricFamily(
            "brickgate_requests", "Inference requests answered, by status.", labels=[*_LABELS, "status"]
        )
        errors: Counter[tuple[str, ...]] = Counter()
        tokens: Counter[tuple[str, ...]] = Counter()
        usd: defaultdict[tuple[str, ...], float] = defaultdict(float)
        dbu: defaultdict[tuple[str, ...], float] = defaultdict(float)
        for (model, api, route, status), totals in snap.totals.items():
            labels = (model, api, route)
            requests.add_metric([*labels, str(status)], totals.requests)
            if totals.error_class is not None:
                errors[(model, api, route, totals.error_class)] += totals.requests
            for kind, count in zip(TOKEN_KINDS, totals.tokens, strict=True):
                tokens[(model, api, route, kind)] += count
            usd[labels] += totals.cost_usd
            dbu[labels] += totals.cost_dbu
        yield requests
        yield _counter("brickgate_request_errors", "Failed requests (2xx/3xx excluded).", "error", errors)
        yield _counter(
            "brickgate_tokens",
            f"Tokens the upstream reported, by kind ({', '.join(TOKEN_KINDS)}).",
            "kind",
            {k: v for k, v in tokens.items() if v},
        )
        yield _counter("brickgate_cost_usd", "List-price cost in US dollars.", None, usd)
        yield _counter("brickgate_cost_dbu", "Cost in DBU.", None, dbu)
        yield _histogram(
            HistogramMetricFamily(
                "brickgate_request_duration_seconds", "Time from request to the answer's end.", labels=_LABELS
            ),
            snap.latency,
        )
        yield _histogram(
            HistogramMetricFamily(
                "brickgate_time_to_first_token_seconds",
                "Time from request to the first streamed byte sent to the caller.",
                labels=_LABELS,
            ),
            snap.ttft,
        )
        retries = CounterMetricFamily("brickgate_upstream_retries", "Upstream requests retried (429, 503).")
        retries.add_metric([], context.retries_total)
        inflight = GaugeMetricFamily("brickgate_inflight_streams", "Streams being answered right now.")
        inflight.add_metric([], self.state.inflight_streams)
        pending = GaugeMetricFamily("brickgate_ledger_pending_rows", "Rows not yet in the ledger file.")
        pending.add_metric([], self.state.ledger.pending)
        dropped = CounterMetricFamily(
            "brickgate_ledger_dropped_rows", "Rows lost while the ledger file could not be written."
        )
        dropped.add_metric([], self.state.ledger.dropped)
        yield from (retries, inflight, pending, dropped)


def _counter(name: str, doc: str, extra: str | None, values: Mapping[tuple[str, ...], float]) -> Any:
    from prometheus_client.core import CounterMetricFamily

    family = CounterMetricFamily(name, doc, labels=[*_LABELS, extra] if extra else _LABELS)
    for labels, value in values.items():
        family.add_metric(labels, value)
    return family


def _histogram(family: Any, histograms: dict[tuple[str, str, str], Histogram]) -> Any:
    for labels, hist in histograms.items():
        cumulative, buckets = 0, []
        for bound, count in zip((*hist.bounds, float("inf")), hist.counts, strict=True):
            cumulative += count
            buckets.append(("+Inf" if bound == float("inf") else repr(bound), cumulative))
        family.add_metric(labels, buckets, hist.total)
    return family
