"""From raw samples to the Markdown report: medians with their spread over repetitions, ratios measured in the
same run, and the issue's targets as pass/fail lines."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from bench.workloads import WORKLOADS

GATEWAYS = ("floor", "brickgate", "litellm")
Key = tuple[str, str, int]  # workload, target, concurrency


class Spread:
    """One metric over repetitions: median and min-max."""

    def __init__(self, values: Iterable[float]) -> None:
        self.values = [v for v in values if v is not None and not math.isnan(v)]

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    def fmt(self, digits: int = 0, scale: float = 1.0) -> str:
        if not self.values:
            return "-"
        med = f"{self.median * scale:,.{digits}f}"
        if len(self.values) < 2:
            return med
        return f"{med} ({min(self.values) * scale:,.{digits}f}-{max(self.values) * scale:,.{digits}f})"


def ratio(a: float, b: float) -> float:
    return a / b if b and not math.isnan(a) and not math.isnan(b) else float("nan")


def fmt_ratio(r: float) -> str:
    return "-" if math.isnan(r) else f"{r:.2f}x" if r < 10 else f"{r:.0f}x"


class Summary:
    def __init__(self, results: dict[str, Any]) -> None:
        self.cells: dict[Key, list[dict[str, Any]]] = defaultdict(list)
        for row in results.get("cells", []):
            self.cells[(row["workload"], row["target"], row["c"])].append(row)
        self.paired: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for row in results.get("paired", []):
            self.paired[(row["workload"], row["target"])].append(row)
        self.memory = results.get("memory", {})
        self.cli = {row["name"]: row for row in results.get("cli", [])}
        self.workloads = [w for w in WORKLOADS if any(k[0] == w.name for k in self.paired)]
        self.concurrencies = sorted({k[2] for k in self.cells})
        self.targets = [t for t in ("direct", *GATEWAYS) if any(k[1] == t for k in self.paired)]

    def metric(self, key: Key, name: str) -> Spread:
        return Spread(_dig(row, name) for row in self.cells.get(key, []))

    def paired_metric(self, workload: str, target: str, name: str) -> Spread:
        return Spread(row.get(name, float("nan")) for row in self.paired.get((workload, target), []))

    def events(self, workload: str, target: str) -> float:
        return Spread(row["events"] for row in self.paired.get((workload, target), [])).median

    def cpu_per_event(self, workload: str, target: str, c: int) -> float:
        return ratio(
            self.metric((workload, target, c), "cpu_us_per_req").median, self.events(workload, target)
        )

    def errors(self, workload: str, target: str, c: int) -> int:
        total = 0
        for row in self.cells.get((workload, target, c), []):
            total += row["throughput_errors"] + row.get("latency", {}).get("errors", 0)
        return total


def _dig(row: dict[str, Any], dotted: str) -> float:
    value: Any = row
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return float("nan")
        value = value[part]
    return float(value)


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def cpu_table(s: Summary) -> str:
    rows = []
    for w in s.workloads:
        for c in s.concurrencies:
            got = {t: s.metric((w.name, t, c), "cpu_us_per_req") for t in GATEWAYS}
            per_event = [fmt_us(s.cpu_per_event(w.name, t, c)) if w.stream else "-" for t in GATEWAYS]
            rows.append(
                [
                    f"{w.name} c={c}",
                    *(got[t].fmt() for t in GATEWAYS),
                    *per_event,
                    fmt_ratio(ratio(got["brickgate"].median, got["floor"].median)),
                    fmt_ratio(ratio(got["litellm"].median, got["brickgate"].median)),
                ]
            )
    head = ["workload", "floor µs/req", "brickgate µs/req", "litellm µs/req"]
    head += [
        "floor µs/event",
        "brickgate µs/event",
        "litellm µs/event",
        "brickgate/floor",
        "litellm/brickgate",
    ]
    return table(head, rows)


def fmt_us(v: float) -> str:
    return "-" if math.isnan(v) else f"{v:,.1f}"


def throughput_table(s: Summary) -> str:
    rows = []
    for w in s.workloads:
        for c in s.concurrencies:
            got = {t: s.metric((w.name, t, c), "rps") for t in s.targets}
            bg = got.get("brickgate", Spread([])).median
            rows.append(
                [
                    f"{w.name} c={c}",
                    *(got[t].fmt() for t in s.targets),
                    fmt_ratio(ratio(bg, got.get("direct", Spread([])).median)),
                    fmt_ratio(ratio(bg, got.get("floor", Spread([])).median)),
                    fmt_ratio(ratio(bg, got.get("litellm", Spread([])).median)),
                    str(sum(s.errors(w.name, t, c) for t in s.targets)),
                ]
            )
    head = [
        "workload",
        *(f"{t} req/s" for t in s.targets),
        "brickgate/direct",
        "brickgate/floor",
        "brickgate/litellm",
    ]
    return table([*head, "errors (all targets)"], rows)


def latency_table(s: Summary) -> str:
    rows = []
    gateways = [t for t in GATEWAYS if t in s.targets]
    for w in s.workloads:
        direct = s.paired_metric(w.name, "direct", "p50_ms")
        cells = [direct.fmt(3)]
        for t in gateways:
            p50 = s.paired_metric(w.name, t, "added_p50_ms")
            p99 = s.paired_metric(w.name, t, "added_p99_ms")
            cells.append(f"{p50.fmt(3)} / {p99.fmt(2)}")
        for t in gateways:
            cells.append(s.paired_metric(w.name, t, "added_ttft_p50_ms").fmt(3) if w.stream else "-")
        rows.append([w.name, *cells])
    head = ["workload (c=1, paired)", "direct p50 ms", *(f"{t} added p50 / p99 ms" for t in gateways)]
    return table(head + [f"{t} added TTFT p50 ms" for t in gateways], rows)


def concurrency_latency_table(s: Summary) -> str:
    rows = []
    for w in s.workloads:
        for c in [c for c in s.concurrencies if c > 1]:
            cells = []
            for t in s.targets:
                p50 = s.metric((w.name, t, c), "latency.p50_ms")
                p99 = s.metric((w.name, t, c), "latency.p99_ms")
                ttft = s.metric((w.name, t, c), "latency.ttft_p50_ms")
                cells.append(f"{p50.fmt(2)} / {p99.fmt(1)}" + (f" / {ttft.fmt(2)}" if w.stream else ""))
            rows.append([f"{w.name} c={c}", *cells])
    return table(["workload", *(f"{t} p50 / p99 (/ TTFT p50) ms" for t in s.targets)], rows)


def memory_table(s: Summary) -> str:
    rows = [[t, f"{m['rss_mb']:.0f}", f"{m['peak_rss_mb']:.0f}"] for t, m in s.memory.items()]
    return table(["process", "RSS at end MB", "peak RSS MB"], rows)


def cli_table(s: Summary) -> str:
    base = s.cli.get("python -c pass", {}).get("median_s", float("nan"))
    rows = []
    for name, row in s.cli.items():
        spread = f"{row['median_s']:.3f} ({row['min_s']:.3f}-{row['max_s']:.3f})"
        rows.append([name, spread, f"{row['median_s'] - base:+.3f}", str(row["runs"])])
    return table(["command", "wall s median (min-max)", "over python -c pass", "runs"], rows)
