"""A workspace with two users for the caller-identity and Databricks App tests: ALICE and BOB (each PAT
is its own user in the emulator), and one endpoint that only ALICE has a permission on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from brickgate.emulator import EmulatorConfig, RunningEmulator, start_in_thread
from brickgate.emulator.control_client import EmulatorControl

ALICE, BOB = "dapi-alice-0001", "dapi-bob-0002"
ALICE_NAME, BOB_NAME = "emulator-user@example.com", "emulator-user-1@example.com"  # as SCIM Me says
PRIVATE = "databricks-gpt-oss-20b"  # ALICE's alone
SHARED = "databricks-claude-sonnet-4-5"


@pytest.fixture(scope="module")
def team_server() -> Iterator[RunningEmulator]:
    server = start_in_thread(EmulatorConfig(tokens=(ALICE, BOB), endpoint_users={PRIVATE: (ALICE,)}))
    yield server
    server.stop()


@pytest.fixture
def team(team_server: RunningEmulator) -> Iterator[EmulatorControl]:
    cfg = team_server.config
    control = EmulatorControl(team_server.url, ALICE, cfg.client_id, cfg.client_secret)
    control.reset()
    yield control


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}
