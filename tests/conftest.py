"""Shared fixtures. Every test runs with its own BRICKGATE_HOME and no ambient Databricks credentials."""

from __future__ import annotations

import os
import signal
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from brickgate.emulator import RunningEmulator
    from brickgate.emulator.control_client import EmulatorControl

pytest_plugins = ["tests.team_harness"]  # the two-user workspace fixtures (team, team_server)
_AMBIENT_PREFIXES = ("DATABRICKS_", "ARM_", "GOOGLE_CREDENTIALS", "BRICKGATE_")


_previous_test: list[str] = []


@pytest.fixture(autouse=True)
def sigint_as_usual(request: pytest.FixtureRequest) -> Iterator[None]:
    """Ctrl-C reaches the CLIs a test starts. A suite started in the background (`cmd &` without job
    control, nohup) inherits SIGINT ignored, and its children would too: a test pressing Ctrl-C on one then
    waits in vain (twice in clean-clone runs, the child finished its answer instead). Restored; with a
    warning naming the culprit when a test, not the launch, left it ignored."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        if _previous_test:
            warnings.warn(f"{_previous_test[0]} left SIGINT ignored: restored", stacklevel=1)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    _previous_test[:] = [request.node.nodeid]
    yield


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private home for brickgate and the Databricks config file; nothing leaks in from the machine."""
    for key in list(os.environ):
        if key.startswith(_AMBIENT_PREFIXES):
            monkeypatch.delenv(key)
    home = tmp_path / "bg-home"
    monkeypatch.setenv("BRICKGATE_HOME", str(home))
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "databrickscfg"))
    yield home


# --- emulator: one workspace per test session (per xdist worker), reset before every test ---------------


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[RunningEmulator]:
    """The session's emulated workspace (default config). Tests needing another config start their own."""
    from brickgate.emulator import EmulatorConfig, start_in_thread

    server = start_in_thread(EmulatorConfig(), port=0)
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server: RunningEmulator) -> Iterator[EmulatorControl]:
    """A freshly reset emulator: `.url .token .client_id .client_secret`, `.fault(*specs)`,
    `.set_endpoints(specs)`, `.requests()`, `.stats()`. Reset again afterwards, so faults a test left
    queued never reach a later test that shares the session server without this fixture."""
    from brickgate.emulator.control_client import EmulatorControl

    cfg = emulator_server.config
    control = EmulatorControl(emulator_server.url, emulator_server.token, cfg.client_id, cfg.client_secret)
    control.reset()
    yield control
    control.reset()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The coding-agent x model-family matrix, when agent e2e tests ran (here, not in tests/e2e/conftest.py,
    because an xdist controller never loads that file when run as `pytest tests`)."""
    from tests.e2e.agent_matrix import report_matrix

    report_matrix(terminalreporter, config)
