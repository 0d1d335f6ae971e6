"""Shared by the e2e tests: one gateway per module in front of the session's emulator.

Use ``gateway.url`` (no ``/v1``) as the Anthropic base URL and ``gateway.url + "/v1"`` for OpenAI clients.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from brickgate.gateway.server import RunningGateway
from tests.gateway_harness import running_gateway


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    """A loopback gateway (any client key accepted) holding a PAT for the emulated workspace."""
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw
