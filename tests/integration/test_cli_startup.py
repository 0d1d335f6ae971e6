"""`brickgate --help` stays fast: no databricks-sdk, aiohttp, starlette or emulator at start-up."""

from __future__ import annotations

import os
import subprocess
import sys

HEAVY = ("databricks.sdk", "aiohttp", "starlette", "uvicorn", "brickgate.emulator", "pydantic", "requests")


def imported_modules(*args: str) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "brickgate.cli.main", *args],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")
    }


def test_help_imports_nothing_heavy() -> None:
    modules = imported_modules("--help")
    assert "typer" in modules  # the probe works
    assert not {
        m for m in modules if m.split(".")[0] in {h.split(".")[0] for h in HEAVY} and m.startswith(HEAVY)
    }


def test_command_help_imports_neither_the_sdk_nor_the_servers() -> None:
    modules = imported_modules("models", "--help")  # typer itself brings pydantic for command help
    assert not {m for m in modules if m.startswith(tuple(h for h in HEAVY if h != "pydantic"))}
