"""`GET /metrics`: Prometheus text from this process's ledger totals (``ledger/live.py``).

The numbers are counted off the request path, on the ledger's thread; a scrape first waits (briefly) for
what is queued, so a request answered before the scrape is in it. With ``serve --workers`` each process
answers for itself.
"""

from __future__ import annotations

from collections.abc import Iterator
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
        for labels, count in snap.requests.items():
            requests.add_metric(labels, count)
        errors = CounterMetricFamily(
            "brickgate_request_errors", "Failed requests (2xx/3xx excluded).", labels=[*_LABELS, "error"]
        )
        for labels, count in snap.errors.items():
            errors.add_metric(labels, count)
        tokens = CounterMetricFamily(
            "brickgate_tokens",
            f"Tokens the upstream reported, by kind ({', '.join(TOKEN_KINDS)}).",
            labels=[*_LABELS, "kind"],
        )
        for labels, count in snap.tokens.items():
            tokens.add_metric(labels, count)
        usd = CounterMetricFamily("brickgate_cost_usd", "List-price cost in US dollars.", labels=_LABELS)
        dbu = CounterMetricFamily("brickgate_cost_dbu", "Cost in DBU.", labels=_LABELS)
        for model_labels, value in snap.cost_usd.items():
            usd.add_metric(model_labels, value)
            dbu.add_metric(model_labels, snap.cost_dbu.get(model_labels, 0.0))
        yield from (requests, errors, tokens, usd, dbu)
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


def _histogram(family: Any, histograms: dict[tuple[str, str, str], Histogram]) -> Any:
    for labels, hist in histograms.items():
        cumulative, buckets = 0, []
        for bound, count in zip((*hist.bounds, float("inf")), hist.counts, strict=True):
            cumulative += count
            buckets.append(("+Inf" if bound == float("inf") else repr(bound), cumulative))
        family.add_metric(labels, buckets, hist.total)
    return family
