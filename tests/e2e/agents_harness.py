"""Drive the real coding agents through `brickgate serve` in front of the emulator.

The gateway runs as a real `brickgate serve` subprocess; each agent run gets a fresh HOME whose config
is exactly what `brickgate setup AGENT --write` wrote there. Every agent runs under coreutils
`timeout` with stdin from /dev/null (agents retry forever on some errors, or read stdin when it is
not a terminal), and everything it printed is kept for the assertion message.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.model_names import vendor_name
from tests.cli_harness import CLI

AGENT_TIMEOUT = 120  # seconds; a normal tool round trip takes 2-15 s
SERVE_STARTUP = 30.0
GATEWAY_KEY = "sk-brickgate-e2e"  # `serve --api-key`: proves each agent sends what setup configured


@dataclass(frozen=True)
class Column:
    """One column of the matrix: the endpoint that stands for it in the emulator's default workspace, the
    APIs its model declares there (best first), and the rows it runs in (empty: every row)."""

    family: str
    endpoint: str
    declared: tuple[str, ...]  # chat, messages, responses or gemini; best first (routing.PREFERENCE)
    rows: tuple[str, ...] = ()

    @property
    def upstream(self) -> str:
        """The model's best declared API: the one setup groups it under, and translation's target."""
        return self.declared[0]

    def upstream_for(self, inbound: str) -> str:
        """The API the gateway calls the model with for a caller of ``inbound``: that one when the model
        declares it (relayed as it is), else the model's best (issue 12)."""
        return inbound if inbound in self.declared else self.upstream

    def runs_in(self, row: str) -> bool:
        return not self.rows or row in self.rows


UPSTREAM_PATH_SUFFIXES = {"messages": "/v1/messages", "responses": "/responses", "chat": "/chat/completions"}
INBOUND_PATHS = {"messages": "/v1/messages", "responses": "/v1/responses", "chat": "/v1/chat/completions"}
# The rows the issue-12 columns run in: the agent of each API (Codex, Claude Code, Copilot over Chat, which
# crosses to Responses for GPT-5.5 Pro) and setup's grouping by best declared API (opencode, Pi). In all 13
# rows the five columns would add ~14 min to the matrix's ~22 on 2 cores (Kilo, opencode and Qwen Code cost
# 20-55 s per cell); in these five they add ~5 min (280 s measured, 162 s of it opencode's).
DECLARED_ROWS = ("opencode", "codex", "claude-code", "copilot-chat", "pi")
# The matrix's columns, in order: one model per family, then the late-2026 models that declare more than
# one API (research 2026 §1.3).
COLUMNS = (
    Column("claude", "databricks-claude-sonnet-4-5", ("messages", "chat")),
    Column("gpt", "databricks-gpt-5-2", ("responses", "chat")),
    Column("codex", "databricks-gpt-5-2-codex", ("responses",)),
    Column("gemini", "databricks-gemini-2-5-flash", ("chat", "gemini")),
    Column("llama", "databricks-meta-llama-3-3-70b-instruct", ("chat",)),
    Column("gpt-oss", "databricks-gpt-oss-20b", ("chat",)),
    Column("qwen", "databricks-qwen3-next-80b-a3b-instruct", ("chat",)),
    Column("gemma", "databricks-gemma-3-12b", ("chat",)),
    Column("glm-5.3", "databricks-glm-5-3", ("messages", "responses", "chat"), DECLARED_ROWS),
    Column("kimi-k3", "databricks-kimi-k3", ("messages", "responses", "chat"), DECLARED_ROWS),
    Column("deepseek-v4", "databricks-deepseek-v4-1-flash-1017", ("responses", "chat"), DECLARED_ROWS),
    Column("gpt-5.5-pro", "databricks-gpt-5-5-pro", ("responses",), DECLARED_ROWS),
    Column("claude-5", "databricks-claude-sonnet-5", ("messages", "chat"), DECLARED_ROWS),
)
COLUMN = {c.family: c for c in COLUMNS}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the gateway --------------------------------------------------------------------------------------


@dataclass
class ServeProcess:
    """`brickgate serve --port PORT --api-key KEY` in a subprocess; its stderr (banner, access log) kept."""

    proc: subprocess.Popen[str]
    port: int
    api_key: str
    home: Path  # its BRICKGATE_HOME, where it records its address for `brickgate setup`
    lines: list[str] = field(default_factory=list, repr=False)  # appended by a reader thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, count: int = 20, *, since: int = 0) -> str:
        return "".join(self.lines[since:][-count:])

    def access_lines_since(self, mark: int, *, wanted: str, count: int, wait: float = 3.0) -> list[str]:
        """Log lines after ``mark`` (a ``len(lines)``) containing ``wanted``; waits briefly for ``count``."""
        deadline = time.monotonic() + wait
        while True:
            found = [line for line in self.lines[mark:] if wanted in line]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def databricks_env(emulator_url: str, token: str, brickgate_home: Path) -> dict[str, str]:
    """What `brickgate serve` and `brickgate setup` need to reach the emulated workspace, nothing ambient."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABRICKS_HOST": emulator_url,
        "DATABRICKS_TOKEN": token,
        "DATABRICKS_CONFIG_FILE": str(brickgate_home / "no-databrickscfg"),
        "BRICKGATE_HOME": str(brickgate_home),
        "NO_COLOR": "1",
        "TERM": "dumb",
    }


def start_serve(
    emulator_url: str, token: str, brickgate_home: Path, api_key: str | None = GATEWAY_KEY
) -> ServeProcess:
    """Start the gateway (``--api-key`` unless None) and return once it answers /health."""
    port = free_port()
    env = {**databricks_env(emulator_url, token, brickgate_home), "BRICKGATE_API_KEY": api_key or ""}
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    serve = ServeProcess(proc, port, api_key or "", brickgate_home)
    stderr = proc.stderr
    assert stderr is not None
    threading.Thread(target=lambda: serve.lines.extend(stderr), daemon=True).start()
    deadline = time.monotonic() + SERVE_STARTUP
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"`brickgate serve` exited {proc.returncode}:\n{serve.log_tail()}")
        try:
            with urllib.request.urlopen(serve.url + "/health", timeout=2):
                return serve
        except OSError:
            time.sleep(0.1)
    serve.stop()
    raise RuntimeError(
        f"`brickgate serve` did not answer /health in {SERVE_STARTUP:.0f}s:\n{serve.log_tail()}"
    )


# --- one agent run ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One agent x family run: a shell command whose output appears nowhere in the prompt.
    ``family`` may also label a case outside the matrix; its endpoint is then unknown ("?")."""

    agent: str
    family: str
    linger: float = 0.0  # seconds the command waits after printing (see QwenCode in agent_drivers.py)
    substitution: bool = True  # False: a printf instead of $((...)) (see GeminiCli in agent_drivers.py)

    @property
    def column(self) -> Column:
        return COLUMN.get(self.family, Column(self.family, "?", ("chat",)))

    @property
    def endpoint(self) -> str:
        return self.column.endpoint

    @property
    def vendor_model(self) -> str:
        return vendor_name(self.endpoint)

    @property
    def marker(self) -> str:
        """What the command prints: only a shell that really ran it can produce the `42`."""
        return f"e2e-{self.agent}-{self.family}-42"

    @property
    def command(self) -> str:
        echo = f"echo e2e-{self.agent}-{self.family}-$((40+2))"
        if not self.substitution:
            echo = f"printf 'e2e-{self.agent}-{self.family}-%d\\n' 42"
        return f"{echo}; sleep {self.linger:g}" if self.linger else echo

    @property
    def prompt(self) -> str:
        return f"Please run the command `{self.command}` and tell me what it printed."


@dataclass(frozen=True)
class AgentRun:
    argv: list[str]
    returncode: int
    stdout: str = field(repr=False)
    stderr: str = field(repr=False)
    seconds: float
    cpu_seconds: float = 0.0  # user + system CPU of the agent's process tree (what load cannot inflate)

    @property
    def timed_out(self) -> bool:
        return self.returncode in (124, 137)  # coreutils timeout: TERM sent / KILL sent

    def tail(self, chars: int = 3000) -> str:
        return f"--- stdout (tail) ---\n{self.stdout[-chars:]}\n--- stderr (tail) ---\n{self.stderr[-chars:]}"


@dataclass(frozen=True)
class AgentHome:
    """A fresh home for one agent run, and the project directory it works in."""

    root: Path

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def project(self) -> Path:
        return self.root / "project"

    @classmethod
    def create(cls, root: Path) -> AgentHome:
        made = cls(root)
        made.home.mkdir(parents=True)
        made.project.mkdir(parents=True)
        return made

    def env(self, **extra: str) -> dict[str, str]:
        """A clean environment: nothing from the developer's shell (API keys, XDG dirs) leaks in."""
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "CODEX_HOME": str(self.home / ".codex"),
            "LANG": "C.UTF-8",
            "TERM": "dumb",
            "NO_COLOR": "1",
            **extra,
        }


def run_setup(args: list[str], home: AgentHome, serve: ServeProcess, emulator: EmulatorControl) -> str:
    """`brickgate setup ARGS --write` into ``home``, finding the gateway the way a user's setup does (the
    address `serve` recorded in its home, no --port); its output, or an AssertionError."""
    env = {
        **databricks_env(emulator.url, emulator.token, serve.home),
        **home.env(BRICKGATE_API_KEY=serve.api_key),
    }
    result = subprocess.run(
        [*CLI, "setup", *args, "--write"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, (
        f"`brickgate setup {' '.join(args)} --write` failed:\n{result.stdout}{result.stderr}"
    )
    return result.stdout


def with_exports(setup_output: str, argv: list[str]) -> list[str]:
    """``argv`` started the way a user would after setup: in a shell that ran the `export` lines setup
    printed (values like "$BRICKGATE_API_KEY" expand there, as in the user's shell profile)."""
    exports = [line.strip() for line in setup_output.splitlines() if line.strip().startswith("export ")]
    if not exports:
        return argv
    return ["bash", "-c", "\n".join([*exports, 'exec "$@"']), "agent", *argv]


def run_agent(
    argv: list[str], home: AgentHome, env: dict[str, str], timeout: int = AGENT_TIMEOUT
) -> AgentRun:
    """Run an agent under `timeout`, stdin from /dev/null, output to files (children may keep pipes open)."""
    out_path, err_path = home.root / "agent.stdout", home.root / "agent.stderr"
    full = ["timeout", "--kill-after=5", str(timeout), *argv]
    started, cpu_before = time.monotonic(), _children_cpu()
    with open(out_path, "w") as out, open(err_path, "w") as err:
        proc = subprocess.Popen(
            full,
            cwd=home.project,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        try:
            returncode = proc.wait(timeout=timeout + 15)
        except subprocess.TimeoutExpired:
            proc.kill()
            returncode = proc.wait()
        finally:
            _kill_group(proc.pid)  # helpers the agent left behind (LSP servers, shells)
    seconds, cpu = time.monotonic() - started, _children_cpu() - cpu_before
    out_text, err_text = out_path.read_text(errors="replace"), err_path.read_text(errors="replace")
    return AgentRun(full, returncode, out_text, err_text, seconds, cpu)


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (each xdist worker runs one agent at a time)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON objects of a JSONL stream, skipping anything else the agent printed."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                doc = json.loads(line)
            except ValueError:
                continue
            if isinstance(doc, dict):
                found.append(doc)
    return found


# --- what the upstream saw ----------------------------------------------------------------------------


def requests_summary(recorded: list[dict[str, Any]]) -> str:
    """One line per recorded upstream request: status, path, model, last message kinds."""
    lines = []
    for r in recorded:
        body = _body(r)
        turns = body.get("messages") or body.get("input") or []
        turns = turns if isinstance(turns, list) else []
        kinds = [t.get("role") or t.get("type") for t in turns[-3:] if isinstance(t, dict)]
        lines.append(
            f"{r.get('status')} {r.get('method')} {r.get('path')} model={body.get('model')} last={kinds}"
        )
    return "\n".join(lines) or "(no upstream requests)"


def reached_model(recorded: list[dict[str, Any]], cell: Cell, api: str) -> list[dict[str, Any]]:
    """Successful upstream requests for the cell's endpoint over ``api``."""
    return [r for r in recorded if r.get("status") == 200 and _reaches(r, cell.endpoint, api)]


def _reaches(recorded: dict[str, Any], endpoint: str, api: str) -> bool:
    path = str(recorded.get("path", ""))
    if api == "gemini":  # the Gemini API names the endpoint in the path, then the method
        return f"/gemini/v1beta/models/{endpoint}:" in path
    return path.endswith(UPSTREAM_PATH_SUFFIXES[api]) and endpoint in (
        str(_body(recorded).get("model")),
        *path.split("/"),
    )


def _body(recorded: dict[str, Any]) -> dict[str, Any]:
    body = recorded.get("body")
    return body if isinstance(body, dict) else {}


def diagnosis(
    cell: Cell, run: AgentRun, serve: ServeProcess, recorded: list[dict[str, Any]], *, log_mark: int
) -> str:
    """Everything needed to see why a cell failed without rerunning it (gateway lines after ``log_mark``)."""
    state = "TIMED OUT" if run.timed_out else f"exit {run.returncode}"
    return (
        f"\n{cell.agent} x {cell.family} ({cell.endpoint}): {state} after {run.seconds:.1f}s\n"
        f"argv: {' '.join(run.argv)}\n{run.tail()}\n"
        f"--- gateway access log during the run ---\n{serve.log_tail(since=log_mark)}\n"
        f"--- upstream requests seen by the emulator ---\n{requests_summary(recorded)}\n"
    )
