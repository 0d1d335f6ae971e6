"""`serve --workers N`: N forked processes accepting on one listening socket.

The kernel hands each new connection to one process that is waiting in accept(); no balancer, no shared
memory. Each process builds its own gateway after the fork (event loop, aiohttp pool, ledger thread), so
nothing but the listening socket and the disk is shared: the listing and surface caches are written by
atomic rename (``home.write_private``), the fingerprint key likewise, and the ledger is SQLite in WAL mode,
made for several writers.

The parent only supervises: Ctrl-C in a terminal reaches every process of the group; a SIGTERM sent to
the parent alone (a service manager, a container runtime, a test) is passed on to each worker, and the parent
returns once all of them have drained and exited. A worker that dies is not restarted: the others keep
serving, and the parent says so.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import traceback
from collections.abc import Callable

log = logging.getLogger("brickgate.gateway")


def run_workers(run_worker: Callable[[], None], workers: int) -> None:
    """Fork ``workers`` processes that each call ``run_worker()``; wait for all of them."""
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # the worker: serve, then leave without running the parent's cleanup
            code = 0
            try:
                run_worker()
            except BaseException:  # anything: say it and exit non-zero
                traceback.print_exc()
                code = 1
            finally:
                sys.stderr.flush()
                os._exit(code)
        children.append(pid)

    def pass_on(signum: int, frame: object) -> None:
        # Always as SIGTERM: after Ctrl-C the workers already got SIGINT from the terminal, and uvicorn
        # takes a second SIGINT as "exit now", which would cut the streams it is draining.
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    previous = {sig: signal.signal(sig, pass_on) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for child in children:
            _, status = _wait(child)
            if os.WIFEXITED(status) and os.WEXITSTATUS(status) != 0:
                log.warning("gateway worker %d exited with status %d", child, os.WEXITSTATUS(status))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _wait(pid: int) -> tuple[int, int]:
    while True:
        try:
            return os.waitpid(pid, 0)
        except InterruptedError:  # a signal arrived while waiting: keep waiting
            continue
