"""The scripted model: one deterministic decision per request, rendered later in each wire format.

- A last user turn asking to ``run the command `X` `` (or "run the marker command") with tools on offer
  → a call of the most shell-like tool, arguments built from its JSON schema.
- A conversation ending in a tool result → "The command printed: <output>".
- Otherwise → "Hello from <endpoint> (<family>)! You said: <first 60 chars>".
Reasoning comes first when the request enables it and the prompt mentions thinking or reasoning (or always,
for a model that reasons unasked). `limit_output` then stops the reply at the request's output-token limit.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

MARKER_COMMAND = "echo brickgate-tool-ok"
SHELL_TOOL_NAMES = (
    "bash",
    "shell",
    "exec_command",
    "run_command",
    "run_shell_command",
    "execute",
    "terminal",
)
_COMMAND_PROPERTIES = ("command", "cmd", "script")
_RUN_COMMAND = re.compile(r"run the command `([^`]+)`", re.IGNORECASE)
_WANTS_REASONING = re.compile(r"think|reason", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ToolOffer:
    name: str
    schema: dict[str, Any]
    kind: str = "function"  # "function" | "custom" (Responses free-form tools take raw text input)


@dataclass(frozen=True, slots=True, kw_only=True)
class Conversation:
    """What the script needs from a request, whatever API it came through."""

    last_user_text: str
    tool_output: str | None  # set when the conversation ends with a tool result
    tools: tuple[ToolOffer, ...] = ()
    reasoning_enabled: bool = False
    input_chars: int = 0
    prior_tool_calls: int = 0  # tool calls already made in the history


@dataclass(frozen=True, slots=True)
class ToolCall:
    call_id: str  # bare digest; renderers add their API's prefix (call_, toolu_)
    name: str
    arguments: str  # JSON text for functions, raw input for custom tools
    kind: str = "function"


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    text: str = ""
    reasoning: str = ""
    tool_call: ToolCall | None = None
    input_tokens: int = 1
    output_tokens: int = 1
    seed: str = field(default="0" * 24)  # stable per request; ids derive from it
    truncated: bool = False  # stopped at the request's output-token limit

    def text_chunks(self) -> list[str]:
        return split_in_chunks(self.text)

    def reasoning_chunks(self) -> list[str]:
        return split_in_chunks(self.reasoning)


def estimate_tokens(chars: int) -> int:
    """≈ chars/4, at least 1."""
    return max(1, chars // 4)


def split_in_chunks(text: str, words: int = 2) -> list[str]:
    """Small pieces (two words each, spacing kept) so streams carry many events."""
    pieces = re.findall(r"\S+\s*|\s+", text)
    return ["".join(pieces[i : i + words]) for i in range(0, len(pieces), words)]


def requested_command(text: str) -> str | None:
    match = _RUN_COMMAND.search(text)
    if match:
        return match.group(1)
    return MARKER_COMMAND if "run the marker command" in text.lower() else None


def pick_tool(tools: tuple[ToolOffer, ...]) -> ToolOffer:
    """The most shell-like tool on offer, else the first one."""
    for wanted in SHELL_TOOL_NAMES:
        for tool in tools:
            if tool.name.lower() == wanted:
                return tool
    return tools[0]


def _first_type(prop: dict[str, Any]) -> str:
    kind = prop.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    return str(kind)


def _plausible_value(name: str, prop: dict[str, Any]) -> Any:
    if prop.get("enum"):
        return prop["enum"][0]
    kind = _first_type(prop)
    if kind == "string":
        return "Run the command" if name == "description" else "."
    defaults: dict[str, Any] = {"integer": 1, "number": 1, "boolean": False, "array": [], "object": {}}
    return defaults.get(kind, "")


def build_arguments(schema: dict[str, Any], command: str) -> dict[str, Any]:
    """Arguments for a shell-like tool: the command-ish property gets `command`, other required ones a
    plausible value by type. A command property typed `array` gets `["bash", "-lc", command]`."""
    props: dict[str, Any] = schema.get("properties") or {}
    required: list[str] = list(schema.get("required") or [])
    key = next((p for p in _COMMAND_PROPERTIES if p in props), None)
    if key is None:
        key = next((r for r in required if _first_type(props.get(r, {})) == "string"), "command")
    args: dict[str, Any] = {}
    args[key] = ["bash", "-lc", command] if _first_type(props.get(key, {})) == "array" else command
    for name in required:
        if name != key:
            args[name] = _plausible_value(name, props.get(name, {}))
    return args


def _seed(endpoint: str, conversation: Conversation) -> str:
    basis = f"{endpoint}|{conversation.last_user_text}|{conversation.tool_output}|{conversation.input_chars}"
    return hashlib.sha256(basis.encode()).hexdigest()[:24]


def decide_reply(
    conversation: Conversation, *, endpoint: str, family: str, can_reason: bool, always_reason: bool = False
) -> Reply:
    """The scripted answer to one request."""
    seed = _seed(endpoint, conversation)
    user = conversation.last_user_text.strip()
    reasoning = ""
    asked = conversation.reasoning_enabled and _WANTS_REASONING.search(user)
    if can_reason and (asked or always_reason):
        reasoning = f"The user wrote {len(user)} characters. I should answer briefly and plainly."
    tool_call = None
    text = ""
    command = requested_command(user) if conversation.tool_output is None else None
    if conversation.tool_output is not None:
        text = f"The command printed: {conversation.tool_output.strip()}"
    elif command is not None and conversation.tools:
        tool = pick_tool(conversation.tools)
        arguments = command if tool.kind == "custom" else json.dumps(build_arguments(tool.schema, command))
        tool_call = ToolCall(call_id=seed, name=tool.name, arguments=arguments, kind=tool.kind)
    else:
        text = f"Hello from {endpoint} ({family})! You said: {user[:60]}"
    produced = len(text) + len(reasoning) + (len(tool_call.arguments) if tool_call else 0)
    return Reply(
        text=text,
        reasoning=reasoning,
        tool_call=tool_call,
        input_tokens=estimate_tokens(conversation.input_chars),
        output_tokens=estimate_tokens(produced),
        seed=seed,
    )


def limit_output(reply: Reply, max_tokens: int | None) -> Reply:
    """The reply cut at `max_tokens` output tokens (issue 9 item 7): reasoning first, then text; a tool
    call that no longer fits is dropped (ASSUMPTION: a real model would emit a broken prefix of it)."""
    if max_tokens is None or reply.output_tokens <= max_tokens:
        return reply
    budget = max(1, max_tokens) * 4  # estimate_tokens counts four characters a token
    reasoning = reply.reasoning[:budget]
    text = reply.text[: budget - len(reasoning)]
    return replace(
        reply, reasoning=reasoning, text=text, tool_call=None, output_tokens=max_tokens, truncated=True
    )
