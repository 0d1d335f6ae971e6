"""How each coding agent is started non-interactively with permission to run a shell command, and where
its final answer is in what it prints (research/real-clients.md §1-3, agents-2026.md §2-8 and §14).

A matrix row is an ``AgentDriver``: the `brickgate setup` arguments that configure it (always --offline:
the strace test holds setup to it), its command line, the inbound API the gateway should see per column,
and — for a cell that cannot work for a reason outside brickgate — that reason (``blocked``).
Everything an agent is configured with comes from setup: files in its fresh home, plus the `export`
lines setup printed, run in the agent's shell (``with_exports``).
"""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.agent_install import PACKAGES, AgentPackage, binary_path
from tests.e2e.agents_harness import (
    AGENT_TIMEOUT,
    INBOUND_PATHS,
    AgentHome,
    AgentRun,
    Cell,
    Column,
    ServeProcess,
    json_lines,
    run_agent,
    with_exports,
)


def json_response(stdout: str) -> str:
    """``response`` of the one JSON object an agent prints (Gemini CLI, Continue), after any other text."""
    start = stdout.find("{")
    try:
        return str(json.loads(stdout[start:]).get("response", "")) if start >= 0 else ""
    except ValueError:
        return ""


class GatewayLacksApi(Exception):
    """The agent reached the gateway on an API the gateway does not serve yet (an expected state)."""


class AgentPhonesHome(Exception):
    """The agent contacted a host of its own that no setting turns off (an expected state)."""


class AgentDriver:
    """One row of the matrix."""

    name: str
    setup_agent: str
    label: str  # the row as the README shows it
    setup_options: tuple[str, ...] = ()
    # A reason outside this row's control that every cell fails for, and how the gateway log shows it.
    blocked: str = ""
    # Outside contacts the agent makes whatever it is told ("DNS lookup of HOST"), and why.
    phones_home: tuple[tuple[str, ...], str] = ((), "")
    timeout: int = AGENT_TIMEOUT
    linger = 0.0  # see Cell.linger

    def cell(self, family: str) -> Cell:
        return Cell(self.name, family, self.linger)

    @property
    def package(self) -> AgentPackage:
        return PACKAGES[self.setup_agent]

    @property
    def binary(self) -> str:
        return str(binary_path(self.package))

    def setup_args(self, cell: Cell) -> list[str]:
        return [self.setup_agent, "--offline", *self.setup_options]

    def argv(self, home: AgentHome, cell: Cell) -> list[str]:
        raise NotImplementedError

    def command(self, home: AgentHome, cell: Cell, setup_output: str) -> list[str]:
        return with_exports(setup_output, self.argv(home, cell))

    def env(self, home: AgentHome, serve: ServeProcess) -> dict[str, str]:
        """The user's shell: their gateway key in BRICKGATE_API_KEY, as setup's output asks."""
        return home.env(BRICKGATE_API_KEY=serve.api_key, **self.package.env())

    def run(self, command: list[str], home: AgentHome, serve: ServeProcess) -> AgentRun:
        return run_agent(command, home, self.env(home, serve), timeout=self.timeout)

    def inbound_api(self, column: Column) -> str:
        """The API the agent speaks to the gateway for this column (default: the model's own)."""
        return column.upstream

    def inbound_path(self, column: Column) -> str:
        return INBOUND_PATHS[self.inbound_api(column)]

    def final_answer(self, run: AgentRun) -> str:
        raise NotImplementedError

    def check_blocked(self, cell: Cell, gateway_lines: list[str]) -> None:
        """Raise ``GatewayLacksApi`` when the run shows this row's declared blocker."""


class ClaudeCode(AgentDriver):
    """`claude -p PROMPT --allowedTools Bash`: Anthropic Messages for every model (prompt first:
    --allowedTools is variadic and would swallow it). Everything else comes from settings.json."""

    name = setup_agent = "claude-code"
    label = "Claude Code (Messages)"

    def argv(self, home: AgentHome, cell: Cell) -> list[str]:
        flags = ["--model", cell.vendor_model, "--allowedTools", "Bash", "--output-format", "json"]
        return [self.binary, "-p", cell.prompt, *flags]

    def inbound_api(self, column: Column) -> str:
        return "messages"

    def final_answer(self, run: AgentRun) -> str:
        results = [d for d in json_lines(run.stdout) if d.get("type") == "result"]
        return str(results[-1].get("result", "")) if results else ""


class Codex(AgentDriver):
    """`codex exec` with the provider setup wrote (Responses only), no approval prompts."""

    name = setup_agent = "codex"
    label = "Codex CLI (Responses)"

    def argv(self, home: AgentHome, cell: Cell) -> list[str]:
        flags = ["--json", "--strict-config", "--skip-git-repo-check", "--ephemeral"]
        no_sandbox = "--dangerously-bypass-approvals-and-sandbox"  # runs the command without bubblewrap
        return [self.binary, "exec", *flags, no_sandbox, "-m", cell.vendor_model, cell.prompt]

    def inbound_api(self, column: Column) -> str:
        return "responses"

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
    label = "opencode (per setup: Messages / Responses / Chat)"
    config = (".config", "opencode", "opencode.json")

    def provider_for(self, home: AgentHome, cell: Cell) -> str:
        providers: dict[str, Any] = json.loads(home.home.joinpath(*self.config).read_text())["provider"]
        found = [pid for pid, block in providers.items() if cell.endpoint in block.get("models", {})]
        assert found, f"setup listed {cell.endpoint} under no provider: {sorted(providers)}"
        return found[0]

    def argv(self, home: AgentHome, cell: Cell) -> list[str]:
        model = f"{self.provider_for(home, cell)}/{cell.endpoint}"
        flags = ["--title", "e2e", "--format", "json", "--auto"]  # a title skips the title-making request
        return [self.binary, "run", *flags, "--model", model, cell.prompt]

    def final_answer(self, run: AgentRun) -> str:
        texts = [
            str(d["part"].get("text", ""))
            for d in json_lines(run.stdout)
            if d.get("type") == "text" and isinstance(d.get("part"), dict)
        ]
        return "\n".join(texts)


class OpenCodeChat(OpenCode):
    """opencode with `setup --api chat`: every model under its Chat Completions provider, so Claude, GPT
    and Codex cells cross APIs in the gateway."""

    name = "opencode-chat"
    label = "opencode (Chat Completions for every model)"
    setup_options = ("--api", "chat")

    def inbound_api(self, column: Column) -> str:
        return "chat"


class Kilo(OpenCode):
    """Kilo CLI, an opencode fork: the same providers in its own file, `kilo run --auto`."""

    name = setup_agent = "kilo"
    label = "Kilo CLI (per setup: Messages / Responses / Chat)"
    config = (".config", "kilo", "kilo.json")
    timeout = 300  # ~25 s of CPU per start (measured on 7.7.7): minutes when the machine is busy


class Copilot(AgentDriver):
    """GitHub Copilot CLI in BYOK mode, one API per session (`setup copilot --api X`), configured by
    the environment setup prints; `copilot -p --output-format json` prints JSONL events."""

    setup_agent = "copilot"

    def __init__(self, api: str, label: str) -> None:
        self.api = api
        self.name = f"copilot-{api}"
        self.label = f"Copilot CLI ({label})"
        self.setup_options = ("--api", api)

    def argv(self, home: AgentHome, cell: Cell) -> list[str]:
        flags = ["--allow-all-tools", "--no-ask-user", "--no-auto-update", "--output-format", "json"]
        return [self.binary, "-p", cell.prompt, "--model", cell.endpoint, *flags]

    def inbound_api(self, column: Column) -> str:
        return self.api

    def final_answer(self, run: AgentRun) -> str:
        messages = [
            str(d["data"].get("content", ""))
            for d in json_lines(run.stdout)
            if d.get("type") == "assistant.message" and isinstance(d.get("data"), dict)
        ]
        return messages[-1] if messages else ""


class GeminiCli(AgentDriver):
    """Gemini CLI headless: `gemini -p --approval-mode yolo -o json --skip-trust`, the Gemini API only."""

    name = setup_agent = "gemini-cli"
    label = "Gemini CLI (Gemini API)"

    def cell(self, family: str) -> Cell:
        # 0.61's shell tool refuses command substitution ("Command injection detected"), $((40+2)) too
        return Cell(self.name, family, self.linger, substitution=False)

    def argv(self, home: AgentHome, cell: Cell) -> list[str]:
        flags = ["--approval-mode", "yolo", "-o", "json", "--skip-trust"]
        return [self.binary, "-p", cell.prompt, "-m", cell.endpoint, *flags]

    def inbound_api(self, column: Column) -> str:
        return "gemini"

    def inbound_path(self, column: Column) -> str:
        return f"/v1beta/models/{column.endpoint}:streamGenerateContent"

    def final_answer(self, run: AgentRun) -> str:
        return json_response(run.stdout)


class Pi(AgentDriver):
    """Pi in print mode with JSON events; no permission prompts by design."""

    name = setup_agent = "pi"
    label = "Pi (per setup: Messages / Responses / Chat)"
    isolation = ("--no-session", "--no-extensions", "--no-skills", "--no-prompt-templates", "--no-themes")

    def argv(self, home: AgentHome, cell: Cell) -> list[str]:
        providers = json.loads((home.home / ".pi" / "agent" / "models.json").read_text())["providers"]
        provider = next(p for p, b in providers.items() if any(m["id"] == cell.endpoint for m in b["models"]))
        flags = ["--mode", "json", *self.isolation, "--no-context-files", "--provider", provider]
        return [self.binary, "-p", *flags, "--model", cell.endpoint, cell.prompt]

    def final_answer(self, run: AgentRun) -> str:
        ends = [d for d in json_lines(run.stdout) if d.get("type") == "agent_end"]
        if not ends:
            return ""
        last = [m for m in ends[-1].get("messages", []) if m.get("role") == "assistant"][-1:]
        return "".join(str(part.get("text", "")) for m in last for part in m.get("content", []))


class Continue(AgentDriver):
    """Continue CLI (`cn -p --auto`): it starts with the first model of its config, so each cell runs
    `setup continue --model ENDPOINT`; Claude over Messages, the rest over Chat Completions."""

    name = setup_agent = "continue"
    label = "Continue CLI (per setup: Messages / Chat)"
    phones_home = (
        ("DNS lookup of api.continue.dev",),
        "Continue CLI 1.5.47 asks api.continue.dev for its latest version, with a machine id, at every start "
        "(src/version.ts runs it on import; no setting or variable turns it off)",
    )

    def setup_args(self, cell: Cell) -> list[str]:
        return [*super().setup_args(cell), "--model", cell.endpoint]

    def argv(self, home: AgentHome, cell: Cell) -> list[str]:
        return [self.binary, "-p", "--auto", "--format", "json", cell.prompt]

    def inbound_api(self, column: Column) -> str:
        return "messages" if column.upstream == "messages" else "chat"

    def final_answer(self, run: AgentRun) -> str:
        return json_response(run.stdout)


class QwenCode(AgentDriver):
    """Qwen Code (`qwen --yolo -o json`), the auth type that speaks the model's API (from its settings).

    Qwen Code 0.24.4 settles a headless shell command on the process's `exit` event without waiting for
    its stdout to drain (ShellExecutionService.childProcessFallback), so on a busy machine a command that
    exits at once is reported as "Output: (empty)". Its cells' command lingers after printing."""

    name = setup_agent = "qwen-code"
    label = "Qwen Code (per setup: Messages / Responses / Chat)"
    linger = 1.0

    def argv(self, home: AgentHome, cell: Cell) -> list[str]:
        settings = json.loads((home.home / ".qwen" / "settings.json").read_text())
        auth = next(
            a for a, ms in settings["modelProviders"].items() if any(m["id"] == cell.endpoint for m in ms)
        )
        return [self.binary, "--yolo", "-o", "json", "--auth-type", auth, "-m", cell.endpoint, cell.prompt]

    def env(self, home: AgentHome, serve: ServeProcess) -> dict[str, str]:
        return {**super().env(home, serve), "QWEN_CODE_SUPPRESS_YOLO_WARNING": "1"}

    def final_answer(self, run: AgentRun) -> str:
        try:
            events = json.loads(run.stdout[run.stdout.find("[") :])
        except ValueError:
            return ""
        results = [e for e in events if isinstance(e, dict) and e.get("type") == "result"]
        return str(results[-1].get("result", "")) if results else ""


class Crush(AgentDriver):
    """Crush (`crush run -q`), its providers from `setup crush` (crush.json)."""

    name = setup_agent = "crush"
    label = "Crush (per setup: Messages / Responses / Chat)"

    def argv(self, home: AgentHome, cell: Cell) -> list[str]:
        config = json.loads((home.home / ".config" / "crush" / "crush.json").read_text())
        provider = next(
            p for p, b in config["providers"].items() if any(m["id"] == cell.endpoint for m in b["models"])
        )
        data = str(home.root / "crush-data")  # its own data dir: a shared one is locked per process
        return [self.binary, "run", "-q", "-D", data, "-m", f"{provider}/{cell.endpoint}", cell.prompt]

    def final_answer(self, run: AgentRun) -> str:
        return run.stdout


DRIVERS: dict[str, AgentDriver] = {
    d.name: d
    for d in (
        OpenCode(),
        OpenCodeChat(),
        Codex(),
        ClaudeCode(),
        GeminiCli(),
        Copilot("chat", "Chat Completions"),
        Copilot("responses", "Responses"),
        Copilot("messages", "Messages"),
        Kilo(),
        Pi(),
        Crush(),
        Continue(),
        QwenCode(),
    )
}
