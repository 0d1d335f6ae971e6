"""Shared fixtures. Every test runs with its own BRICKGATE_HOME and no ambient Databricks credentials."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

_AMBIENT_PREFIXES = ("DATABRICKS_", "ARM_", "GOOGLE_CREDENTIALS", "BRICKGATE_")


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
