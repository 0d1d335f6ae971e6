"""What every agent's setup shares: the gateway's address and which model to make the default."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from brickgate.catalog.model import Model
from brickgate.setup.config_files import ConfigEdit

KEY_ENV = "BRICKGATE_API_KEY"
LOOPBACK_KEY = "brickgate"  # any key works on loopback; agents insist on sending one
_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class GatewayAddress:
    """Where the gateway listens and whether clients need its ``--api-key``."""

    base_url: str  # http://127.0.0.1:8787, no trailing slash
    api_key: str | None = None

    @property
    def v1(self) -> str:
        return self.base_url + "/v1"

    @property
    def key_or_placeholder(self) -> str:
        return self.api_key or LOOPBACK_KEY


@dataclass(frozen=True, slots=True)
class AgentSetup:
    """Everything `brickgate setup AGENT` prints or writes."""

    agent: str
    edits: tuple[ConfigEdit, ...] = ()
    exports: tuple[tuple[str, str], ...] = ()  # environment variables, in print order
    notes: tuple[str, ...] = ()  # how to start the agent afterwards


def home_dir() -> Path:
    """``$HOME`` when set (tests and e2e point it at a temp dir), else the platform's idea of home."""
    home = os.environ.get("HOME")
    return Path(home) if home else Path.home()


def xdg_config_dir() -> Path:
    value = os.environ.get("XDG_CONFIG_HOME")
    return Path(value) if value else home_dir() / ".config"


def version_of(model: Model) -> tuple[int, ...]:
    """The numbers in an endpoint name, for "newest first" (claude-opus-4-5 → (4, 5))."""
    return tuple(int(n) for n in _NUMBERS.findall(model.id))


def newest(models: Sequence[Model], *words: str) -> Model | None:
    """The highest-versioned model whose name contains every word, or None."""
    found = [m for m in models if all(w in m.id for w in words)]
    return max(found, key=lambda m: (version_of(m), m.id), default=None)


def first_of(models: Sequence[Model], *choices: tuple[str, ...]) -> Model:
    """The newest model matching the first choice that matches anything; else the first model."""
    for words in choices:
        found = newest(models, *words)
        if found is not None:
            return found
    return models[0]
