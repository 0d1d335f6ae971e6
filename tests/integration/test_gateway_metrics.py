"""`GET /metrics`: Prometheus text that prometheus_client's own parser reads, agreeing with the ledger."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from brickgate.emulator.control_client import EmulatorControl
from tests.gateway_harness import FAMILY_MODELS, Messages, call, running_gateway
from tests.ledger_harness import traffic, wait_for_rows

Samples = dict[str, list[tuple[dict[str, str], float]]]


def scrape(url: str, headers: dict[str, str] | None = None) -> Samples:
    answer = call(url, "GET", "/metrics", headers=headers)
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"].startswith("text/plain; version=")
    samples: Samples = defaultdict(list)
    for family in text_string_to_metric_families(answer.body.decode()):
        for sample in family.samples:
            samples[sample.name].append((sample.labels, sample.value))
    return samples


def total(samples: Samples, name: str, **match: str) -> float:
    return sum(v for labels, v in samples.get(name, []) if all(labels.get(k) == w for k, w in match.items()))


def test_metrics_count_requests_tokens_and_cost_like_the_ledger(
    emulator: EmulatorControl, isolated_env: Path
) -> None:
    emulator.fault({"kind": "429", "retry_after": 0})
    emulator.fault({"kind": "400", "model": FAMILY_MODELS["gemini"]})
    with running_gateway(emulator.url, emulator.token) as gw:
        before = total(scrape(gw.url), "brickgate_upstream_retries_total")
        answers = traffic(gw.url, families=["claude", "gpt", "llama", "gemini"])
        rows = wait_for_rows(isolated_env, len(answers))
        samples = scrape(gw.url)

    failed = [a for a in answers if a.status != 200]
    assert len(failed) == 1 and failed[0].status == 400
    assert total(samples, "brickgate_requests_total") == len(rows) == len(answers)
    assert total(samples, "brickgate_requests_total", status="400", model=FAMILY_MODELS["gemini"]) == 1
    assert total(samples, "brickgate_request_errors_total", error="invalid_request") == 1
    assert total(samples, "brickgate_requests_total", route="fast") == sum(r["route"] == "fast" for r in rows)
    assert total(samples, "brickgate_requests_total", route="translated", api="messages") == sum(
        r["route"] == "translated" and r["api"] == "messages" for r in rows
    )
    for kind in ("input", "output", "cache_read", "cache_write"):
        assert total(samples, "brickgate_tokens_total", kind=kind) == sum(r[f"{kind}_tokens"] for r in rows)
    assert abs(total(samples, "brickgate_cost_usd_total") - sum(r["cost_usd"] for r in rows)) < 1e-9
    assert total(samples, "brickgate_cost_usd_total", model=FAMILY_MODELS["claude"]) > 0
    assert total(samples, "brickgate_request_duration_seconds_count") == len(rows)
    assert total(samples, "brickgate_time_to_first_token_seconds_count") == sum(r["streamed"] for r in rows)
    inf_bucket = total(samples, "brickgate_request_duration_seconds_bucket", le="+Inf")
    assert inf_bucket == len(rows)
    assert total(samples, "brickgate_upstream_retries_total") - before == 1
    assert total(samples, "brickgate_inflight_streams") == 0
    assert total(samples, "brickgate_ledger_pending_rows") == 0


def test_streams_in_flight_are_counted_while_they_run(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "long_stream", "after_events": 1, "repeat": 30, "seconds": 0.1})
    with running_gateway(emulator.url, emulator.token) as gw:
        body = Messages().request(FAMILY_MODELS["claude"], "hi", stream=True)
        streaming = threading.Thread(target=call, args=(gw.url, "POST", Messages.path, body))
        streaming.start()
        seen: list[float] = []
        deadline = time.monotonic() + 10
        while streaming.is_alive() and time.monotonic() < deadline:
            seen.append(total(scrape(gw.url), "brickgate_inflight_streams"))
            if seen[-1] == 1:
                break
            time.sleep(0.05)
        streaming.join(30)
        after = _settled_inflight(gw.url)
    assert 1 in seen
    assert after == 0


def _settled_inflight(url: str) -> float:
    deadline = time.monotonic() + 10
    while (value := total(scrape(url), "brickgate_inflight_streams")) and time.monotonic() < deadline:
        time.sleep(0.05)
    return value


def test_metrics_need_the_gateway_key(emulator: EmulatorControl) -> None:
    with running_gateway(emulator.url, emulator.token, api_key="sk-metrics-key") as gw:
        refused = call(gw.url, "GET", "/metrics")
        samples = scrape(gw.url, {"authorization": "Bearer sk-metrics-key"})
    assert refused.status == 401 and b"sk-metrics-key" not in refused.body
    assert samples["brickgate_inflight_streams"] == [({}, 0.0)]
