"""The issue-17 workloads keep working: agent-sized bodies (recorded agents, both paths, with an image) and
paced streams run end to end at tiny size through the floor relay and `brickgate serve`. No timing is
asserted; the numbers are what the benchmarks print."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
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
        for target in ("floor", "floor-parse", "floor-rewrite", "brickgate"):
            assert row[target]["requests"] > 0 and row[target]["errors"] == 0, row
        assert row["orjson_us"] > 0 and all(v["errors"] == 0 for v in row["paired"].values()), row
    report = (tmp_path / "results.md").read_text()
    assert "### Verdicts" in report and "floor-parse/floor" in report


class _Capture(http.server.BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self) -> None:
        self.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize(("parse", "forwarded"), [("read", b'{"a": 1}'), ("write", b'{"a":1}')])
def test_the_bounding_floors_parse_the_body_before_relaying_it(parse: str, forwarded: bytes) -> None:
    """The bounds are honest only if these relays really read the body: a non-object is refused, and the
    rewriting one forwards orjson's spelling rather than the caller's."""
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    cmd = [sys.executable, "-m", "bench.floor_relay", "--parse", parse, "--upstream"]
    cmd.append(f"http://127.0.0.1:{upstream.server_address[1]}")
    relay = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert relay.stdout is not None
        url = relay.stdout.readline().split()[-1] + "/v1/chat/completions"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(url, data=b"[1, 2]"), timeout=30)
        assert refused.value.code == 400 and b"not a JSON object" in refused.value.read()
        with urllib.request.urlopen(urllib.request.Request(url, data=b'{"a": 1}'), timeout=30) as ok:
            assert ok.status == 200
        assert _Capture.bodies == [forwarded]
    finally:
        relay.terminate()
        relay.wait(timeout=30)
        upstream.shutdown()
        _Capture.bodies.clear()
