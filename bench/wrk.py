"""Closed-loop throughput with wrk (Debian package `wrk`): one thread, ``c`` keep-alive connections."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.procs import DRIVER_CPU, pinned

INSTALL_HINT = (
    "install it with `apt-get install -y wrk`, or pass --no-wrk (throughput from the asyncio client)"
)


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    timeouts: int
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


def available() -> bool:
    return shutil.which("wrk") is not None


def script(body: bytes, headers: dict[str, str]) -> str:
    lines = ['wrk.method = "POST"', f"wrk.body = [==[{body.decode()}]==]"]
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    return "\n".join(lines) + "\n"


def run(
    url: str, body: bytes, headers: dict[str, str], connections: int, seconds: int, workdir: Path
) -> WrkResult:
    lua = workdir / "wrk-request.lua"
    lua.write_text(script(body, headers))
    cmd = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "20s",
        "--latency",
        "-s",
        str(lua),
        url,
    ]
    out = subprocess.run(
        pinned(cmd, DRIVER_CPU), capture_output=True, text=True, timeout=seconds + 60, check=False
    ).stdout
    return parse(out)


def _ms(text: str) -> float:
    found = re.match(r"([\d.]+)(us|ms|s|m)", text)
    if not found:
        return 0.0
    value, unit = float(found.group(1)), found.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse(out: str) -> WrkResult:
    done = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", out)
    if not done:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    seconds = _ms(done.group(2) + done.group(3)) / 1000
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    connect, read, write, timeout = (int(x) for x in sock.groups()) if sock else (0, 0, 0, 0)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    return WrkResult(
        requests=int(done.group(1)),
        seconds=seconds,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=connect + read + write + timeout,
        timeouts=timeout,
        p50_ms=_ms(p50.group(1)) if p50 else 0.0,
        p99_ms=_ms(p99.group(1)) if p99 else 0.0,
    )
