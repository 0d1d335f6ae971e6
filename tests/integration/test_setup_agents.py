"""`brickgate setup AGENT` as a real subprocess: what it prints, what --write merges (with a backup),
refusing to touch a file it cannot parse, finding the running gateway, limits, prices and --offline.
Every agent's home points at a temp dir. The agents added in issue 14 are in test_setup_more_agents.py."""

from __future__ import annotations

import json
import re
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
    result = setup_cli(emulator, agent_home, "claude-code", "--offline")
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
    assert "profiles" not in config  # codex 0.169 refuses `-p X` while a legacy [profiles.X] table exists
    assert "analytics" not in config  # the agent's own defaults unless --offline


def test_codex_offline_turns_analytics_feedback_plugins_and_update_checks_off(
    emulator: EmulatorControl, agent_home: Path
) -> None:
    result = setup_cli(emulator, agent_home, "codex", "--write", "--offline")
    assert result.returncode == 0, output_of(result)
    config = tomllib.loads((agent_home / ".codex" / "config.toml").read_text())
    assert config["analytics"] == {"enabled": False}
    assert config["feedback"] == {"enabled": False}
    assert config["features"] == {"plugins": False, "remote_plugin": False}
    assert config["check_for_update_on_startup"] is False


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


def test_aider_write_puts_the_gateway_into_aiders_own_config(
    emulator: EmulatorControl, agent_home: Path
) -> None:
    result = setup_cli(emulator, agent_home, "aider", "--write")
    assert result.returncode == 0, output_of(result)
    conf = yaml.safe_load((agent_home / ".aider.conf.yml").read_text())
    assert conf["openai-api-base"] == "http://127.0.0.1:8787/v1"
    assert conf["openai-api-key"] == "brickgate"
    assert re.fullmatch(r"openai/databricks-claude-sonnet-[0-9-]+", conf["model"])  # the newest Sonnet served
    assert "export OPENAI" not in result.stdout  # a new shell works; other OpenAI clients are not redirected
    meta = json.loads((agent_home / ".aider.model.metadata.json").read_text())
    assert meta["openai/databricks-claude-sonnet-4-5"]["max_input_tokens"] > 0
    settings = yaml.safe_load((agent_home / ".aider.model.settings.yml").read_text())
    opus5 = next(s for s in settings if s["name"] == "openai/databricks-claude-opus-5")
    assert opus5["use_temperature"] is False


def test_aider_keeps_the_users_default_model_and_other_options(
    emulator: EmulatorControl, agent_home: Path
) -> None:
    conf_path = agent_home / ".aider.conf.yml"
    conf_path.write_text("model: openai/my-own\ndark-mode: true\n")
    assert setup_cli(emulator, agent_home, "aider", "--write").returncode == 0
    conf = yaml.safe_load(conf_path.read_text())
    assert (conf["model"], conf["dark-mode"]) == ("openai/my-own", True)
    assert setup_cli(emulator, agent_home, "aider", "--write", "--model", "gpt-5-2").returncode == 0
    assert yaml.safe_load(conf_path.read_text())["model"] == "openai/databricks-gpt-5-2"


def test_second_write_with_nothing_new_leaves_every_file_alone(
    emulator: EmulatorControl, agent_home: Path
) -> None:
    assert setup_cli(emulator, agent_home, "aider", "--write").returncode == 0
    files = sorted(agent_home.glob(".aider*"))
    before = {f: (f.read_bytes(), f.stat().st_mtime_ns) for f in files}
    result = setup_cli(emulator, agent_home, "aider", "--write")
    assert result.returncode == 0, output_of(result)
    assert "Updated" not in result.stdout
    unchanged = [line for line in result.stdout.splitlines() if line.startswith("Unchanged")]
    assert sorted(unchanged) == [f"Unchanged {f}" for f in files]
    assert {f: (f.read_bytes(), f.stat().st_mtime_ns) for f in files} == before
    assert not list(agent_home.glob("*.bak"))


def test_llm_speaks_responses_to_gpt_and_codex_with_reasoning_and_schema_flags(
    emulator: EmulatorControl, agent_home: Path
) -> None:
    assert setup_cli(emulator, agent_home, "llm", "--write").returncode == 0
    entries = yaml.safe_load((agent_home / "llm" / "extra-openai-models.yaml").read_text())
    ours = {e["model_id"]: e for e in entries}
    for gpt in ("databricks-gpt-5-2", "databricks-gpt-5-2-codex"):
        assert (ours[gpt]["responses"], ours[gpt]["reasoning"], ours[gpt]["supports_schema"]) == (True,) * 3
    llama = ours["databricks-meta-llama-3-3-70b-instruct"]
    assert "responses" not in llama and llama["supports_schema"] is True and "reasoning" not in llama
    claude = ours["databricks-claude-sonnet-4-5"]  # Chat into Messages: Claude takes no response_format
    assert claude["supports_schema"] is False and claude["reasoning"] is True


def test_unknown_agent_names_the_choices(emulator: EmulatorControl, agent_home: Path) -> None:
    result = setup_cli(emulator, agent_home, "windsurf")
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


def test_prices_are_written_at_the_published_precision(emulator: EmulatorControl, agent_home: Path) -> None:
    assert setup_cli(emulator, agent_home, "opencode", "--write").returncode == 0
    assert setup_cli(emulator, agent_home, "aider", "--write").returncode == 0
    config = json.loads((agent_home / ".config" / "opencode" / "opencode.json").read_text())
    models = config["provider"]["brickgate-anthropic"]["models"]
    assert models["databricks-claude-haiku-4-5"]["cost"] == {
        "input": 1.0,
        "output": 5.0,
        "cache_read": 0.1,
        "cache_write": 1.25,
    }
    assert models["databricks-claude-opus-4-1"]["cost"]["output"] == 75.0
    meta = json.loads((agent_home / ".aider.model.metadata.json").read_text())
    assert meta["openai/databricks-claude-haiku-4-5"]["input_cost_per_token"] == 1e-06


def test_setup_names_another_model_in_a_sentence(emulator: EmulatorControl, agent_home: Path) -> None:
    result = setup_cli(emulator, agent_home, "codex")
    assert result.returncode == 0, output_of(result)
    assert "# Start it: codex exec --skip-git-repo-check 'hello'" in result.stdout
    assert re.search(
        r"# Any other model works the same way, e\.g\. codex exec -m claude-sonnet-[0-9-]+ 'hello'\n",
        result.stdout,
    )
    assert "# then:" not in result.stdout


def test_output_limit_caps_every_model_and_can_be_changed(
    emulator: EmulatorControl, agent_home: Path
) -> None:
    path = agent_home / ".config" / "opencode" / "opencode.json"
    assert setup_cli(emulator, agent_home, "opencode", "--write").returncode == 0

    def limits() -> dict[str, int]:
        providers = json.loads(path.read_text())["provider"]
        return {m: e["limit"]["output"] for p in providers.values() for m, e in p["models"].items()}

    assert limits()["databricks-claude-opus-5"] == 32_000  # its own maximum is 128K
    assert limits()["databricks-meta-llama-3-3-70b-instruct"] == 8_192  # below the cap: its own
    assert (
        setup_cli(emulator, agent_home, "opencode", "--write", "--max-output-tokens", "4000").returncode == 0
    )
    assert set(limits().values()) == {4000}


def test_model_option_sets_the_default_and_names_close_matches(
    emulator: EmulatorControl, agent_home: Path
) -> None:
    result = setup_cli(emulator, agent_home, "codex", "--write", "--model", "gemini-2.5-flash")
    assert result.returncode == 0, output_of(result)
    assert tomllib.loads((agent_home / ".codex" / "config.toml").read_text())["model"] == "gemini-2-5-flash"
    wrong = setup_cli(emulator, agent_home, "codex", "--model", "gemini-2-5-flsh")
    assert wrong.returncode != 0 and "Traceback" not in output_of(wrong)
    assert "databricks-gemini-2-5-flash" in wrong.stderr


def test_api_option_is_refused_for_an_agent_that_speaks_one_api(
    emulator: EmulatorControl, agent_home: Path
) -> None:
    result = setup_cli(emulator, agent_home, "codex", "--api", "chat")
    assert result.returncode != 0 and "Traceback" not in output_of(result)
    assert "codex speaks one API only" in result.stderr and "copilot" in result.stderr


def test_opencode_with_one_api_lists_every_model_under_that_provider(
    emulator: EmulatorControl, agent_home: Path
) -> None:
    assert setup_cli(emulator, agent_home, "opencode", "--write", "--api", "chat").returncode == 0
    providers = json.loads((agent_home / ".config" / "opencode" / "opencode.json").read_text())["provider"]
    assert list(providers) == ["brickgate"]
    assert {"databricks-claude-sonnet-4-5", "databricks-gpt-5-2"} <= set(providers["brickgate"]["models"])


def test_opencode_offline_keeps_it_to_our_providers_and_prints_its_env_switches(
    emulator: EmulatorControl, agent_home: Path
) -> None:
    result = setup_cli(emulator, agent_home, "opencode", "--write", "--offline")
    assert result.returncode == 0, output_of(result)
    config = json.loads((agent_home / ".config" / "opencode" / "opencode.json").read_text())
    assert config["autoupdate"] is False and config["share"] == "disabled"
    assert config["enabled_providers"] == sorted(config["provider"])
    assert "  export OPENCODE_DISABLE_MODELS_FETCH=1" in result.stdout.splitlines()
