"""Security: what brickgate writes to disk cannot be redirected by a planted link, and every directory it
creates for itself is private (issue 10, items 6 and 7). Real files, the real CLI as a subprocess."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of, run_cli


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _setup_env(emulator: EmulatorControl, home: Path) -> dict[str, str]:
    return {
        "DATABRICKS_HOST": emulator.url,
        "DATABRICKS_TOKEN": emulator.token,
        "HOME": str(home),
        "CLAUDE_CONFIG_DIR": "",
        "BRICKGATE_API_KEY": "",
    }


def test_setup_write_replaces_a_planted_backup_link_instead_of_writing_through_it(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    settings = home / ".claude" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"theme": "dark"}))
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    victim.chmod(0o644)
    backup = settings.with_name("settings.json.bak")
    backup.symlink_to(victim)

    result = run_cli(
        "setup", "claude-code", "--write", "--api-key", "sk-gw-key-1", env=_setup_env(emulator, home)
    )

    assert result.returncode == 0, output_of(result)
    assert victim.read_text() == "precious"
    assert _mode(victim) == 0o644
    assert not backup.is_symlink()
    assert json.loads(backup.read_text()) == {"theme": "dark"}
    assert _mode(backup) == 0o600


def test_a_fresh_home_and_the_parents_brickgate_creates_are_private(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    home = tmp_path / "fresh" / "nested" / "bg-home"
    env = {"BRICKGATE_HOME": str(home), "DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}

    result = run_cli("models", env=env)

    assert result.returncode == 0, output_of(result)
    created = [tmp_path / "fresh", tmp_path / "fresh" / "nested", home, *home.rglob("*")]
    for directory in (p for p in created if p.is_dir()):
        assert _mode(directory) == 0o700, directory
    assert any(p.is_file() for p in home.rglob("*")), "the listing cache should have been written"
