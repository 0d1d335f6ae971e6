"""`brickgate setup AGENT` as a real subprocess: what it prints, what --write merges (with a backup),
and refusing to touch a file it cannot parse. Every agent's home points at a temp dir."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of, run_cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@pytest.fixture
def agent_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    return home


def setup_cli(
    emulator: EmulatorControl, home: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    base = {
        "DATABRICKS_HOST": emulator.url,
        "DATABRICKS_TOKEN": emulator.token,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "CODEX_HOME": str(home / ".codex"),
        "LLM_USER_PATH": str(home / "llm"),
        "OPENCODE_CONFIG": "",
        "CLAUDE_CONFIG_DIR": "",
        "BRICKGATE_API_KEY": "",
    }
    return run_cli("setup", *args, env={**base, **env})


def test_claude_code_prints_export_lines_for_the_gateway(emulator: EmulatorControl, agent_home: Path) -> None:
    result = setup_cli(emulator, agent_home, "claude-code")
    assert result.returncode == 0, output_of(result)
    lines = result.stdout.splitlines()
    assert "export ANTHROPIC_BASE_URL=http://127.0.0.1:8787" in lines
    assert "export ANTHROPIC_MODEL=claude-sonnet-5" in lines
    assert "export CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1" in lines
    assert not (agent_home / ".claude").exists()


def test_claude_code_output_is_valid_shell(emulator: EmulatorControl, agent_home: Path) -> None:
    result = setup_cli(emulator, agent_home, "claude-code")
    shell = subprocess.run(
        ["sh", "-c", result.stdout + '\nprintf %s "$ANTHROPIC_DEFAULT_OPUS_MODEL"'],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout == "claude-opus-5-5"


def test_claude_code_write_merges_env_and_keeps_other_settings(
    emulator: EmulatorControl, agent_home: Path
) -> None:
    settings = agent_home / ".claude" / "settings.json"
    settings.parent.mkdir()
    original = '{"theme": "dark", "env": {"FOO": "1"}}'
    settings.write_text(original)
    result = setup_cli(emulator, agent_home, "claude-code", "--write", "--port", "9911")
    assert result.returncode == 0, output_of(result)
    doc = json.loads(settings.read_text())
    assert doc["theme"] == "dark"
    assert doc["env"]["FOO"] == "1"
    assert doc["env"]["ANTHROPIC_BASE_URL"] == "http://127.0.0.1:9911"
    assert doc["env"]["ANTHROPIC_DEFAULT_HAIKU_MODEL"] == "claude-haiku-5-5"
    assert (settings.parent / "settings.json.bak").read_text() == original


def test_unparseable_config_file_is_refused_and_left_alone(
    emulator: EmulatorControl, agent_home: Path
) -> None:
    settings = agent_home / ".claude" / "settings.json"
    settings.parent.mkdir()
    settings.write_text('{"theme": "dark",')
    result = setup_cli(emulator, agent_home, "claude-code", "--write")
    assert result.returncode != 0
    assert "not valid JSON" in result.stderr
    assert "Traceback" not in output_of(result)
    assert settings.read_text() == '{"theme": "dark",'
    assert not (settings.parent / "settings.json.bak").exists()


def test_codex_write_creates_a_responses_provider(emulator: EmulatorControl, agent_home: Path) -> None:
    result = setup_cli(emulator, agent_home, "codex", "--write")
    assert result.returncode == 0, output_of(result)
    config = tomllib.loads((agent_home / ".codex" / "config.toml").read_text())
    assert config["model_provider"] == "brickgate"
    assert config["model"] == "gpt-5.2-codex"
    provider = config["model_providers"]["brickgate"]
    assert (provider["base_url"], provider["wire_api"]) == ("http://127.0.0.1:8787/v1", "responses")
    assert "env_key" not in provider
    assert config["analytics"] == {"enabled": False}
    assert config["features"] == {"plugins": False, "remote_plugin": False}
    assert "profiles" not in config  # codex 0.169 refuses `-p X` while a legacy [profiles.X] table exists


def test_codex_write_keeps_unrelated_settings(emulator: EmulatorControl, agent_home: Path) -> None:
    path = agent_home / ".codex" / "config.toml"
    path.parent.mkdir()
    path.write_text('model = "o3"\napproval_policy = "never"\n\n[mcp_servers.docs]\ncommand = "docs-mcp"\n')
    result = setup_cli(emulator, agent_home, "codex", "--write")
    assert result.returncode == 0, output_of(result)
    config = tomllib.loads(path.read_text())
    assert config["approval_policy"] == "never"
    assert config["mcp_servers"] == {"docs": {"command": "docs-mcp"}}
    assert config["model"] == "gpt-5.2-codex"
    assert tomllib.loads((path.parent / "config.toml.bak").read_text())["model"] == "o3"


def test_codex_with_api_key_reads_it_from_the_environment(
    emulator: EmulatorControl, agent_home: Path
) -> None:
    result = setup_cli(emulator, agent_home, "codex", "--write", "--api-key", "sk-gw-secret")
    assert result.returncode == 0, output_of(result)
    text = (agent_home / ".codex" / "config.toml").read_text()
    assert tomllib.loads(text)["model_providers"]["brickgate"]["env_key"] == "BRICKGATE_API_KEY"
    assert "sk-gw-secret" not in text + output_of(result)


def test_opencode_write_lists_every_model_with_limits(emulator: EmulatorControl, agent_home: Path) -> None:
    result = setup_cli(emulator, agent_home, "opencode", "--write")
    assert result.returncode == 0, output_of(result)
    config = json.loads((agent_home / ".config" / "opencode" / "opencode.json").read_text())
    providers = config["provider"]
    assert {p: providers[p]["npm"] for p in providers} == {
        "brickgate": "@ai-sdk/openai-compatible",
        "brickgate-anthropic": "@ai-sdk/anthropic",
        "brickgate-openai": "@ai-sdk/openai",
    }
    assert all(p["options"]["baseURL"] == "http://127.0.0.1:8787/v1" for p in providers.values())
    models = {name: entry for p in providers.values() for name, entry in p["models"].items()}
    assert len(models) == 47  # the chat models of the default workspace (issue 12)
    sonnet = providers["brickgate-anthropic"]["models"]["databricks-claude-sonnet-4-5"]
    assert sonnet["limit"]["context"] > 0 and sonnet["limit"]["output"] > 0
    assert "image" in sonnet["modalities"]["input"]
    assert "databricks-gpt-5-2-codex" in providers["brickgate-openai"]["models"]
    assert "databricks-meta-llama-3-3-70b-instruct" in providers["brickgate"]["models"]


def test_opencode_write_keeps_other_providers(emulator: EmulatorControl, agent_home: Path) -> None:
    path = agent_home / ".config" / "opencode" / "opencode.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"model": "ollama/qwen", "provider": {"ollama": {"npm": "x"}}}))
    assert setup_cli(emulator, agent_home, "opencode", "--write").returncode == 0
    config = json.loads(path.read_text())
    assert config["provider"]["ollama"] == {"npm": "x"}
    assert config["model"] == "ollama/qwen"
    assert "brickgate-anthropic" in config["provider"]


def test_opencode_with_api_key_uses_an_env_reference(emulator: EmulatorControl, agent_home: Path) -> None:
    result = setup_cli(emulator, agent_home, "opencode", BRICKGATE_API_KEY="sk-gw-secret")
    assert result.returncode == 0, output_of(result)
    assert '"apiKey": "{env:BRICKGATE_API_KEY}"' in result.stdout
    assert "sk-gw-secret" not in output_of(result)


def test_llm_write_adds_extra_openai_models(emulator: EmulatorControl, agent_home: Path) -> None:
    path = agent_home / "llm" / "extra-openai-models.yaml"
    path.parent.mkdir()
    path.write_text("- model_id: mine\n  model_name: local\n  api_base: http://localhost:1/v1\n")
    result = setup_cli(emulator, agent_home, "llm", "--write")
    assert result.returncode == 0, output_of(result)
    entries = yaml.safe_load(path.read_text())
    assert entries[0]["model_id"] == "mine"
    ours = {e["model_id"]: e for e in entries[1:]}
    assert ours["databricks-gpt-oss-20b"]["api_base"] == "http://127.0.0.1:8787/v1"
    assert ours["databricks-gpt-oss-20b"]["model_name"] == "databricks-gpt-oss-20b"
    assert "api_key_name" not in ours["databricks-gpt-oss-20b"]


def test_aider_write_records_limits_and_settings(emulator: EmulatorControl, agent_home: Path) -> None:
    result = setup_cli(emulator, agent_home, "aider", "--write")
    assert result.returncode == 0, output_of(result)
    assert "export OPENAI_API_BASE=http://127.0.0.1:8787/v1" in result.stdout
    meta = json.loads((agent_home / ".aider.model.metadata.json").read_text())
    assert meta["openai/databricks-claude-sonnet-4-5"]["max_input_tokens"] > 0
    settings = yaml.safe_load((agent_home / ".aider.model.settings.yml").read_text())
    opus5 = next(s for s in settings if s["name"] == "openai/databricks-claude-opus-5")
    assert opus5["use_temperature"] is False


def test_unknown_agent_names_the_choices(emulator: EmulatorControl, agent_home: Path) -> None:
    result = setup_cli(emulator, agent_home, "cursor")
    assert result.returncode != 0
    assert "claude-code" in result.stderr
    assert "Traceback" not in output_of(result)


@pytest.mark.parametrize("agent", ["codex", "opencode"])
def test_key_reminder_is_not_a_live_export_that_would_clobber_the_key(
    emulator: EmulatorControl, agent_home: Path, agent: str
) -> None:
    result = setup_cli(emulator, agent_home, agent, "--write", BRICKGATE_API_KEY="sk-gw-secret")
    assert result.returncode == 0, output_of(result)
    assert "BRICKGATE_API_KEY" in result.stdout
    assert not [line for line in result.stdout.splitlines() if line.strip().startswith("export BRICKGATE")]
