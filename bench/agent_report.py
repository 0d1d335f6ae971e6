"""The agent-sized report: ratios per workload (median and min-max over repetitions) and the verdicts."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

Row = dict[str, Any]
TARGETS = ("floor", "brickgate", "litellm")


def _values(rows: list[Row], get: Callable[[Row], float | None]) -> list[float]:
    out = []
    for row in rows:
        try:
            value = get(row)
        except (KeyError, ZeroDivisionError):
            continue
        if value is not None and value == value:  # not NaN
            out.append(value)
    return out


def _cell(values: list[float], fmt: str = "{:,.0f}") -> str:
    if not values:
        return "-"
    med = fmt.format(statistics.median(values))
    return med if len(values) == 1 else f"{med} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def _cpu(name: str) -> Callable[[Row], float | None]:
    return lambda r: r[name]["cpu_us_per_req"] if r[name]["requests"] else None


Get = Callable[[Row], float | None]


def _ratio(a: Get, b: Get) -> Get:
    def get(r: Row) -> float | None:
        x, y = a(r), b(r)
        return None if x is None or y is None else x / y

    return get


def _added(name: str) -> Callable[[Row], float | None]:
    return lambda r: r["paired"][name]["added_p50_ms"]


def _extra_latency(r: Row) -> float:
    """Added latency at c=1 beyond the floor's, on the same bytes."""
    return float(r["paired"]["brickgate"]["added_p50_ms"] - r["paired"]["floor"]["added_p50_ms"])


def _latency_over_relay(r: Row) -> float | None:
    """Added latency at c=1 beyond the least relay doing the same: parsing the body (same API), or parsing
    and writing it (translated). None when the run had no parsing floors."""
    relay = "floor-rewrite" if r["translated"] else "floor-parse"
    if relay not in r["paired"]:
        return None
    return float(r["paired"]["brickgate"]["added_p50_ms"] - r["paired"][relay]["added_p50_ms"])


def _net_translation(r: Row) -> float | None:
    """What brickgate costs beyond relaying the same bytes, in orjson parse+dump units."""
    return (r["brickgate"]["cpu_us_per_req"] - r["floor"]["cpu_us_per_req"]) / r["orjson_us"]


def _rewrite_units(r: Row) -> float | None:
    """What brickgate costs beyond relaying the same bytes, in units of what parsing and writing the body
    costs a relay (floor-rewrite minus floor, in the same run): the translated target with its reference
    measured inside a server instead of a warm loop."""
    unit = r["floor-rewrite"]["cpu_us_per_req"] - r["floor"]["cpu_us_per_req"]
    return (r["brickgate"]["cpu_us_per_req"] - r["floor"]["cpu_us_per_req"]) / unit if unit > 0 else None


def _parse_latency(r: Row) -> float:
    """Added latency at c=1 of a relay that parses the body, beyond the floor's."""
    return float(r["paired"]["floor-parse"]["added_p50_ms"] - r["paired"]["floor"]["added_p50_ms"])


def _parse_cpu_ms(r: Row) -> float:
    return float(r["floor-parse"]["cpu_us_per_req"] - r["floor"]["cpu_us_per_req"]) / 1000


def by_workload(results: dict[str, Any]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in results["cells"]:
        grouped.setdefault(row["workload"], []).append(row)
    return grouped


def cpu_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| workload | body KB | orjson µs | floor µs/req | brickgate µs/req | litellm µs/req "
        "| brickgate/floor | brickgate/orjson | (brickgate-floor)/orjson | litellm/brickgate CPU "
        "| brickgate/litellm req/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, rows in by_workload(results).items():
        has_litellm = "litellm" in rows[0]
        cells = [
            name,
            f"{rows[0]['bytes'] / 1000:,.0f}",
            _cell(_values(rows, lambda r: r["orjson_us"])),
            *(_cell(_values(rows, _cpu(t))) if t in rows[0] else "-" for t in TARGETS),
            _cell(_values(rows, _ratio(_cpu("brickgate"), _cpu("floor"))), "{:.2f}"),
            _cell(_values(rows, _ratio(_cpu("brickgate"), lambda r: r["orjson_us"])), "{:.1f}"),
            _cell(_values(rows, _net_translation), "{:.1f}"),
            _cell(_values(rows, _ratio(_cpu("litellm"), _cpu("brickgate"))), "{:.0f}")
            if has_litellm
            else "-",
            _cell(_values(rows, lambda r: r["brickgate"]["rps"] / r["litellm"]["rps"]), "{:.0f}")
            if has_litellm
            else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def bounds_table(results: dict[str, Any]) -> list[str]:
    """The least a relay must do with a body, measured as relays in the same run: floor-parse reads it
    (as any relay that checks its input or routes on its model must), floor-rewrite reads and writes it
    (the least a translation does)."""
    lines = [
        "| workload | floor µs/req | floor-parse µs/req | floor-rewrite µs/req | brickgate µs/req "
        "| floor-parse/floor | brickgate/floor-parse | brickgate/floor-rewrite "
        "| (brickgate-floor)/(rewrite-floor) | parse added p50 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, rows in by_workload(results).items():
        if "floor-parse" not in rows[0]:
            return []
        cells = [
            name,
            *(_cell(_values(rows, _cpu(t))) for t in ("floor", "floor-parse", "floor-rewrite", "brickgate")),
            _cell(_values(rows, _ratio(_cpu("floor-parse"), _cpu("floor"))), "{:.2f}"),
            _cell(_values(rows, _ratio(_cpu("brickgate"), _cpu("floor-parse"))), "{:.2f}"),
            _cell(_values(rows, _ratio(_cpu("brickgate"), _cpu("floor-rewrite"))), "{:.2f}"),
            _cell(_values(rows, _rewrite_units), "{:.1f}"),
            _cell(_values(rows, _parse_latency), "{:.2f}"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def latency_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| workload | direct p50 ms | floor added p50 ms | brickgate added p50 ms | brickgate - floor ms "
        "| brickgate - floor-parse (same API) or floor-rewrite (translated) ms | litellm added p50 ms "
        "| errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, rows in by_workload(results).items():
        errors = sum(v["errors"] for r in rows for v in r["paired"].values())
        errors += sum(r[t]["errors"] for r in rows for t in TARGETS if t in r)
        extra = _values(rows, _extra_latency)
        has_litellm = "litellm" in rows[0]["paired"]
        litellm = _cell(_values(rows, _added("litellm")), "{:.1f}") if has_litellm else "-"
        lines.append(
            f"| {name} | {_cell(_values(rows, lambda r: r['paired']['direct'].get('p50_ms')), '{:.2f}')} "
            f"| {_cell(_values(rows, _added('floor')), '{:.2f}')} "
            f"| {_cell(_values(rows, _added('brickgate')), '{:.2f}')} | {_cell(extra, '{:.2f}')} "
            f"| {_cell(_values(rows, _latency_over_relay), '{:.2f}')} | {litellm} "
            f"| {errors} |"
        )
    return lines


def verdicts(results: dict[str, Any]) -> list[str]:
    """Worst workload per target (medians over repetitions), 200 KB bodies for the CPU ratios."""
    groups = by_workload(results)

    def medians(keep: Callable[[str, list[Row]], bool], get: Get) -> list[tuple[float, str]]:
        return [
            (statistics.median(v), name)
            for name, rows in groups.items()
            if keep(name, rows) and (v := _values(rows, get))
        ]

    def worst(keep: Callable[[str, list[Row]], bool], get: Get) -> tuple[float, str]:
        return max(medians(keep, get), default=(float("nan"), "-"))

    def best(keep: Callable[[str, list[Row]], bool], get: Get) -> tuple[float, str]:
        return min(medians(keep, get), default=(float("nan"), "-"))

    def at_200(translated: bool) -> Callable[[str, list[Row]], bool]:
        return lambda n, rows: rows[0]["translated"] == translated and n.endswith("-200k")

    def litellm(_: str, rows: list[Row]) -> bool:
        return "litellm" in rows[0]

    def orjson(r: Row) -> float:
        return float(r["orjson_us"])

    def throughput(r: Row) -> float:
        return float(r["brickgate"]["rps"] / r["litellm"]["rps"])

    same, translated = at_200(False), at_200(True)
    every_200k = lambda n, r: n.endswith("-200k")  # noqa: E731
    every = lambda n, r: True  # noqa: E731
    checks: list[tuple[str, tuple[float, str], str, Callable[[float], bool] | None]] = [
        ("CPU per 200 KB request, same API, brickgate/floor",
         worst(same, _ratio(_cpu("brickgate"), _cpu("floor"))), "≤ 1.5", lambda v: v <= 1.5),
        ("CPU per 200 KB request, translated, (brickgate-floor)/orjson parse+dump",
         worst(translated, _net_translation), "≤ 3", lambda v: v <= 3),
        ("CPU per 200 KB request, translated, (brickgate-floor)/(floor-rewrite - floor)",
         worst(translated, _rewrite_units), "≤ 3", lambda v: v <= 3),
        ("(bound) CPU per 200 KB request, same API, floor-parse/floor: the least of a relay that reads "
         "the body", best(same, _ratio(_cpu("floor-parse"), _cpu("floor"))), "-", None),
        ("(reference) CPU per 200 KB request, same API, brickgate/floor-parse",
         worst(same, _ratio(_cpu("brickgate"), _cpu("floor-parse"))), "-", None),
        ("(reference) CPU per 200 KB request, translated, brickgate/orjson",
         worst(translated, _ratio(_cpu("brickgate"), orjson)), "-", None),
        ("(reference) floor/orjson on the same bytes",
         worst(every_200k, _ratio(_cpu("floor"), orjson)), "-", None),
        ("added latency p50 at c=1, brickgate - floor (ms)",
         worst(every, _extra_latency), "≤ 0.5 ms", lambda v: v <= 0.5),
        ("(bound) CPU of reading a 200 KB body, floor-parse - floor (ms): paid before the first "
         "upstream byte, so added latency at c=1", best(every_200k, _parse_cpu_ms), "-", None),
        ("(reference) added latency p50 at c=1 beyond the relay that parses (same API) or parses and "
         "writes (translated) the same body (ms)", worst(every, _latency_over_relay), "-", None),
        ("CPU per request, litellm/brickgate",
         best(litellm, _ratio(_cpu("litellm"), _cpu("brickgate"))), "≥ 10x", lambda v: v >= 10),
        ("throughput at c=4, brickgate/litellm", best(litellm, throughput), "≥ 5x", lambda v: v >= 5),
    ]  # fmt: skip
    lines = ["| target | worst measured | where | limit | verdict |", "|---|---:|---|---:|---:|"]
    for label, (value, where), limit, ok in checks:
        if ok is None or value != value:
            verdict = "reference" if ok is None else "-"
        else:
            verdict = "pass" if ok(value) else "**MISS**"
        lines.append(f"| {label} | {value:.2f} | {where} | {limit} | {verdict} |")
    errors = sum(
        r[t]["errors"]
        for rows in groups.values()
        for r in rows
        for t in ("floor", "floor-parse", "floor-rewrite", "brickgate")
        if t in r
    )
    verdict = "pass" if not errors else "**MISS**"
    lines.append(f"| errors (floors, brickgate) | {errors} | all | 0 | {verdict} |")
    return lines


def before_after_table(results: dict[str, Any]) -> list[str]:
    """With ``--before``: the same gateway from another checkout, measured in the same run."""
    groups = by_workload(results)
    if not any("before" in rows[0] for rows in groups.values()):
        return []
    lines = [
        "",
        "### Before → after (same run; `before` is the other checkout)",
        "",
        "| workload | before µs/req | after µs/req | before/floor | after/floor | after/before "
        "| before added p50 ms | after added p50 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, rows in groups.items():
        lines.append(
            f"| {name} | {_cell(_values(rows, _cpu('before')))} | {_cell(_values(rows, _cpu('brickgate')))} "
            f"| {_cell(_values(rows, _ratio(_cpu('before'), _cpu('floor'))), '{:.2f}')} "
            f"| {_cell(_values(rows, _ratio(_cpu('brickgate'), _cpu('floor'))), '{:.2f}')} "
            f"| {_cell(_values(rows, _ratio(_cpu('brickgate'), _cpu('before'))), '{:.2f}')} "
            f"| {_cell(_values(rows, _added('before')), '{:.2f}')} "
            f"| {_cell(_values(rows, _added('brickgate')), '{:.2f}')} |"
        )
    return lines


def render(results: dict[str, Any]) -> str:
    reps = max((r["rep"] for r in results["cells"]), default=0) + 1
    memory = ", ".join(f"{k} {v['peak_mb']:.0f} MB" for k, v in results.get("memory", {}).items())
    return "\n".join(
        [
            f"Agent-sized requests: {reps} repetition(s), median (min-max). Peak RSS: {memory}.",
            "",
            "### Verdicts",
            "",
            *verdicts(results),
            "",
            "### CPU per request at c=4 and throughput",
            "",
            *cpu_table(results),
            "",
            "### Bounds: the floor relay reading the body, and reading and writing it",
            "",
            *bounds_table(results),
            "",
            "### Added latency at c=1 (paired rounds against direct)",
            "",
            *latency_table(results),
            *before_after_table(results),
        ]
    )
