"""The dashboard's HTML, rendered on the server from the ledger: totals, spend per day and per model (SVG
bar charts), the error breakdown, the newest requests, the models with their routes and prices, health.

Each section is a fragment with an id; the page's script swaps fresh fragments in (``/ui/live``), so
there is one renderer. Everything dynamic is escaped; no inline script or style (the CSP forbids them).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from brickgate import __version__
from brickgate.catalog.model import Model
from brickgate.ledger.query import Report, Summary, ms_text, usd
from brickgate.ledger.rows import is_error
from brickgate.routing import upstream_api
from brickgate.wire.contract import Api

INBOUND_APIS: tuple[Api, ...] = ("chat", "responses", "messages", "gemini")
RANGES = ("24h", "7d", "30d", "90d")


@dataclass(frozen=True, slots=True)
class Health:
    host: str | None
    started: float
    inflight_streams: int
    ledger_trouble: str | None
    pending_rows: int
    dropped_rows: int


@dataclass(frozen=True, slots=True)
class PageData:
    since_text: str
    report: Report
    recent: list[dict[str, Any]]
    errors: list[tuple[int, str, str, int]]
    last_id: int
    health: Health


def sections(data: PageData) -> dict[str, str]:
    """The live parts of the page, by element id."""
    return {
        "health": health_html(data.health),
        "totals": totals_html(data.report.totals),
        "daily": daily_chart(data.report.daily),
        "by-model": model_chart(data.report.groups),
        "errors": errors_html(data.errors),
        "recent": recent_html(data.recent),
    }


def page(data: PageData, models: list[Model]) -> str:
    parts = sections(data)
    ranges = " ".join(
        f'<a href="/ui?since={r}"{" class=current" if r == data.since_text else ""}>{r}</a>' for r in RANGES
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>brickgate gateway</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><link rel="stylesheet" href="/ui/assets/dashboard.css">
<script src="/ui/assets/dashboard.js" defer></script></head>
<body><main id="dashboard" data-since="{escape(data.since_text)}" data-last-id="{data.last_id}">
<header><h1>brickgate gateway <small>{escape(__version__)}</small></h1>
<nav>since {ranges} <span id="live-state">live</span></nav></header>
<section id="health" class="health">{parts["health"]}</section>
<section id="totals" class="cards">{parts["totals"]}</section>
<div class="charts">
<section><h2>Spend per day</h2><div id="daily">{parts["daily"]}</div></section>
<section><h2>Spend per model</h2><div id="by-model">{parts["by-model"]}</div></section>
</div>
<section><h2>Errors</h2><div id="errors">{parts["errors"]}</div></section>
<section><h2>Latest requests</h2><div id="recent">{parts["recent"]}</div></section>
<section><h2>Models</h2>{models_html(models)}</section>
</main></body></html>"""


def login_page(message: str = "") -> str:
    note = f'<p class="error">{escape(message)}</p>' if message else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>brickgate gateway: sign in</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/ui/assets/dashboard.css">
<script src="/ui/assets/dashboard.js" defer></script></head>
<body><main id="login"><h1>brickgate gateway</h1>
<p>This gateway was started with <code>--api-key</code>. Enter that key to see its dashboard.</p>{note}
<form method="post" action="/ui/login"><input type="password" name="key" autocomplete="current-password"
 placeholder="gateway key" required autofocus><button type="submit">Sign in</button></form>
</main></body></html>"""


def health_html(h: Health) -> str:
    uptime = _duration(time.time() - h.started)
    ledger = (
        f'<span class="bad">ledger: {escape(h.ledger_trouble)}</span>'
        if h.ledger_trouble
        else '<span class="ok">ledger: recording</span>'
    )
    extra = f", {h.dropped_rows:,} rows lost" if h.dropped_rows else ""
    return (
        f'<span class="ok">serving</span> <span>{escape(h.host or "workspace unknown")}</span> '
        f"<span>up {uptime}</span> <span>{h.inflight_streams} streams in flight</span> "
        f"{ledger} <span>{h.pending_rows:,} rows pending{extra}</span>"
    )


def totals_html(t: Summary) -> str:
    input_tokens = t.input_tokens + t.cache_read_tokens + t.cache_write_tokens
    cards = (  # (label, shown, exact value for machines)
        ("requests", f"{t.requests:,}", t.requests),
        ("input tokens", f"{input_tokens:,}", input_tokens),
        ("output tokens", f"{t.output_tokens:,}", t.output_tokens),
        ("spend", usd(t.cost_usd), t.cost_usd),
        ("p50 / p95", f"{ms_text(t.p50_ms)} / {ms_text(t.p95_ms)}", t.p95_ms),
        ("error rate", f"{t.error_rate:.1%}", t.error_rate),
    )
    return "".join(
        f'<div class="card" data-total="{name}" data-value="{exact}"><b>{shown}</b><span>{name}</span></div>'
        for name, shown, exact in cards
    )


def daily_chart(daily: Sequence[tuple[str, float]], width: int = 560, height: int = 160) -> str:
    """Vertical bars, one per day; each bar carries its day and dollars as data attributes."""
    if not daily:
        return '<p class="empty">No days in range.</p>'
    most = max(v for _, v in daily)
    top = most or 1.0
    slot = width / len(daily)
    bars = []
    for i, (day, value) in enumerate(daily):
        h = value / top * (height - 20)
        bars.append(
            f'<rect class="bar" x="{i * slot + 1:.1f}" y="{height - 16 - h:.1f}" '
            f'width="{max(slot - 2, 1):.1f}" height="{h:.1f}" data-day="{day}" data-usd="{value:.8f}">'
            f"<title>{day}: {usd(value)}</title></rect>"
        )
    labels = (
        f'<text x="0" y="{height - 2}">{daily[0][0]}</text>'
        f'<text x="{width}" y="{height - 2}" text-anchor="end">{daily[-1][0]}</text>'
        f'<text x="0" y="10">max {usd(most)}/day</text>'
    )
    return _svg(width, height, "spend per day", "".join(bars) + labels)


def model_chart(groups: Sequence[Summary], width: int = 560, row: int = 22) -> str:
    """Horizontal bars, one per model, most expensive first."""
    shown = [g for g in groups if g.requests][:12]
    if not shown:
        return '<p class="empty">No requests in range.</p>'
    top = max(g.cost_usd for g in shown) or 1.0
    label_w, value_w = 250, 90
    bar_w = width - label_w - value_w
    rows = []
    for i, g in enumerate(shown):
        y = i * row
        w = g.cost_usd / top * bar_w
        rows.append(
            f'<text x="0" y="{y + 15}">{escape(_clip(g.key, 34))}</text>'
            f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row - 8}"'
            f' data-model="{escape(g.key)}" data-usd="{g.cost_usd:.8f}" data-requests="{g.requests}">'
            f"<title>{escape(g.key)}: {usd(g.cost_usd)}, {g.requests:,} requests</title></rect>"
            f'<text x="{width}" y="{y + 15}" text-anchor="end">{usd(g.cost_usd)}</text>'
        )
    return _svg(width, len(shown) * row, "spend per model", "".join(rows))


def errors_html(errors: list[tuple[int, str, str, int]]) -> str:
    if not errors:
        return '<p class="empty">No errors in range.</p>'
    return _table(
        ("status", "error", "model", "requests"),
        [(str(s), escape(c), escape(m), f"{n:,}") for s, c, m, n in errors],
        numeric={3},
    )


def recent_html(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return '<p class="empty">No requests recorded yet.</p>'
    body = []
    for r in rows:
        when = dt.datetime.fromtimestamp(r["ts"]).strftime("%m-%d %H:%M:%S")
        route = f"{r['api'] or '-'}→{r['upstream_api'] or '-'}" + (f" ({r['route']})" if r["route"] else "")
        tokens_in = r["input_tokens"] + r["cache_read_tokens"] + r["cache_write_tokens"]
        tokens = f"{tokens_in:,} / {r['output_tokens']:,}"
        status = f'<span class="{"bad" if is_error(r["status"]) else "ok"}">{r["status"]}</span>'
        body.append(
            (
                when,
                escape(r["agent"] or "-"),
                escape(r["model"] or "-"),
                escape(route),
                status,
                tokens,
                usd(r["cost_usd"]),
                ms_text(r["latency_ms"]),
                ms_text(r["ttft_ms"]),
            )
        )
    headers = ("time", "agent", "model", "API", "status", "tokens in / out", "cost", "latency", "first byte")
    return _table(headers, body, numeric={5, 6, 7, 8}, row_attr=lambda i: f' data-id="{rows[i]["id"]}"')


def models_html(models: list[Model]) -> str:
    if not models:
        return '<p class="empty">The workspace lists no models.</p>'
    rows = []
    for m in models:
        fast = {api: upstream_api(m, api) == api for api in INBOUND_APIS}
        routes = " ".join(
            f'<span class="{"fast" if fast[api] else "translated"}">{api}: '
            f"{'fast' if fast[api] else 'translated'}</span>"
            for api in INBOUND_APIS
        )
        cache = (
            f"{_per_mtok(m.cache_read_dbu_per_mtok * m.usd_per_dbu)} / "
            f"{_per_mtok(m.cache_write_dbu_per_mtok * m.usd_per_dbu)}"
            if m.supports_prompt_caching
            else "-"
        )
        rows.append(
            (
                escape(m.id),
                escape(m.family),
                escape(m.api),
                routes,
                _per_mtok(m.input_usd_per_mtok),
                _per_mtok(m.output_usd_per_mtok),
                cache,
            )
        )
    headers = ("model", "family", "API", "routes by caller API", "input $/Mtok", "output $/Mtok", "cache r/w")
    return _table(headers, rows, numeric={4, 5, 6})


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: set[int],
    row_attr: Callable[[int], str] | None = None,
) -> str:
    head = "".join(f"<th{' class=num' if i in numeric else ''}>{h}</th>" for i, h in enumerate(headers))
    body = "".join(
        f"<tr{row_attr(n) if row_attr else ''}>"
        + "".join(f"<td{' class=num' if i in numeric else ''}>{c}</td>" for i, c in enumerate(cells))
        + "</tr>"
        for n, cells in enumerate(rows)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _svg(width: int, height: int, label: str, body: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{label}">{body}</svg>'
    )


def _per_mtok(value: float) -> str:
    return f"${value:,.3f}".rstrip("0").rstrip(".") if value else "-"


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"
