"""brickgate's ASGI app and the floor relays in one process, their requests interleaved (issue 17).

Every target gets the same body, through the same mock upstream (a real HTTP server in another process),
driven straight through ASGI: no client socket and no uvicorn, which cost every target the same. Rounds
alternate the targets, so this VM's speed, which moves from second to second, is the same for all of them
within a round; the median round is reported. Over HTTP, with one process per target, the same ratios
moved by a third between runs (bench/README.md, fourth pass).

``--knockouts`` also runs brickgate with one part of its per-request work switched off at a time: the
access log, the usage ledger, the disconnect watcher, the request repairs, the shape check, the usage
sniffing of relayed streams. What each saves is its cost, within the rounds' noise (printed alongside).

    python -m bench.in_process claude-code-to-chat-200k,codex-20k [--rounds 30] [--per-round 10] [--knockouts]

Workload names are agent-sized (bench.agent_sized: claude-code-20k, codex-to-chat-200k, ...) or the classic
ones (bench.workloads: chat-stream-32, messages-to-chat-stream-32, ...). CPU is this thread's time, so
the mock's work is not in it; aiohttp's client side of the upstream call is, for every target alike.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.agent_sized import named_workload
from bench.floor_relay import FloorRelay
from bench.targets import UPSTREAM_TOKEN, brickgate_env, start_mock
from bench.workloads import INBOUND_PATHS, WORKLOADS

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
Undo = Callable[[], None]
FLOOR_MODES = {"floor": "none", "floor-parse": "read", "floor-rewrite": "write"}


@dataclass(frozen=True)
class Body:
    name: str
    path: str
    body: bytes


def body_of(name: str) -> Body:
    classic = {w.name: w for w in WORKLOADS}
    if name in classic:
        w = classic[name]
        return Body(name, w.path(w.inbound, upstream=False), w.body())
    try:
        agent = named_workload(name)
    except KeyError:
        raise KeyError(
            f"unknown workload {name!r}: agent-sized ones are named like claude-code-200k or "
            f"codex-to-chat-1000k, the others are {', '.join(classic)}"
        ) from None
    return Body(name, INBOUND_PATHS[agent.inbound], agent.body)


async def call(app: App, body: Body) -> bytes:
    """One request through ``app``'s ASGI interface; the answer's bytes."""
    path, _, query = body.path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [
            (b"host", b"127.0.0.1:8787"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body.body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8787),
    }
    answered = asyncio.Event()
    parts: list[bytes] = []
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body.body, "more_body": False}
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            parts.append(message.get("body", b""))
            if not message.get("more_body"):
                answered.set()

    await app(scope, receive, send)
    return b"".join(parts)


class Floors:
    """The three floor relays, started and stopped through their ASGI lifespan."""

    def __init__(self, upstream: str) -> None:
        self.apps = {name: FloorRelay(upstream, UPSTREAM_TOKEN, mode) for name, mode in FLOOR_MODES.items()}
        self._inboxes: list[asyncio.Queue[dict[str, Any]]] = []
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        for app in self.apps.values():
            inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
            started = asyncio.Event()

            async def send(message: dict[str, Any], started: asyncio.Event = started) -> None:
                if message["type"] == "lifespan.startup.complete":
                    started.set()

            await inbox.put({"type": "lifespan.startup"})
            self._inboxes.append(inbox)
            self._tasks.append(asyncio.ensure_future(app({"type": "lifespan"}, inbox.get, send)))
            await started.wait()

    async def stop(self) -> None:
        for inbox in self._inboxes:
            await inbox.put({"type": "lifespan.shutdown"})
        await asyncio.gather(*self._tasks)


def knockouts() -> dict[str, Callable[[], Undo]]:
    """Each part of brickgate's per-request work, switched off (the returned callable switches it on)."""
    import brickgate.gateway.inference as inference
    import brickgate.workspace as workspace
    from brickgate.ledger.gateway_usage import NOT_RECORDED
    from brickgate.quirks import Repaired
    from brickgate.relay import RawRelay

    def patched(owner: Any, name: str, value: Any) -> Callable[[], Undo]:
        def switch_off() -> Undo:
            kept = getattr(owner, name)
            setattr(owner, name, value)
            return lambda: setattr(owner, name, kept)

        return switch_off

    def no_access_log() -> Undo:
        log = logging.getLogger("brickgate.access")
        log.disabled = True
        return lambda: setattr(log, "disabled", False)

    async def run_to_end(work: Awaitable[None], receive: Any) -> bool:
        await work
        return True

    return {
        "no access log": no_access_log,
        "no ledger": patched(inference, "start_recording", lambda gw, scope, api, send: (send, NOT_RECORDED)),
        "no disconnect watcher": patched(inference, "cancel_on_disconnect", run_to_end),
        "no request repairs": patched(workspace, "repair_request", lambda body, *_: Repaired(body)),
        "no shape check": patched(inference, "shape_problem", lambda body, api: None),
        "no usage sniffing": patched(RawRelay, "_sniff_usage", lambda self, block: None),
    }


async def measure(bodies: list[Body], rounds: int, per_round: int, with_knockouts: bool) -> None:
    from brickgate.gateway.app import create_app
    from brickgate.workspace import Workspace

    ws = Workspace()
    floors = Floors(os.environ["DATABRICKS_HOST"])
    await floors.start()
    brickgate = create_app(ws)
    apps: dict[str, App] = {"brickgate": brickgate, **floors.apps}
    switches = knockouts() if with_knockouts else {}
    apps.update(dict.fromkeys(switches, brickgate))
    try:
        for body in bodies:
            for name, app in apps.items():
                for _ in range(10):  # warm: connections, the model listing, the repair plans
                    answer = await call(app, body)
                if len(answer) < 64:
                    raise SystemExit(f"{name} answered {body.name} with {answer!r}")
            times: dict[str, list[float]] = {name: [] for name in apps}
            for _ in range(rounds):
                for name, app in apps.items():
                    undo = switches[name]() if name in switches else None
                    started = time.thread_time_ns()
                    for _ in range(per_round):
                        await call(app, body)
                    times[name].append((time.thread_time_ns() - started) / per_round / 1000)
                    if undo is not None:
                        undo()
            report(body.name, times, switches)
    finally:
        await floors.stop()
        await ws.aclose()


def report(name: str, times: dict[str, list[float]], switches: dict[str, Any]) -> None:
    med = {target: statistics.median(values) for target, values in times.items()}
    floor, parse, rewrite, ours = med["floor"], med["floor-parse"], med["floor-rewrite"], med["brickgate"]
    spread = statistics.quantiles(times["brickgate"], n=4) if len(times["brickgate"]) > 1 else [ours] * 3
    # a small body's parse and write are lost in the noise: no ratio to them then
    units = f"{(ours - floor) / (rewrite - floor):.2f}" if rewrite - floor > 0.05 * floor else "-"
    print(
        f"{name}: µs CPU per request, median round "
        f"(brickgate's middle half {spread[0]:,.0f}-{spread[2]:,.0f})\n"
        f"  floor {floor:,.0f}  floor-parse {parse:,.0f}  floor-rewrite {rewrite:,.0f}  "
        f"brickgate {ours:,.0f}\n"
        f"  brickgate/floor {ours / floor:.2f}  brickgate/floor-parse {ours / parse:.2f}  "
        f"(brickgate-floor)/(floor-rewrite-floor) {units}",
        flush=True,
    )
    for switch in switches:
        print(f"    {switch:<24} saves {ours - med[switch]:6,.0f} µs", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("workloads", help="comma-separated workload names")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--per-round", type=int, default=10, help="requests per target in a round")
    parser.add_argument("--knockouts", action="store_true", help="also brickgate without each part")
    args = parser.parse_args(argv)
    try:
        bodies = [body_of(name) for name in args.workloads.split(",")]
    except KeyError as exc:
        parser.error(str(exc.args[0]))
    work = Path(tempfile.mkdtemp(prefix="bench-in-process-"))
    mock = start_mock(work)
    try:
        env = brickgate_env(mock.url, work / "home")
        os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
        access = logging.getLogger("brickgate.access")  # as `serve` logs: one line per request
        handler = logging.FileHandler(work / "access.log")  # a file, not serve's stderr, and its format
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        access.handlers[:] = [handler]
        access.setLevel(logging.INFO)
        access.propagate = False
        import uvloop

        uvloop.run(measure(bodies, args.rounds, args.per_round, args.knockouts))
    finally:
        mock.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
