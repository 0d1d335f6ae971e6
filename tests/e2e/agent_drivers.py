"""How each coding agent is started non-interactively, offline, with permission to run a shell command,
and where its final answer is in what it prints (research/real-clients.md §1-3).

A matrix row is an ``AgentDriver``: the `brickgate setup` agent whose config it uses, the command line,
the extra environment, and the inbound API the gateway should see for each family.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.e2e.agent_install import PACKAGES, AgentPackage, binary_path
from tests.e2e.agents_harness import (
    FAMILY_ENDPOINTS,
    AgentHome,
    AgentRun,
    Cell,
    ServeProcess,
    declared_apis,
    json_lines,
)

MESSAGES, RESPONSES, CHAT = "/v1/messages", "/v1/responses", "/v1/chat/completions"
INBOUND_PATHS = {"messages": MESSAGES, "responses": RESPONSES, "chat": CHAT}
# opencode would otherwise fetch models.dev and plugin metadata from the npm registry on every run, and
# try plugins, LSP downloads and sharing.
OPENCODE_OFFLINE = {
    "npm_config_offline": "true",
    "OPENCODE_DISABLE_MODELS_FETCH": "1",
    "OPENCODE_DISABLE_AUTOUPDATE": "1",
    "OPENCODE_DISABLE_DEFAULT_PLUGINS": "1",
    "OPENCODE_DISABLE_LSP_DOWNLOAD": "1",
    "OPENCODE_DISABLE_SHARE": "1",
    "OPENCODE_DISABLE_CLAUDE_CODE": "1",
    "OPENCODE_DISABLE_EXTERNAL_SKILLS": "1",
}


class AgentDriver:
    """One row of the matrix."""

    name: str
    setup_agent: str

    @property
    def package(self) -> AgentPackage:
        return PACKAGES[self.setup_agent]

    @property
    def binary(self) -> str:
        return str(binary_path(self.package))

    def argv(self, home: AgentHome, cell: Cell) -> list[str]:
        raise NotImplementedError

    def env(self, home: AgentHome, serve: ServeProcess) -> dict[str, str]:
        return home.env()

    def prepare(self, home: AgentHome) -> None:
        """Adjust what setup wrote, where a row tests something setup does not configure."""

    def inbound_path(self, family: str) -> str:
        raise NotImplementedError

    def final_answer(self, run: AgentRun) -> str:
        raise NotImplementedError


class ClaudeCode(AgentDriver):
    """`claude -p PROMPT --allowedTools Bash`: Anthropic Messages for every model (prompt first:
    --allowedTools is variadic and would swallow it). Everything else comes from settings.json."""

    name = setup_agent = "claude-code"

    def argv(self, home: AgentHome, cell: Cell) -> list[str]:
        flags = ["--model", cell.vendor_model, "--allowedTools", "Bash", "--output-format", "json"]
        return [self.binary, "-p", cell.prompt, *flags]

    def inbound_path(self, family: str) -> str:
        return MESSAGES

    def final_answer(self, run: AgentRun) -> str:
        results = [d for d in json_lines(run.stdout) if d.get("type") == "result"]
        return str(results[-1].get("result", "")) if results else ""


class Codex(AgentDriver):
    """`codex exec` with the provider setup wrote (Responses only), no approval prompts."""

    name = setup_agent = "codex"

    def argv(self, home: AgentHome, cell: Cell) -> list[str]:
        flags = ["--json", "--strict-config", "--skip-git-repo-check", "--ephemeral"]
        no_sandbox = "--dangerously-bypass-approvals-and-sandbox"  # runs the command without bubblewrap
        return [self.binary, "exec", *flags, no_sandbox, "-m", cell.vendor_model, cell.prompt]

    def env(self, home: AgentHome, serve: ServeProcess) -> dict[str, str]:
        return home.env(BRICKGATE_API_KEY=serve.api_key)  # setup's env_key; its output says to export it

    def inbound_path(self, family: str) -> str:
        return RESPONSES

    def final_answer(self, run: AgentRun) -> str:
        messages = [
            d["item"].get("text", "")
            for d in json_lines(run.stdout)
            if d.get("type") == "item.completed" and d.get("item", {}).get("type") == "agent_message"
        ]
        return str(messages[-1]) if messages else ""


class OpenCode(AgentDriver):
    """`opencode run --auto` with the providers setup wrote: Messages for Claude, Responses for GPT and
    Codex, Chat Completions for the rest."""

    name = setup_agent = "opencode"

    def provider_for(self, home: AgentHome, cell: Cell) -> str:
        providers: dict[str, Any] = read_opencode_config(home)["provider"]
        found = [pid for pid, block in providers.items() if cell.endpoint in block.get("models", {})]
        assert found, f"setup listed {cell.endpoint} under no opencode provider: {sorted(providers)}"
        return found[0]

    def argv(self, home: AgentHome, cell: Cell) -> list[str]:
        model = f"{self.provider_for(home, cell)}/{cell.endpoint}"
        flags = ["--title", "e2e", "--format", "json", "--auto"]  # a title skips the title-making request
        return [self.binary, "run", *flags, "--model", model, cell.prompt]

    def env(self, home: AgentHome, serve: ServeProcess) -> dict[str, str]:
        return home.env(BRICKGATE_API_KEY=serve.api_key, **OPENCODE_OFFLINE)

    def inbound_path(self, family: str) -> str:
        return INBOUND_PATHS[declared_apis(family)[0]]  # setup groups models by their best declared API

    def final_answer(self, run: AgentRun) -> str:
        texts = [
            str(d["part"].get("text", ""))
            for d in json_lines(run.stdout)
            if d.get("type") == "text" and isinstance(d.get("part"), dict)
        ]
        return "\n".join(texts)


class OpenCodeChat(OpenCode):
    """opencode's Chat Completions provider (`@ai-sdk/openai-compatible`) for every family, so Claude,
    GPT and Codex cells cross APIs in the gateway. Setup lists only chat-upstream models under it, so the
    other families' entries are copied into that provider; baseURL and key stay as setup wrote them."""

    name = "opencode-chat"
    CHAT_PROVIDER = "brickgate"

    def prepare(self, home: AgentHome) -> None:
        path = opencode_config_path(home)
        config = json.loads(path.read_text())
        providers = config["provider"]
        chat_models = providers[self.CHAT_PROVIDER]["models"]
        for block in providers.values():
            for model_id, entry in block.get("models", {}).items():
                if model_id in FAMILY_ENDPOINTS.values():
                    chat_models.setdefault(model_id, entry)
        path.write_text(json.dumps(config, indent=2))

    def provider_for(self, home: AgentHome, cell: Cell) -> str:
        return self.CHAT_PROVIDER

    def inbound_path(self, family: str) -> str:
        return CHAT


def opencode_config_path(home: AgentHome) -> Path:
    return home.home / ".config" / "opencode" / "opencode.json"


def read_opencode_config(home: AgentHome) -> dict[str, Any]:
    config: dict[str, Any] = json.loads(opencode_config_path(home).read_text())
    return config


DRIVERS: dict[str, AgentDriver] = {d.name: d for d in (OpenCode(), OpenCodeChat(), Codex(), ClaudeCode())}
