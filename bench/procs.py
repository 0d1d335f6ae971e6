"""Processes under test: started pinned to a CPU, measured from /proc, stopped by pid."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
GATEWAY_CPU = 1  # the system under test
DRIVER_CPU = 0  # the mock upstream, wrk, the latency client and this harness


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pinned(cmd: Sequence[str], cpu: int | None) -> list[str]:
    if cpu is None or shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
        return list(cmd)
    return ["taskset", "-c", str(cpu), *cmd]


@dataclass
class Server:
    """A started server process; ``url`` has no trailing slash."""

    name: str
    proc: subprocess.Popen[bytes]
    url: str
    log: Path
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def cpu_seconds(self) -> float:
        """user+system CPU of the process and all its descendants, now."""
        return sum(_cpu_ticks(pid) for pid in [self.pid, *descendants(self.pid)]) / CLOCK_TICKS

    def rss_mb(self) -> tuple[float, float]:
        """(current RSS, peak RSS) in MB, summed over the process tree."""
        now = peak = 0.0
        for pid in [self.pid, *descendants(self.pid)]:
            fields = _status_fields(pid)
            now += fields.get("VmRSS", 0) / 1024
            peak += fields.get("VmHWM", 0) / 1024
        return now, peak

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 5 s; children too (by pid)."""
        if self.proc.poll() is not None:
            return
        kids = descendants(self.pid)
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        for pid in kids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def start(
    name: str,
    cmd: Sequence[str],
    *,
    cpu: int | None,
    log_dir: Path,
    env: dict[str, str] | None = None,
    ready_url: str | None = None,
    timeout: float = 60.0,
) -> Server:
    """Start ``cmd``; ready when it prints ``listening URL`` or, with ``ready_url``, when that URL answers."""
    log = log_dir / f"{name}.log"
    out = log.open("wb")
    proc = subprocess.Popen(
        pinned(cmd, cpu), stdout=out, stderr=subprocess.STDOUT, env=env, cwd=Path(__file__).parent.parent
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"{name} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-2000:]}"
            )
        url = _answering(ready_url) if ready_url else _announced(log)
        if url:
            return Server(name, proc, url, log)
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{name} did not start within {timeout:.0f} s; see {log}")


def _announced(log: Path) -> str | None:
    found = re.search(rb"listening (http://\S+)", log.read_bytes())
    return found.group(1).decode() if found else None


def _answering(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=1):
            pass
    except OSError:
        return None
    return url.split("/", 3)[0] + "//" + url.split("/", 3)[2]


def descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime


def _status_fields(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def wait_idle(servers: Sequence[Server], quiet_s: float = 0.2, limit_s: float = 20.0) -> float:
    """Wait until none of ``servers`` uses CPU for ``quiet_s`` (a slow target may still be working off
    an abandoned backlog). Returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        before = sum(s.cpu_seconds() for s in servers)
        time.sleep(quiet_s)
        if sum(s.cpu_seconds() for s in servers) - before < 0.011:
            break
    return time.monotonic() - started


def machine_busy() -> float:
    """Fraction of the 1-second window other processes kept the gateway CPU busy (from /proc/stat)."""

    def sample() -> tuple[int, int]:
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith(f"cpu{GATEWAY_CPU} "):
                nums = [int(x) for x in line.split()[1:]]
                idle = nums[3] + nums[4]
                return sum(nums) - idle, sum(nums)
        return 0, 1

    busy0, total0 = sample()
    time.sleep(1.0)
    busy1, total1 = sample()
    return (busy1 - busy0) / max(1, total1 - total0)
