"""Which agent sent a request: a name and a version picked out of the request's headers.

``X-Brickgate-Agent: NAME[/VERSION]`` (written by `brickgate setup` into an agent's config) wins; otherwise
the User-Agent's product token. Only a short name (letters, ``._-``, a few digits) and a dotted version
number are kept, so nothing else a header holds (a key pasted in the wrong place) can reach the ledger.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable
from pathlib import Path

AGENT_HEADER = b"x-brickgate-agent"
# User-Agent prefix (lower case) → the agent's name. The first match wins: longer prefixes first.
KNOWN_USER_AGENTS: tuple[tuple[str, str], ...] = (
    ("claude-cli/", "claude-code"),
    ("claude-code/", "claude-code"),
    ("codex_exec/", "codex"),
    ("codex_cli_rs/", "codex"),
    ("codex-tui/", "codex"),
    ("opencode/", "opencode"),
    ("aider/", "aider"),
    ("llm/", "llm"),
    ("openai/python", "openai-python"),
    ("openai/js", "openai-node"),
    ("anthropic/python", "anthropic-python"),
    ("anthropic/js", "anthropic-node"),
    ("litellm/", "litellm"),
)
_NAME = re.compile(r"[a-z][a-z0-9._-]{0,23}")
MAX_NAME_DIGITS = 4  # product names have few; tokens and keys have many
_VERSION = re.compile(r"\d+(?:\.\d+){1,3}")
CLI_COMMANDS = ("run", "chat", "doctor", "demo")
_MODULE_PATH = ("brickgate", "cli", "main.py")  # python -m brickgate.cli.main


def agent_of(headers: Iterable[tuple[bytes, bytes]]) -> tuple[str | None, str | None]:
    """(name, version) from ASGI request headers; (None, None) when nothing usable was sent."""
    return agent_from(*agent_headers(headers))


def agent_headers(headers: Iterable[tuple[bytes, bytes]]) -> tuple[bytes | None, bytes | None]:
    """The raw X-Brickgate-Agent and User-Agent values (cheap: the parsing waits for ``agent_from``)."""
    named = user_agent = None
    for key, value in headers:
        if key == AGENT_HEADER:
            named = value
        elif key == b"user-agent":
            user_agent = value
    return named, user_agent


@functools.lru_cache(maxsize=256)  # agents send the same headers every time
def agent_from(named: bytes | None, user_agent: bytes | None) -> tuple[str | None, str | None]:
    if named is not None:
        found = _from_agent_header(named.decode("latin-1"))
        if found[0] is not None:
            return found
    return from_user_agent(user_agent.decode("latin-1")) if user_agent else (None, None)


def _from_agent_header(value: str) -> tuple[str | None, str | None]:
    name, _, version = value.strip().lower().partition("/")
    if not _is_name(name):
        return None, None
    return name, version if _VERSION.fullmatch(version) else None


def from_user_agent(user_agent: str) -> tuple[str | None, str | None]:
    lowered = user_agent.strip().lower()
    name = next((agent for prefix, agent in KNOWN_USER_AGENTS if lowered.startswith(prefix)), None)
    if name is None:
        product = lowered.split("/", 1)[0].split(" ", 1)[0]
        name = product if _is_name(product) else None
    found = _VERSION.search(lowered)
    return name, found.group(0) if found and name else None


def _is_name(text: str) -> bool:
    return _NAME.fullmatch(text) is not None and sum(c.isdigit() for c in text) <= MAX_NAME_DIGITS


def library_agent(argv: list[str] | None = None) -> str:
    """The agent of a library call: ``brickgate run`` (or chat, doctor) inside the CLI, else ``python``."""
    args = sys.argv if argv is None else argv
    if args and (Path(args[0]).name == "brickgate" or Path(args[0]).parts[-3:] == _MODULE_PATH):
        command = next((a for a in args[1:] if a in CLI_COMMANDS), None)
        if command is not None:
            return f"brickgate {command}"
    return "python"
