"""Startup configuration of the emulator, from Python or from a JSON/TOML file."""

from __future__ import annotations

import datetime
import importlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from brickgate.emulator.lineup import TODAY
from brickgate.emulator.workspace import EndpointSpec, default_workspace, parse_workspace, synthetic_endpoints

# tomllib is 3.11+; mypy targets 3.10 where only tomli exists, so import by name.
_toml: Any = importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")

WORKSPACE_ID = "1234567890123456"
ACCOUNT_ID = "7c9a1f7e-0d3b-4e5a-9b1c-2f6d8e4a0b11"


@dataclass(frozen=True, slots=True, kw_only=True)
class EmulatorConfig:
    """What the emulated workspace serves and which credentials it accepts."""

    endpoints: Sequence[EndpointSpec] | None = None  # None = default_workspace()
    tokens: tuple[str, ...] = ("dapi-emulator-token",)  # valid personal access tokens
    client_id: str = "emulator-client"  # valid OAuth M2M service principal
    client_secret: str = "emulator-secret"
    ai_gateway: bool = True  # False: /ai-gateway/* answers 404 ENDPOINT_NOT_FOUND
    token_ttl: int = 3600  # OAuth access-token lifetime, seconds
    workspace_id: str = WORKSPACE_ID
    account_id: str = ACCOUNT_ID
    today: str = TODAY  # ISO date of the emulator's clock: endpoints retire on it (research 2026 §1.6)
    # Endpoint name -> the PATs (users) with a permission on it; unnamed endpoints are everyone's.
    endpoint_users: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def endpoint_specs(self) -> list[EndpointSpec]:
        """The startup endpoint list (validated, so a bad spec fails before the server starts)."""
        specs = list(default_workspace() if self.endpoints is None else self.endpoints)
        parse_workspace(specs)
        try:
            datetime.date.fromisoformat(self.today)
        except (TypeError, ValueError):
            raise ValueError(f"today must be a YYYY-MM-DD date, got {self.today!r}") from None
        return specs


def load_config(path: Path) -> EmulatorConfig:
    """Read an EmulatorConfig from JSON or TOML. `synthetic_endpoints = N` adds N generated endpoints."""
    text = path.read_text(encoding="utf-8")
    raw: dict[str, Any] = _toml.loads(text) if path.suffix == ".toml" else json.loads(text)
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: the top level must be an object")
    known = {f.name for f in fields(EmulatorConfig)}
    unknown = sorted(set(raw) - known - {"synthetic_endpoints"})
    if unknown:
        raise ValueError(f"{path}: unknown keys {', '.join(unknown)}; valid keys: {', '.join(sorted(known))}")
    kwargs = {k: v for k, v in raw.items() if k in known}
    if "tokens" in kwargs:
        kwargs["tokens"] = tuple(kwargs["tokens"])
    synthetic = int(raw.get("synthetic_endpoints", 0))
    if synthetic:
        base = kwargs.get("endpoints")
        kwargs["endpoints"] = list(default_workspace() if base is None else base) + synthetic_endpoints(
            synthetic
        )
    config = EmulatorConfig(**kwargs)
    config.endpoint_specs()
    return config
