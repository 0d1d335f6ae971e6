"""`brickgate setup` for the agents of issue 14 (Gemini CLI, Copilot CLI, Kilo, Pi, Crush, Continue,
Qwen Code), the GUI clients it prints settings for, and finding the running gateway — each as a real
subprocess with the agent's home in a temp dir. The real agents read these files in tests/e2e."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of, run_cli
from tests.e2e.agents_harness import ServeProcess, start_serve
from tests.integration.test_setup_agents import setup_cli


@dataclass(frozen=True)
class Lineup:
    """What the emulator's workspace serves, as `brickgate models --json` lists it (the line-up changes with
    the emulator's clock; these tests hold setup to whatever it is)."""

    count: int
    sonnet: str  # the newest Claude Sonnet: the default of the agents that prefer Claude
    gemini_pro: str
    haiku: str  # the newest Claude Haiku: the small/fast model of the agents that have one


def _newest(ids: list[str], pattern: str) -> str:
    found = [i for i in ids if re.fullmatch(pattern, i)]
    return max(found, key=lambda i: tuple(int(n) for n in re.findall(r"\d+", i)))


@pytest.fixture
def lineup(emulator: EmulatorControl, agent_home: Path) -> Lineup:
    listed = run_cli(
        "models",
        "--json",
        env={"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token, "HOME": str(agent_home)},
    )
    ids = [m["id"] for m in json.loads(listed.stdout)]
    return Lineup(
        len(ids),
        _newest(ids, r"databricks-claude-sonnet-[\d-]+"),
        _newest(ids, r"databricks-gemini-[\d-]+-pro"),
        _newest(ids, r"databricks-claude-haiku-[\d-]+"),
    )


@pytest.fixture
def agent_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    return home


StartServe = Callable[[str | None], ServeProcess]


def written(home: Path, *parts: str) -> Any:
    path = home.joinpath(*parts)
    return yaml.safe_load(path.read_text()) if path.suffix == ".yaml" else json.loads(path.read_text())


def exports(stdout: str) -> dict[str, str]:
    """`export NAME=value` lines (printed or indented under --write), as the shell would set them."""
    found = {}
    for line in stdout.splitlines():
        words = line.strip().split(" ", 1)
        if words[0] == "export":
            name, value = words[1].split("=", 1)
            found[name] = value.strip("'\"")
    return found


def test_gemini_cli_selects_api_key_auth_and_points_at_the_gateway_root(
    emulator: EmulatorControl, agent_home: Path, lineup: Lineup
) -> None:
    result = setup_cli(emulator, agent_home, "gemini-cli", "--write", "--offline", GEMINI_CLI_HOME="")
    assert result.returncode == 0, output_of(result)
    settings = written(agent_home, ".gemini", "settings.json")
    assert settings["security"]["auth"]["selectedType"] == "gemini-api-key"  # 0.61 headless refuses env-only
    assert settings["model"]["name"] == lineup.gemini_pro  # endpoint names: never renamed by 0.61
    aliases = settings["modelConfigs"]["customAliases"]
    assert len(aliases) == lineup.count
    opus = aliases["databricks-claude-opus-5"]["modelConfig"]
    assert opus == {"model": "databricks-claude-opus-5", "generateContentConfig": {"maxOutputTokens": 32000}}
    assert (
        settings["privacy"]["usageStatisticsEnabled"] is False and settings["telemetry"]["enabled"] is False
    )
    env = exports(result.stdout)
    assert env["GOOGLE_GEMINI_BASE_URL"] == "http://127.0.0.1:8787"  # the SDK appends /v1beta/models/...
    assert env["GEMINI_API_KEY_AUTH_MECHANISM"] == "bearer"
    assert "environment only" in result.stdout


def test_copilot_is_configured_by_exports_for_the_api_chosen(
    emulator: EmulatorControl, agent_home: Path, lineup: Lineup
) -> None:
    messages = exports(setup_cli(emulator, agent_home, "copilot").stdout)
    assert (messages["COPILOT_PROVIDER_TYPE"], messages["COPILOT_PROVIDER_BASE_URL"]) == (
        "anthropic",
        "http://127.0.0.1:8787",
    )
    assert messages["COPILOT_MODEL"] == lineup.sonnet
    assert messages["COPILOT_PROVIDER_MAX_OUTPUT_TOKENS"] == "32000"
    assert "COPILOT_OFFLINE" not in messages
    responses = exports(setup_cli(emulator, agent_home, "copilot", "--api", "responses", "--offline").stdout)
    assert responses["COPILOT_PROVIDER_BASE_URL"] == "http://127.0.0.1:8787/v1"
    assert (responses["COPILOT_PROVIDER_TYPE"], responses["COPILOT_PROVIDER_WIRE_API"]) == (
        "openai",
        "responses",
    )
    assert responses["COPILOT_OFFLINE"] == "true"
    assert not any(agent_home.iterdir())  # nothing to write: Copilot has no file for its provider


def test_copilot_with_a_keyed_gateway_exports_a_reference_not_the_key(
    emulator: EmulatorControl, agent_home: Path
) -> None:
    result = setup_cli(emulator, agent_home, "copilot", "--write", BRICKGATE_API_KEY="sk-gw-secret")
    assert result.returncode == 0, output_of(result)
    assert 'export COPILOT_PROVIDER_API_KEY="$BRICKGATE_API_KEY"' in result.stdout
    assert "sk-gw-secret" not in output_of(result)


def test_kilo_gets_opencode_style_providers_in_its_own_file(
    emulator: EmulatorControl, agent_home: Path, lineup: Lineup
) -> None:
    result = setup_cli(emulator, agent_home, "kilo", "--write", "--offline")
    assert result.returncode == 0, output_of(result)
    config = written(agent_home, ".config", "kilo", "kilo.json")
    assert config["$schema"] == "https://app.kilo.ai/config.json"
    assert sorted(config["provider"]) == config["enabled_providers"]  # no catalog download for others
    assert sum(len(p["models"]) for p in config["provider"].values()) == lineup.count
    assert exports(result.stdout)["KILO_TELEMETRY_LEVEL"] == "off"


def test_pi_gets_one_provider_per_api_and_its_default(
    emulator: EmulatorControl, agent_home: Path, lineup: Lineup
) -> None:
    result = setup_cli(emulator, agent_home, "pi", "--write", "--offline", PI_CODING_AGENT_DIR="")
    assert result.returncode == 0, output_of(result)
    providers = written(agent_home, ".pi", "agent", "models.json")["providers"]
    apis = {name: (p["api"], p["baseUrl"]) for name, p in providers.items()}
    assert apis == {
        "brickgate": ("openai-completions", "http://127.0.0.1:8787/v1"),
        "brickgate-anthropic": ("anthropic-messages", "http://127.0.0.1:8787"),
        "brickgate-openai": ("openai-responses", "http://127.0.0.1:8787/v1"),
    }
    opus = next(
        m for m in providers["brickgate-anthropic"]["models"] if m["id"] == "databricks-claude-opus-4-1"
    )
    assert (opus["maxTokens"], opus["cost"]["output"]) == (32000, 75.0)
    settings = written(agent_home, ".pi", "agent", "settings.json")
    assert (settings["defaultProvider"], settings["defaultModel"]) == (
        "brickgate-anthropic",
        lineup.sonnet,
    )
    assert settings["enableInstallTelemetry"] is False
    assert exports(result.stdout) == {"PI_OFFLINE": "1"}


def test_crush_gets_its_documented_json_config(
    emulator: EmulatorControl, agent_home: Path, lineup: Lineup
) -> None:
    result = setup_cli(emulator, agent_home, "crush", "--write", "--offline", CRUSH_GLOBAL_CONFIG="")
    assert result.returncode == 0, output_of(result)
    config = written(agent_home, ".config", "crush", "crush.json")
    kinds = {name: p["type"] for name, p in config["providers"].items()}
    assert kinds == {
        "brickgate": "openai-compat",
        "brickgate-anthropic": "anthropic",
        "brickgate-openai": "openai",
    }
    assert config["models"]["large"] == {
        "provider": "brickgate-anthropic",
        "model": lineup.sonnet,
    }
    assert config["models"]["small"]["model"] == lineup.haiku
    assert config["options"]["disable_provider_auto_update"] is True
    gpt = next(
        m for m in config["providers"]["brickgate-openai"]["models"] if m["id"] == "databricks-gpt-5-2"
    )
    assert gpt["default_max_tokens"] == 32000 and gpt["can_reason"] is True


def test_continue_lists_the_default_model_first_and_claude_over_messages(
    emulator: EmulatorControl, agent_home: Path, lineup: Lineup
) -> None:
    path = agent_home / ".continue" / "config.yaml"
    path.parent.mkdir()
    path.write_text(
        "name: mine\nversion: 1.0.0\nschema: v1\nmodels:\n  - name: local\n    provider: ollama\n"
    )
    assert setup_cli(emulator, agent_home, "continue", "--write", CONTINUE_GLOBAL_DIR="").returncode == 0
    config = written(agent_home, ".continue", "config.yaml")
    assert config["name"] == "mine" and config["models"][0]["name"] == "local"  # the user's order stays
    assert len(config["models"]) == lineup.count + 1
    result = setup_cli(
        emulator, agent_home, "continue", "--write", "--model", "gpt-5-2", CONTINUE_GLOBAL_DIR=""
    )
    assert result.returncode == 0, output_of(result)
    models = written(agent_home, ".continue", "config.yaml")["models"]
    assert models[0]["name"] == "databricks-gpt-5-2"  # Continue starts with the first chat model
    claude = next(m for m in models if m["name"] == lineup.sonnet)
    assert (claude["provider"], claude["apiBase"]) == ("anthropic", "http://127.0.0.1:8787/v1/")
    assert claude["defaultCompletionOptions"]["maxTokens"] == 32000


def test_continue_cannot_be_told_to_use_responses(emulator: EmulatorControl, agent_home: Path) -> None:
    result = setup_cli(emulator, agent_home, "continue", "--api", "responses")
    assert result.returncode != 0 and "Traceback" not in output_of(result)
    assert "Choose --api chat or messages" in result.stderr


def test_qwen_code_groups_models_by_auth_type_and_keeps_the_users_providers(
    emulator: EmulatorControl, agent_home: Path, lineup: Lineup
) -> None:
    path = agent_home / ".qwen" / "settings.json"
    path.parent.mkdir()
    mine = {"id": "qwen3-coder", "baseUrl": "https://dashscope.example/v1", "envKey": "DASHSCOPE_KEY"}
    path.write_text(json.dumps({"modelProviders": {"openai": [mine]}, "ui": {"theme": "dark"}}))
    result = setup_cli(emulator, agent_home, "qwen-code", "--write", "--offline", QWEN_HOME="")
    assert result.returncode == 0, output_of(result)
    settings = written(agent_home, ".qwen", "settings.json")
    providers = settings["modelProviders"]
    assert providers["openai"][0] == mine and settings["ui"] == {"theme": "dark"}
    assert sum(len(v) for v in providers.values()) == lineup.count + 1
    claude = next(m for m in providers["anthropic"] if m["id"] == lineup.sonnet)
    assert claude["baseUrl"] == "http://127.0.0.1:8787"
    assert claude["generationConfig"]["samplingParams"] == {"max_tokens": 32000}
    assert [m["id"] for m in providers["openai-responses"]][:1] == ["databricks-gpt-5-2"]
    assert settings["security"]["auth"]["selectedType"] == "anthropic"
    assert settings["env"] == {"BRICKGATE_API_KEY": "brickgate"}  # loopback placeholder, read by envKey
    assert settings["privacy"]["usageStatisticsEnabled"] is False
    again = setup_cli(emulator, agent_home, "qwen-code", "--write", "--offline", QWEN_HOME="")
    assert f"Unchanged {path}" in again.stdout  # our earlier entries are recognised, not duplicated


def test_zed_settings_are_printed_not_written(emulator: EmulatorControl, agent_home: Path) -> None:
    result = setup_cli(emulator, agent_home, "zed", "--write")
    assert result.returncode == 0, output_of(result)
    text = result.stdout[result.stdout.index("{") : result.stdout.rindex("}") + 1]
    models = json.loads(text)["language_models"]
    gpt = next(
        m
        for m in models["openai_compatible"]["Brickgate"]["available_models"]
        if m["name"] == "databricks-gpt-5-2"
    )
    assert gpt["capabilities"]["chat_completions"] is False  # Zed then uses the Responses API
    assert models["anthropic_compatible"]["Brickgate Claude"]["api_url"] == "http://127.0.0.1:8787"
    assert "Nothing written" in result.stdout
    assert not any(agent_home.iterdir())


def test_cursor_says_a_local_gateway_cannot_work(emulator: EmulatorControl, agent_home: Path) -> None:
    local = setup_cli(emulator, agent_home, "cursor")
    assert local.returncode != 0 and "Traceback" not in output_of(local)
    assert "Cursor sends model requests from its own servers" in local.stderr
    public = setup_cli(emulator, agent_home, "cursor", "--url", "https://gateway.example.com")
    assert public.returncode == 0, output_of(public)
    assert "Override OpenAI Base URL:   https://gateway.example.com/v1" in public.stdout


@pytest.mark.parametrize("client", ["cline", "goose"])
def test_gui_client_settings_name_the_gateway(
    emulator: EmulatorControl, agent_home: Path, lineup: Lineup, client: str
) -> None:
    result = setup_cli(emulator, agent_home, client)
    assert result.returncode == 0, output_of(result)
    assert "http://127.0.0.1:8787" in result.stdout and lineup.sonnet in result.stdout


# --- finding the running gateway ----------------------------------------------------------------------


@pytest.fixture
def serve_here(emulator: EmulatorControl) -> Iterator[StartServe]:
    """Start `brickgate serve` on a free port in this test's BRICKGATE_HOME (what setup reads)."""
    started: list[ServeProcess] = []

    def start(api_key: str | None) -> ServeProcess:
        serve = start_serve(emulator.url, emulator.token, Path(os.environ["BRICKGATE_HOME"]), api_key=api_key)
        started.append(serve)
        return serve

    yield start
    for serve in started:
        serve.stop()


def test_setup_finds_the_port_of_the_running_gateway(
    emulator: EmulatorControl, agent_home: Path, serve_here: StartServe
) -> None:
    serve = serve_here(None)
    result = setup_cli(emulator, agent_home, "codex")
    assert result.returncode == 0, output_of(result)
    assert f'base_url = "{serve.url}/v1"' in result.stdout
    assert "No running gateway" not in result.stderr


def test_a_keyed_gateway_needs_its_key_before_setup_writes_anything(
    emulator: EmulatorControl, agent_home: Path, serve_here: StartServe
) -> None:
    serve = serve_here("sk-gw-secret")
    missing = setup_cli(emulator, agent_home, "opencode", "--write")
    assert missing.returncode != 0 and "requires the key it was started with" in missing.stderr
    assert not (agent_home / ".config").exists()
    keyed = setup_cli(emulator, agent_home, "opencode", "--write", BRICKGATE_API_KEY="sk-gw-secret")
    assert keyed.returncode == 0, output_of(keyed)
    provider = written(agent_home, ".config", "opencode", "opencode.json")["provider"]["brickgate"]
    assert provider["options"] == {"baseURL": f"{serve.url}/v1", "apiKey": "{env:BRICKGATE_API_KEY}"}


def test_a_stopped_gateway_leaves_no_address_behind(
    emulator: EmulatorControl, agent_home: Path, serve_here: StartServe
) -> None:
    serve = serve_here(None)
    record = Path(os.environ["BRICKGATE_HOME"]) / "gateway.json"
    assert json.loads(record.read_text())["url"] == serve.url
    assert record.stat().st_mode & 0o077 == 0
    serve.stop()
    assert not record.exists()
    result = setup_cli(emulator, agent_home, "codex")
    assert 'base_url = "http://127.0.0.1:8787/v1"' in result.stdout
    assert "No running gateway recorded" in result.stderr and "--port" in result.stderr


def test_a_record_left_by_a_killed_gateway_is_ignored(emulator: EmulatorControl, agent_home: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    record = Path(os.environ["BRICKGATE_HOME"]) / "gateway.json"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"url": "http://127.0.0.1:9", "pid": dead.pid, "keyed": False}))
    result = setup_cli(emulator, agent_home, "codex")
    assert result.returncode == 0, output_of(result)
    assert 'base_url = "http://127.0.0.1:8787/v1"' in result.stdout
