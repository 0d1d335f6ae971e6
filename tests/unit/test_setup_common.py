"""Pure parts of `brickgate setup`: prices, the client URL of a recorded gateway, the agent registry."""

from __future__ import annotations

import pytest

from brickgate.cli.setup import AGENT_NAMES
from brickgate.setup import AGENTS
from brickgate.setup.common import price
from brickgate.setup.running_gateway import client_url


@pytest.mark.parametrize(
    ("noisy", "published"),
    [
        (74.998, 75.0),
        (1.00002, 1.0),
        (0.100002, 0.1),
        (1.24999, 1.25),
        (18.7502, 18.75),
        (0.07, 0.07),
        (0.0, 0.0),
    ],
)
def test_prices_keep_four_significant_digits(noisy: float, published: float) -> None:
    assert price(noisy) == published


@pytest.mark.parametrize(
    ("bound", "client"),
    [
        ("http://127.0.0.1:8787", "http://127.0.0.1:8787"),
        ("http://0.0.0.0:9000", "http://127.0.0.1:9000"),
        ("http://[::]:9000", "http://[::1]:9000"),
        ("http://10.1.2.3:8787", "http://10.1.2.3:8787"),
    ],
)
def test_a_wildcard_bind_is_reached_over_loopback(bound: str, client: str) -> None:
    assert client_url(bound) == client


def test_setup_help_names_every_agent() -> None:
    assert [name for name in AGENTS if name not in AGENT_NAMES] == []
