"""The one output-cap rule of `brickgate setup` (research databricks-2026.md §3.1): each model gets
min(its maximum, the limit), the limit being `--max-output-tokens`, else config.toml's `[setup]
max_output_tokens`, else 32,000; a model's own `max_output_tokens` override lowers its cap alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of
from tests.integration.test_setup_agents import setup_cli


@pytest.fixture
def agent_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    return home


def write_config(brickgate_home: Path, text: str) -> None:
    brickgate_home.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = brickgate_home / "config.toml"
    path.write_text(text)
    path.chmod(0o600)


def opencode_limits(home: Path) -> dict[str, int]:
    providers = json.loads((home / ".config" / "opencode" / "opencode.json").read_text())["provider"]
    return {m: e["limit"]["output"] for p in providers.values() for m, e in p["models"].items()}


def test_config_toml_sets_the_limit_and_a_model_override_lowers_its_own(
    emulator: EmulatorControl, agent_home: Path, isolated_env: Path
) -> None:
    write_config(
        isolated_env,
        '[setup]\nmax_output_tokens = 16000\n\n[models."databricks-glm-5-3"]\nmax_output_tokens = 4000\n',
    )
    result = setup_cli(emulator, agent_home, "opencode", "--write")
    assert result.returncode == 0, output_of(result)
    limits = opencode_limits(agent_home)
    assert limits["databricks-claude-opus-5"] == 16_000  # its maximum is 128,000
    assert limits["databricks-glm-5-3"] == 4_000
    assert limits["databricks-meta-llama-3-3-70b-instruct"] == 8_192  # below the limit: its own maximum


def test_the_command_line_wins_over_config_toml(
    emulator: EmulatorControl, agent_home: Path, isolated_env: Path
) -> None:
    write_config(isolated_env, "[setup]\nmax_output_tokens = 16000\n")
    result = setup_cli(emulator, agent_home, "claude-code", "--max-output", "20000")
    assert result.returncode == 0, output_of(result)
    assert "CLAUDE_CODE_MAX_OUTPUT_TOKENS=20000" in result.stdout


def test_a_bad_configured_limit_is_a_clear_error(
    emulator: EmulatorControl, agent_home: Path, isolated_env: Path
) -> None:
    write_config(isolated_env, '[setup]\nmax_output_tokens = "lots"\n')
    result = setup_cli(emulator, agent_home, "claude-code")
    assert result.returncode != 0
    assert "[setup] max_output_tokens must be a positive whole number" in result.stderr
    assert "Traceback" not in output_of(result)
