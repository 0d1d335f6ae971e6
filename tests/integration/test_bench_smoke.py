"""The benchmark harness works end to end: `bench/run.py --smoke` starts the mock upstream, the floor relay
and `brickgate serve`, sends a handful of requests of every workload to each, and writes its report.
No timing is asserted here; speed is what the benchmark itself prints."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import orjson
from bench import request_cost, translated_cost, translation_cost
from bench.agent_bodies import agent_body, encoded
from bench.fixtures import stream_events

from brickgate.quirks import RepairMemory

REPO = Path(__file__).resolve().parents[2]


def test_bench_smoke_run_relays_every_workload_through_every_target(tmp_path: Path) -> None:
    out = tmp_path / "results"
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--smoke", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    results = json.loads((out / "results.json").read_text())

    cells = {(c["workload"], c["target"]) for c in results["cells"]}
    workloads = results["plan"]["workloads"]
    for name in workloads:
        assert {(name, "direct"), (name, "brickgate")} <= cells
        assert (name, "floor") in cells or "to-" in name  # the floor cannot translate
    assert all(c["requests"] > 0 and c["latency"]["errors"] == 0 for c in results["cells"])
    paired = results["paired"]
    assert paired and all(row["n"] > 0 and row["errors"] == 0 for row in paired), paired
    streamed = [r for r in paired if r["target"] == "brickgate" and "stream" in r["workload"]]
    # every delta arrived as its own event (Gemini's answers have no framing events: 32 for 32 deltas)
    assert streamed and all(
        r["events"] >= (32 if r["workload"].startswith("gemini") else 34) for r in streamed
    )
    assert results["memory"]["brickgate"]["peak_rss_mb"] > 0
    assert "### Targets" in (out / "results.md").read_text()


def test_in_process_benches_run_every_route_they_compare() -> None:
    """bench.translation_cost and bench.request_cost measure real code paths: each route answers, each
    grown Gemini CLI body reaches its size and is sent on every target API."""
    for route in translation_cost.ROUTES:
        assert asyncio.run(route.answer(stream_events(route.stream, 4))) > 0, route.name
    body = orjson.loads(request_cost.RECORDED.read_bytes())
    raw = request_cost.grown(body, 80_000)
    assert len(raw) >= 80_000
    for api, target in request_cost.TARGETS.values():
        assert request_cost.upstream_body(raw, api, target, RepairMemory()) > 50_000, api


def test_translated_cost_steps_add_up_to_the_translation_of_each_agent_body() -> None:
    """bench.translated_cost times the gateway's steps one by one: chained, they write the same bytes as
    the whole translation it compares them with."""
    for agent, api, upstream, target in translated_cost.ROUTES:
        raw = encoded(agent_body(agent, 30_000, model="caller-name"))
        steps = translated_cost.steps(raw, api, upstream, target)
        written = steps["translated"]()
        assert written == steps["write"](), agent
        assert len(written) > 20_000 and orjson.loads(written)["model"] == target.id, agent
        assert set(translated_cost.least_us({agent: steps}, 1)[agent]) == set(translated_cost.STEPS)
