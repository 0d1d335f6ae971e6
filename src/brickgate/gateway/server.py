"""Running the gateway on uvicorn: in the foreground (`brickgate serve`) or in a thread (tests, e2e).

One worker, uvloop + httptools (research/performance.md §2-3). WebSocket support is off: Codex's
built-in provider tries ``GET /v1/responses`` with ``Upgrade: websocket`` first and must get a fast
plain-HTTP 405 so it falls back to POST.
"""

from __future__ import annotations

import gc
import logging
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

import uvicorn

from brickgate.auth.host import is_loopback
from brickgate.gateway.app import DEFAULT_MAX_BODY_BYTES, GatewayApp, create_app
from brickgate.gateway.connection_limits import ConnectionLimits, fit_to_descriptor_limit, protocol_class
from brickgate.gateway.local_auth import BrowserGuard, check_bind, check_origins
from brickgate.gateway.workers import run_workers

if TYPE_CHECKING:
    from brickgate.gateway.caller_identity import CallerIdentities
    from brickgate.workspace import Workspace

STARTUP_TIMEOUT = 10.0
# Requests in flight may finish this long after Ctrl-C/SIGTERM. Databricks Apps send SIGKILL ~10 s after
# SIGTERM (research databricks-2026.md §5): a stream still running at 8 s is cut, not killed mid-write.
GRACE_SECONDS = 8.0


def uvicorn_config(
    app: GatewayApp, limits: ConnectionLimits, *, log_level: str = "warning"
) -> uvicorn.Config:
    """The server settings every gateway run uses."""
    return uvicorn.Config(
        app,
        loop="uvloop",
        http=protocol_class(limits),  # httptools, with a head deadline, a head size cap, idle eviction
        ws="none",
        lifespan="on",
        access_log=False,  # brickgate.access logs each request with model, tokens and latency
        log_level=log_level,
        log_config=None,  # leave logging to the CLI; uvicorn's default config would hijack root handlers
        timeout_graceful_shutdown=int(GRACE_SECONDS),
        proxy_headers=False,  # a local gateway sits behind no proxy; skips X-Forwarded-* work per request
    )


def _checked_app(
    ws: Workspace,
    host: str,
    api_key: str | None,
    max_body_bytes: int,
    allowed_origins: Collection[str],
    callers: CallerIdentities | None = None,
    api_mounts: bool = False,
) -> GatewayApp:
    check_bind(host, api_key, caller_identity=callers is not None)
    check_origins(allowed_origins)
    guard = BrowserGuard(loopback_host_only=is_loopback(host), allowed_origins=frozenset(allowed_origins))
    return create_app(
        ws,
        api_key=api_key,
        max_body_bytes=max_body_bytes,
        guard=guard,
        callers=callers,
        api_mounts=api_mounts,
    )


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket (IPv4 or IPv6 by the address form); ``port=0`` picks a free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    # Listening now means a client that reads the banner and connects at once waits in the backlog
    # until uvicorn accepts, instead of being refused.
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@dataclass
class RunningGateway:
    """A gateway serving on a background thread. ``url`` has no trailing slash and no ``/v1``."""

    url: str
    app: GatewayApp
    _server: uvicorn.Server
    _thread: threading.Thread
    _socket: socket.socket

    def stop(self) -> None:
        """Stop serving, close the workspace's connections and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout=STARTUP_TIMEOUT)
        self._socket.close()

    def __enter__(self) -> RunningGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_in_thread(
    ws: Workspace,
    *,
    api_key: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    host: str = "127.0.0.1",
    port: int = 0,
    allowed_origins: Collection[str] = (),
    limits: ConnectionLimits | None = None,
    callers: CallerIdentities | None = None,
    api_mounts: bool = False,
) -> RunningGateway:
    """Serve ``ws`` from a daemon thread; returns once the gateway accepts connections."""
    app = _checked_app(ws, host, api_key, max_body_bytes, allowed_origins, callers, api_mounts)
    sock = bind_socket(host, port)
    server = uvicorn.Server(uvicorn_config(app, limits or ConnectionLimits()))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="brickgate-gateway", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the gateway did not start; see the log above")
        time.sleep(0.01)
    return RunningGateway(url=url_of(sock), app=app, _server=server, _thread=thread, _socket=sock)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    sys.exit(0)


def _tune_gc() -> None:
    """An agent's 1 MB body parses into ~50,000 objects, each one counted toward the collector's next pass:
    at the default thresholds (700, 10, 10) every request ran dozens of collections, some over the whole
    heap. Objects alive at start-up (modules, the app) are moved out of the collector's sight and passes
    made 10x rarer: 9-15 % less CPU per 1 MB request (bench/README.md, agent-sized requests)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, 20, 20)


def serve_forever(
    ws: Workspace,
    *,
    host: str,
    port: int,
    api_key: str | None,
    max_body_bytes: int,
    allowed_origins: Collection[str] = (),
    limits: ConnectionLimits | None = None,
    on_ready: Callable[[str], None] | None = None,
    callers: CallerIdentities | None = None,
    api_mounts: bool = False,
    workers: int = 1,
    fresh: Callable[[], tuple[Workspace, CallerIdentities | None]] | None = None,
    grace_seconds: float = GRACE_SECONDS,
) -> None:
    """Serve in the foreground until Ctrl-C or SIGTERM, then let requests in flight (streams included)
    finish for up to ``grace_seconds``. ``on_ready(url)`` runs once the socket is bound. This process is
    the gateway's own, so its open-files limit is raised to fit ``limits.max_connections``.

    With ``workers`` > 1 that many forked processes accept on the one socket, each with a gateway of its
    own from ``fresh()`` (connection pools, event loops and ledger threads are per process; they share
    only the disk). Nothing is built here before the fork but the checks."""
    build = fresh or (lambda: (ws, callers))
    if workers == 1:
        app = _checked_app(ws, host, api_key, max_body_bytes, allowed_origins, callers, api_mounts)
    else:
        check_bind(host, api_key, caller_identity=callers is not None)
        check_origins(allowed_origins)
    wanted = limits or ConnectionLimits()
    fitted = fit_to_descriptor_limit(wanted)
    if fitted.max_connections < wanted.max_connections:
        logging.getLogger("brickgate.gateway").warning(
            "The open-files limit (ulimit -n) allows %d client connections, not %d; raise it to serve more.",
            fitted.max_connections,
            wanted.max_connections,
        )
    sock = bind_socket(host, port)
    if on_ready is not None:
        on_ready(url_of(sock))

    def run(app: GatewayApp) -> None:
        # uvicorn drains on SIGTERM, then raises it again under the handler it found: make that an exit
        # (cleanup, ledger rows flushed, status 0) rather than death by signal.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        config = uvicorn_config(app, fitted)
        config.timeout_graceful_shutdown = int(grace_seconds)
        _tune_gc()
        uvicorn.Server(config).run(sockets=[sock])

    def run_worker() -> None:
        worker_ws, worker_callers = build()
        run(
            _checked_app(
                worker_ws, host, api_key, max_body_bytes, allowed_origins, worker_callers, api_mounts
            )
        )

    try:
        if workers == 1:
            run(app)
        else:
            run_workers(run_worker, workers)
    finally:
        sock.close()
        logging.getLogger("brickgate.access").info("gateway stopped")
