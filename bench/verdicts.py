"""The issue's speed targets, each checked on this run's own measurements (worst case over workloads and
concurrencies). A benchmark prints these; the test suite never asserts on timings."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bench.report import Summary, ratio, table


@dataclass(frozen=True, slots=True)
class Verdict:
    target: str
    worst: float
    where: str
    limit: str
    passed: bool | None  # None: not measured in this run
    reference: bool = False  # context for another line, not a target

    def row(self) -> list[str]:
        mark = {True: "pass", False: "**MISS**", None: "not measured"}[self.passed]
        if self.reference and self.passed is not None:
            mark = "reference"
        value = "-" if math.isnan(self.worst) else f"{self.worst:,.3g}"
        return [self.target, value, self.where, self.limit, mark]


def worst(
    target: str,
    limit: str,
    cases: Iterable[tuple[str, float]],
    ok: Callable[[float], bool],
    higher_is_worse: bool,
    *,
    reference: bool = False,
) -> Verdict:
    measured = [(where, v) for where, v in cases if not math.isnan(v)]
    if not measured:
        return Verdict(target, float("nan"), "", limit, None, reference)
    where, value = (max if higher_is_worse else min)(measured, key=lambda item: item[1])
    return Verdict(target, value, where, limit, all(ok(v) for _, v in measured), reference)


def verdicts(s: Summary) -> list[Verdict]:
    streams = [w for w in s.workloads if w.stream]
    same_api = [w for w in streams if not w.translated]
    translated = [w for w in streams if w.translated]
    conc = s.concurrencies

    def cpu(w: str, t: str, c: int) -> float:
        return s.metric((w, t, c), "cpu_us_per_req").median

    def rps(w: str, t: str, c: int) -> float:
        return s.metric((w, t, c), "rps").median

    def added(w: str, t: str, c: int) -> float:
        if c == 1:
            return s.paired_metric(w, t, "added_p50_ms").median
        return (
            s.metric((w, t, c), "latency.p50_ms").median - s.metric((w, "direct", c), "latency.p50_ms").median
        )

    out = [
        worst(
            "brickgate added latency p50 at c=1 (ms)",
            "≤ 1 ms",
            ((w.name, s.paired_metric(w.name, "brickgate", "added_p50_ms").median) for w in s.workloads),
            lambda v: v <= 1.0,
            True,
        ),
        worst(
            "(reference) floor relay added latency p50 at c=1 (ms)",
            "-",
            ((w.name, s.paired_metric(w.name, "floor", "added_p50_ms").median) for w in s.workloads),
            lambda v: True,
            True,
            reference=True,
        ),
        worst(
            "CPU per non-streaming request, brickgate/floor",
            "≤ 2x",
            (
                (f"{w.name} c={c}", ratio(cpu(w.name, "brickgate", c), cpu(w.name, "floor", c)))
                for w in s.workloads
                if not w.stream
                for c in conc
            ),
            lambda v: v <= 2.0,
            True,
        ),
        worst(
            "CPU per delivered SSE event, same API, brickgate/floor",
            "≤ 2x",
            (
                (
                    f"{w.name} c={c}",
                    ratio(s.cpu_per_event(w.name, "brickgate", c), s.cpu_per_event(w.name, "floor", c)),
                )
                for w in same_api
                for c in conc
            ),
            lambda v: v <= 2.0,
            True,
        ),
        worst(
            "CPU per delivered SSE event, translated, brickgate/floor (floor on the same upstream stream)",
            "≤ 3x",
            (
                (
                    f"{w.name} c={c}",
                    ratio(s.cpu_per_event(w.name, "brickgate", c), _floor_event(s, w.upstream, w.events, c)),
                )
                for w in translated
                for c in conc
            ),
            lambda v: v <= 3.0,
            True,
        ),
        worst(
            "streaming throughput, brickgate/direct",
            "≥ 0.5",
            (
                (f"{w.name} c={c}", ratio(rps(w.name, "brickgate", c), rps(w.name, "direct", c)))
                for w in streams
                for c in conc
                if c > 1
            ),
            lambda v: v >= 0.5,
            False,
        ),
        worst(
            "(reference) streaming throughput, floor/direct: the ceiling for any Python relay on one core",
            "-",
            (
                (f"{w.name} c={c}", ratio(rps(w.name, "floor", c), rps(w.name, "direct", c)))
                for w in same_api
                for c in conc
                if c > 1
            ),
            lambda v: True,
            False,
            reference=True,
        ),
        worst(
            "CPU per request, litellm/brickgate",
            "≥ 10x",
            (
                (f"{w.name} c={c}", ratio(cpu(w.name, "litellm", c), cpu(w.name, "brickgate", c)))
                for w in s.workloads
                for c in conc
            ),
            lambda v: v >= 10,
            False,
        ),
        worst(
            "throughput, brickgate/litellm",
            "≥ 5x",
            (
                (f"{w.name} c={c}", ratio(rps(w.name, "brickgate", c), rps(w.name, "litellm", c)))
                for w in s.workloads
                for c in conc
            ),
            lambda v: v >= 5,
            False,
        ),
        worst(
            "added latency p50, brickgate/litellm",
            "≤ 0.2",
            (
                (
                    f"{w.name} c={c}",
                    _latency_share(added(w.name, "brickgate", c), added(w.name, "litellm", c)),
                )
                for w in s.workloads
                for c in conc
            ),
            lambda v: v <= 0.2,
            True,
        ),
        worst(
            "errors with 256 concurrent streams (brickgate)",
            "0",
            ((w.name, float(s.errors(w.name, "brickgate", 256))) for w in streams if 256 in conc),
            lambda v: v == 0,
            True,
        ),
    ]
    mem = s.memory.get("brickgate")
    out.append(
        worst(
            "brickgate peak RSS (MB)",
            "≤ 100 MB",
            [("whole run", mem["peak_rss_mb"] if mem else float("nan"))],
            lambda v: v <= 100,
            True,
        )
    )
    for name, limit in (("brickgate --help", 0.3), ("brickgate models (warm cache)", 0.5)):
        row = s.cli.get(name)
        value = row["median_s"] if row else float("nan")
        out.append(worst(f"{name} wall (s)", f"≤ {limit} s", [("median", value)], at_most(limit), True))
    return out


def at_most(limit: float) -> Callable[[float], bool]:
    return lambda v: v <= limit


def _floor_event(s: Summary, upstream: str, events: int, c: int) -> float:
    """The floor's per-event CPU on the same-API workload whose upstream stream is the same."""
    for w in s.workloads:
        if not w.translated and w.upstream == upstream and w.stream and w.events == events:
            return s.cpu_per_event(w.name, "floor", c)
    return float("nan")


def _latency_share(ours: float, theirs: float) -> float:
    """Our added latency as a share of LiteLLM's; an added latency at or below zero counts as zero."""
    return ratio(max(ours, 0.0), theirs) if theirs > 0 else float("nan")


def verdict_table(items: list[Verdict]) -> str:
    return table(["target", "worst measured", "where", "limit", "verdict"], [v.row() for v in items])
