"""The README's library example runs as written against a workspace (the emulator)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from brickgate.emulator.control_client import EmulatorControl

README = Path(__file__).resolve().parents[2] / "README.md"


def library_example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    (example,) = [b for b in blocks if "Workspace()" in b]
    return example


def test_readme_library_example_runs(emulator: EmulatorControl, tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(library_example())
    env = {**os.environ, "DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}
    result = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "databricks-claude-sonnet-4-5 claude messages" in result.stdout
    assert "Hello from databricks-claude-sonnet-4-5" in result.stdout
    assert "Hello from databricks-gpt-5-2" in result.stdout
    assert "via messages" in result.stdout
