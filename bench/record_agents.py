"""Record what the real pinned agents send: one request body per agent, as it reached `brickgate serve`.

    python -m bench.record_agents            # Claude Code, Codex, opencode (needs the e2e agent cache)

Each agent runs its e2e cell (configured by `brickgate setup AGENT --write`, asked to run one shell command)
against `brickgate serve` in front of the emulator, with a small capture proxy between the agent and the
gateway. The largest inbound body of each run (the turn that carries the tool result) is kept, made
secret-free (the throwaway home's paths replaced, keys never appear in bodies: they travel in headers) and
written to ``bench/recorded/<agent>.json``; ``bench/agent_sized.py`` grows its history to the sizes it
measures. Uses the e2e harness (tests/e2e), so it runs from a checkout with the test extras installed.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from aiohttp import web

RECORDED = Path(__file__).resolve().parent / "recorded"
# agent -> (the e2e family it runs against, the inbound API it speaks there)
AGENTS: dict[str, tuple[str, str]] = {
    "claude-code": ("claude", "messages"),
    "codex": ("codex", "responses"),
    "opencode": ("llama", "chat"),
    # "gemini-cli": ("gemini", "gemini"),  # once the gateway serves the Gemini API (issue 14 §1)
}
_SECRET = re.compile(r"(?<![\w-])(sk-[A-Za-z0-9_-]{16,}|dapi[0-9a-f]{16,}|Bearer [A-Za-z0-9._-]{16,})")
_DEVICE_ID = re.compile(r"\b[0-9a-f]{64}\b")  # Claude Code's per-install device hash


def capture_proxy(upstream: str) -> Any:
    """The e2e suite's recording proxy (tests/usage_tap.py), keeping every POST body it forwards."""
    from tests.usage_tap import UsageTap

    class CaptureProxy(UsageTap):
        def __init__(self, upstream_url: str) -> None:
            super().__init__(upstream_url)
            self.seen: list[tuple[str, bytes]] = []

        async def _forward(self, request: web.Request) -> web.StreamResponse:
            if request.method == "POST":
                self.seen.append((request.path, await request.read()))
            return await super()._forward(request)

    return CaptureProxy(upstream)


def scrubbed(body: bytes, home: Path) -> dict[str, Any]:
    """The body with the run's throwaway paths made stable and anything key-shaped masked."""
    text = body.decode()
    stable = ((home.project, "/home/user/project"), (home.home, "/home/user"), (home.root, "/tmp"))
    for path, name in stable:
        text = text.replace(str(path), name)
    text = _DEVICE_ID.sub("0" * 64, _SECRET.sub("REDACTED", text))
    doc: dict[str, Any] = json.loads(text)
    return doc


def record(agent: str, family: str, serve: Any, emulator: Any, proxy: Any, work: Path) -> Path:
    from tests.e2e.agent_drivers import DRIVERS
    from tests.e2e.agents_harness import AgentHome, run_setup

    driver = DRIVERS[agent]
    cell = driver.cell(family)
    home = AgentHome.create(work / agent)
    port = proxy.url.rsplit(":", 1)[1]  # the agent talks to the proxy, which talks to the gateway
    printed = run_setup([*driver.setup_args(cell), "--port", port], home, serve, emulator)
    mark = len(proxy.seen)
    run = driver.run(driver.command(home, cell, printed), home, serve)
    bodies = [b for path, b in proxy.seen[mark:] if path.startswith("/v1/") and b.startswith(b"{")]
    if not bodies:
        raise SystemExit(f"{agent} sent no request body (exit {run.returncode}):\n{run.tail()}")
    largest = max(bodies, key=len)
    doc = scrubbed(largest, home)
    RECORDED.mkdir(exist_ok=True)
    out = RECORDED / f"{agent}.json"
    out.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    print(f"{agent}: {len(bodies)} requests, largest {len(largest):,} bytes -> {out} (exit {run.returncode})")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", default=",".join(AGENTS))
    args = parser.parse_args()
    from tests.e2e.agent_install import PACKAGES, ensure_installed
    from tests.e2e.agents_harness import start_serve

    from brickgate.emulator import EmulatorConfig, start_in_thread
    from brickgate.emulator.control_client import EmulatorControl

    names = [a.strip() for a in args.agents.split(",") if a.strip()]
    ensure_installed([PACKAGES[a] for a in names])
    emu = start_in_thread(EmulatorConfig(), port=0)
    control = EmulatorControl(emu.url, emu.token, emu.config.client_id, emu.config.client_secret)
    with tempfile.TemporaryDirectory(prefix="bench-record-") as tmp:
        work = Path(tmp)
        serve = start_serve(emu.url, emu.token, work / "serve-home")
        try:
            with capture_proxy(serve.url) as proxy:
                for agent in names:
                    record(agent, AGENTS[agent][0], serve, control, proxy, work)
        finally:
            serve.stop()
            emu.stop()


if __name__ == "__main__":
    main()
