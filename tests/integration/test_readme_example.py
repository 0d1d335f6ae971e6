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


def test_readme_says_how_to_reach_brickgate_right_after_the_install_commands() -> None:
    # The two install commands put brickgate in .venv, not on PATH: the very next line must say so.
    after_commands = README.read_text().split("```", 4)[4]
    next_paragraph = after_commands.strip().split("\n\n")[0]
    assert "source .venv/bin/activate" in next_paragraph and ".venv/bin/brickgate" in next_paragraph


def test_every_use_it_command_exists_in_the_installed_script() -> None:
    use_it = README.read_text().split("## Use it", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split()[1] for line in use_it.splitlines() if line.startswith("brickgate ")]
    script = Path(sys.executable).parent / "brickgate"  # what `source .venv/bin/activate` puts on PATH
    assert len(commands) >= 8
    for command in commands:
        result = subprocess.run([str(script), command, "--help"], capture_output=True, text=True, check=False)
        assert result.returncode == 0, (command, result.stderr)
