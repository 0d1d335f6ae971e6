"""The issue-17 workloads keep working: agent-sized bodies (recorded agents, both paths, with an image) and
paced streams run end to end at tiny size through the floor relay and `brickgate serve`. No timing is
asserted; the numbers are what the benchmarks print."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bench.agent_bodies import RECORDINGS, agent_body, encoded

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def run_bench(module: str, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, "--smoke", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=500,
        check=False,
        cwd=REPO,
    )


@pytest.mark.parametrize("agent", sorted(RECORDINGS))
def test_recorded_agent_bodies_grow_to_the_size_asked_with_two_dozen_tools(agent: str) -> None:
    doc = agent_body(agent, 200_000, model="m", marker="bench-events=3", image_kb=20)
    body = encoded(doc)
    assert 200_000 <= len(body) <= 240_000  # the image comes on top of the history
    assert len(doc["tools"]) >= 20 and doc["model"] == "m"
    assert b"bench-events=3" in body and (b"base64," in body or b'"base64"' in body)


def test_agent_sized_workloads_relay_every_path_without_errors(tmp_path: Path) -> None:
    proc = run_bench("bench.agent_sized", tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    names = {row["workload"] for row in results["cells"]}
    assert {f"{agent}-20k" for agent in RECORDINGS} <= names  # same-API
    assert {"claude-code-to-chat-20k", "codex-to-chat-20k", "opencode-to-messages-20k"} <= names
    assert any("+img" in name for name in names)
    for row in results["cells"]:
        for target in ("floor", "brickgate"):
            assert row[target]["requests"] > 0 and row[target]["errors"] == 0, row
        assert row["orjson_us"] > 0 and all(v["errors"] == 0 for v in row["paired"].values()), row
    assert "### Verdicts" in (tmp_path / "results.md").read_text()


def test_paced_streams_deliver_every_stamped_token_through_each_target(tmp_path: Path) -> None:
    proc = run_bench("bench.paced_streams", tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    rows = json.loads((tmp_path / "results.json").read_text())
    assert {(r["target"], r["path"]) for r in rows} >= {
        ("direct", "chat"),
        ("floor", "chat"),
        ("brickgate", "chat"),
        ("brickgate", "messages"),
        ("brickgate", "messages-to-chat"),
    }
    for r in rows:
        assert r["sessions"] > 0 and r["errors"] == 0, r
        assert r["events"] == r["sessions"] * 150, r  # every token of every session arrived stamped
