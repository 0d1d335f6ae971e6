"""The configs `brickgate setup --write` produces, used as they are by a real client: the openai SDK
pointed by aider's own config file and the anthropic SDK pointed by Claude Code's settings.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.conftest import ConfigureAgent

openai = pytest.importorskip("openai")
anthropic = pytest.importorskip("anthropic")
pytestmark = pytest.mark.e2e


def test_aider_config_reaches_the_gateway(configure_agent: ConfigureAgent) -> None:
    env = configure_agent("aider")
    conf = yaml.safe_load((Path(env["HOME"]) / ".aider.conf.yml").read_text())
    client = openai.OpenAI(base_url=conf["openai-api-base"], api_key=conf["openai-api-key"], max_retries=0)
    done = client.chat.completions.create(
        model="databricks-gpt-oss-20b", messages=[{"role": "user", "content": "hi"}]
    )
    assert done.choices[0].message.content.startswith("Hello from databricks-gpt-oss-20b")


def test_claude_code_settings_reach_the_gateway(configure_agent: ConfigureAgent, emulator: Any) -> None:
    env = configure_agent("claude-code")
    settings = json.loads((Path(env["HOME"]) / ".claude" / "settings.json").read_text())["env"]
    client = anthropic.Anthropic(
        base_url=settings["ANTHROPIC_BASE_URL"], auth_token=settings["ANTHROPIC_AUTH_TOKEN"], max_retries=0
    )
    message = client.messages.create(
        model=settings["ANTHROPIC_DEFAULT_HAIKU_MODEL"],
        max_tokens=64,
        messages=[{"role": "user", "content": "hi"}],
    )
    assert message.content[0].text.startswith("Hello from databricks-claude-haiku-5-5")
