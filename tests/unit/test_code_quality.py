"""What the README promises about the code, checked by the README's own test command (and so by CI):
mypy --strict on src/ and ruff's lint and format on src, tests and bench."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKS = {
    "mypy": ["-m", "mypy", "--strict"],  # files and settings: [tool.mypy] in pyproject.toml
    "ruff check": ["-m", "ruff", "check", "src", "tests", "bench"],
    "ruff format": ["-m", "ruff", "format", "--check", "src", "tests", "bench"],
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_the_code_passes(name: str) -> None:
    result = subprocess.run(
        [sys.executable, *CHECKS[name]], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"
