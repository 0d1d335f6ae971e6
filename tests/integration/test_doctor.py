"""The doctor's probes against the emulator over real HTTP: what passes, what fails, and why."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest

from brickgate.auth import Credentials
from brickgate.catalog.model import Model
from brickgate.doctor import ERROR_CHARS, PROBES, ModelReport, ProbeResult, diagnose
from brickgate.emulator import workspace_2025
from brickgate.emulator.control_client import EmulatorControl
from brickgate.upstream import RetryPolicy
from brickgate.workspace import Workspace

GEMMA = "databricks-gemma-3-12b"  # tools and images
LLAMA = "databricks-meta-llama-3-3-70b-instruct"  # tools, no images
CLAUDE = "databricks-claude-sonnet-4-5"
FAST_RETRY = RetryPolicy(base_delay=0.05, max_delay=0.2, max_total_seconds=10)


@pytest.fixture
def ws(emulator: EmulatorControl) -> Iterator[Workspace]:
    workspace = Workspace(credentials=Credentials.pat(emulator.url, emulator.token), retry=FAST_RETRY)
    yield workspace
    workspace.close()


def diagnose_sync(ws: Workspace, names: list[str] | None = None, **kw: Any) -> list[ModelReport]:
    models = ws.models() if names is None else [ws.model(n) for n in names]

    async def run() -> list[ModelReport]:
        try:
            return await diagnose(ws, models, **kw)
        finally:
            await ws.aclose()

    return asyncio.run(run())


def report_of(reports: list[ModelReport], model_id: str) -> ModelReport:
    return next(r for r in reports if r.model.id == model_id)


def bodies_for(emulator: EmulatorControl, model_id: str) -> list[dict[str, Any]]:
    return [r["body"] for r in emulator.requests() if (r["body"] or {}).get("model") == model_id]


def test_every_model_of_the_emulated_workspace_passes_every_probe_that_applies(
    ws: Workspace, emulator: EmulatorControl
) -> None:
    emulator.set_endpoints(workspace_2025())  # the 2026 line-up needs issue 12/13's routing first
    reports = diagnose_sync(ws)
    assert len(reports) == len(ws.models()) > 10
    outcomes = {(r.model.id, p.name): p.outcome for r in reports for p in r.probes}
    assert set(outcomes.values()) == {"pass", "n/a"}
    assert all(r.ok for r in reports)


def test_image_probe_is_not_applicable_to_a_model_without_image_support(
    ws: Workspace, emulator: EmulatorControl
) -> None:
    (report,) = diagnose_sync(ws, [LLAMA])
    image = report.probe("image")
    assert (image.outcome, image.ok, image.latency_ms) == ("n/a", None, None)
    assert "image_url" not in str(bodies_for(emulator, LLAMA))


def test_image_probe_sends_a_base64_png_to_a_model_that_supports_images(
    ws: Workspace, emulator: EmulatorControl
) -> None:
    (report,) = diagnose_sync(ws, [CLAUDE])
    assert report.probe("image").outcome == "pass"
    sources = [
        part["source"]
        for body in bodies_for(emulator, CLAUDE)
        for message in body["messages"]
        if isinstance(message["content"], list)
        for part in message["content"]
        if part.get("type") == "image"
    ]
    assert [(s["type"], s["media_type"], s["data"][:8]) for s in sources] == [
        ("base64", "image/png", "iVBORw0K")
    ]


def test_tool_probe_sends_the_tool_output_back_and_passes_on_an_answer_quoting_it(
    ws: Workspace, emulator: EmulatorControl
) -> None:
    (report,) = diagnose_sync(ws, [LLAMA])
    assert report.probe("tools").outcome == "pass"
    tool_turns = [m for b in bodies_for(emulator, LLAMA) for m in b["messages"] if m["role"] == "tool"]
    assert [t["content"] for t in tool_turns] == ["brickgate-tool-ok"]


def test_model_whose_tool_calls_are_refused_fails_only_its_tool_probe_with_the_upstream_error(
    ws: Workspace, emulator: EmulatorControl
) -> None:
    refusal = "Function calling is not enabled for this endpoint."
    emulator.set_endpoints(workspace_2025())  # the 2026 line-up needs issue 12/13's routing first
    emulator.fault({"kind": "400", "model": GEMMA, "when": "tools", "until_reset": True, "message": refusal})
    reports = diagnose_sync(ws)
    gemma = report_of(reports, GEMMA)
    assert not gemma.ok
    assert {p.name: p.outcome for p in gemma.probes} == {
        "plain": "pass",
        "stream": "pass",
        "tools": "fail",
        "image": "pass",
        "reasoning": "n/a",
    }
    assert gemma.probe("tools").error == f"HTTP 400 BAD_REQUEST: {refusal}"
    assert [r.model.id for r in reports if not r.ok] == [GEMMA]


def test_model_whose_streams_break_fails_streaming_and_tools_but_answers_plainly(
    ws: Workspace, emulator: EmulatorControl
) -> None:
    emulator.fault({"kind": "cut_stream", "model": LLAMA, "after_events": 1, "until_reset": True})
    (report,) = diagnose_sync(ws, [LLAMA])
    assert report.probe("plain").outcome == "pass"
    assert (report.probe("stream").outcome, report.probe("tools").outcome) == ("fail", "fail")
    assert "stream broke off" in (report.probe("stream").error or "")


def test_hung_model_fails_its_probe_after_the_timeout_instead_of_hanging(
    ws: Workspace, emulator: EmulatorControl
) -> None:
    emulator.fault({"kind": "slow_first_byte", "model": LLAMA, "seconds": 2})
    started = time.monotonic()
    (report,) = diagnose_sync(ws, [LLAMA], timeout=0.4)
    assert time.monotonic() - started < 1.6
    hung = [p for p in report.probes if p.outcome == "fail"]
    assert [(p.error, p.latency_ms is not None and p.latency_ms < 1500) for p in hung] == [
        ("no answer within 0.4 s", True)
    ]


def test_rate_limited_probe_is_retried_and_passes(ws: Workspace, emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "429", "model": LLAMA, "retry_after": 0, "count": 2})
    (report,) = diagnose_sync(ws, [LLAMA])
    assert report.ok
    assert [r["status"] for r in emulator.requests()].count(429) == 2


def test_concurrency_of_one_probes_one_request_at_a_time(ws: Workspace, emulator: EmulatorControl) -> None:
    # llama makes 4 requests (plain, stream, two for tools); each is held 0.2 s upstream.
    emulator.fault({"kind": "slow_first_byte", "model": LLAMA, "seconds": 0.2, "until_reset": True})
    started = time.monotonic()
    diagnose_sync(ws, [LLAMA], concurrency=1)
    assert time.monotonic() - started >= 0.8


def test_progress_callback_hears_every_probe_of_every_model_once(ws: Workspace) -> None:
    heard: list[tuple[str, str]] = []

    def on_probe(model: Model, result: ProbeResult) -> None:
        heard.append((model.id, result.name))

    diagnose_sync(ws, [LLAMA, CLAUDE], on_probe=on_probe)
    assert sorted(heard) == sorted((m, p) for m in (LLAMA, CLAUDE) for p in PROBES)


def test_report_names_the_repairs_and_surface_the_probes_used(ws: Workspace) -> None:
    (report,) = diagnose_sync(ws, ["databricks-gemini-3-pro"])
    assert {"flatten_array_content", "attach_thought_signatures"} <= set(report.repairs)
    assert report.surface == "ai-gateway"


def test_report_json_has_ok_latency_and_error_per_probe_plus_api_surface_repairs(
    ws: Workspace, emulator: EmulatorControl
) -> None:
    emulator.fault({"kind": "503", "model": LLAMA, "until_reset": True})
    (report,) = diagnose_sync(ws, [LLAMA])
    doc = report.to_json()
    assert (doc["model"], doc["api"], doc["ok"]) == (LLAMA, "chat", False)
    assert set(doc) >= {"surface", "repairs", "probes"}
    assert doc["probes"]["image"] == {"ok": None, "latency_ms": None, "error": None}
    plain = doc["probes"]["plain"]
    assert plain["ok"] is False and plain["latency_ms"] >= 0
    assert plain["error"].startswith("HTTP 503 TEMPORARILY_UNAVAILABLE: ")


def test_long_upstream_errors_are_shortened(ws: Workspace, emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "400", "model": LLAMA, "until_reset": True, "message": "x " * 500})
    (report,) = diagnose_sync(ws, [LLAMA])
    error = report.probe("plain").error or ""
    assert len(error) == ERROR_CHARS and error.endswith("…")


def test_secrets_in_upstream_errors_are_redacted(ws: Workspace, emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "400", "model": LLAMA, "until_reset": True, "message": f"bad {emulator.token}"})
    (report,) = diagnose_sync(ws, [LLAMA])
    error = report.probe("plain").error or ""
    assert emulator.token not in error and "****" in error
