"""Run the emulator: in a background thread (tests, `brickgate demo`) or in the foreground (`serve`)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from brickgate.emulator.app import build_app
from brickgate.emulator.config import EmulatorConfig
from brickgate.emulator.error_bodies import StreamCut
from brickgate.emulator.state import EmulatorState

STARTUP_TIMEOUT = 10.0


class _HideIntentionalCuts(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], StreamCut))


def _uvicorn_config(app: Starlette) -> uvicorn.Config:
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    logging.getLogger("uvicorn.error").addFilter(_HideIntentionalCuts())
    return config


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # connections queue from now on, even before uvicorn starts accepting
    return sock


@dataclass
class RunningEmulator:
    """A live emulator on 127.0.0.1. `url` has no trailing slash; `token` is a valid PAT."""

    url: str
    token: str
    config: EmulatorConfig
    app: Starlette
    _server: uvicorn.Server
    _thread: threading.Thread
    _socket: socket.socket

    @property
    def state(self) -> EmulatorState:
        state: EmulatorState = self.app.state.emulator
        return state

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        self._server.should_exit = True
        self._thread.join(timeout=STARTUP_TIMEOUT)
        self._socket.close()

    def __enter__(self) -> RunningEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_in_thread(
    config: EmulatorConfig | None = None, port: int = 0, host: str = "127.0.0.1"
) -> RunningEmulator:
    """Start an emulator in a daemon thread; returns once it accepts requests. `port=0` picks a free port."""
    config = config or EmulatorConfig()
    app = build_app(config)
    sock = _bind(host, port)
    url = f"http://{host}:{sock.getsockname()[1]}"
    app.state.emulator.url = url
    server = uvicorn.Server(_uvicorn_config(app))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="brickgate-emulator", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError(f"the emulator did not start on {url}")
        time.sleep(0.005)
    token = config.tokens[0] if config.tokens else ""
    return RunningEmulator(
        url=url, token=token, config=config, app=app, _server=server, _thread=thread, _socket=sock
    )


def serve(
    config: EmulatorConfig | None = None,
    host: str = "127.0.0.1",
    port: int = 8765,
    on_listening: Callable[[str], None] | None = None,
) -> None:
    """Serve in the foreground until interrupted (Ctrl-C). `on_listening(url)` runs once the port accepts
    connections (they queue until uvicorn serves them), so callers can print the URL without a race."""
    sock = _bind(host, port)
    url = f"http://{host}:{sock.getsockname()[1]}"
    config = config or EmulatorConfig()
    app = build_app(config)
    app.state.emulator.url = url
    if on_listening is not None:
        on_listening(url)
    server = uvicorn.Server(_uvicorn_config(app))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
