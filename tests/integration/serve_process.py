"""`brickgate serve` as a real subprocess in front of the emulator, for the security tests: its stderr
(banner and access log) is collected line by line while the test attacks it over real sockets."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from tests.cli_harness import CLI

READY_LINE = "Ctrl-C stops it."


class Upstream(Protocol):
    """The emulator, as a test fixture hands it out (the control client or the running server)."""

    url: str
    token: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    proc: subprocess.Popen[str]
    port: int
    lines: list[str] = field(default_factory=list)  # appended by the reader thread
    reader: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 20) -> str:
        """The first stderr line containing ``text``, waiting for it to be printed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next((line for line in list(self.lines) if text in line), None)
            if found is not None:
                return found
            if self.proc.poll() is not None and not self.reader.is_alive():
                break  # exited, and everything it printed has been read
            time.sleep(0.02)
        raise AssertionError(f"{text!r} not printed; stderr so far:\n{self.output()}")


@contextmanager
def serving(
    emulator: Upstream,
    *args: str,
    env: dict[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
) -> Iterator[Served]:
    """``brickgate serve --port FREE ARGS`` with the emulator's PAT in the environment, once it is ready."""
    port = free_port()
    full_env = {
        **os.environ,
        "DATABRICKS_HOST": emulator.url,
        "DATABRICKS_TOKEN": emulator.token,
        "NO_COLOR": "1",
        **(env or {}),
    }
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), *args],
        env=full_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec_fn,  # resource limits for the child only
    )
    served = Served(proc, port)
    try:
        served.wait_for(READY_LINE)
        yield served
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
