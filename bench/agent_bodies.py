"""Agent-sized request bodies: a recorded agent request (bench/recorded/) fitted to a target size.

The recordings are one real turn each (bench/record_agents.py): the agent's system prompt, its tool list
and one tool round trip. Bodies are fitted to a size the way a long session grows: the tool list is
extended to ``TOOLS`` schemas with renamed copies of the agent's own (what an MCP server or two adds), and
the history gets more tool round trips (a call, then a file's worth of output) before the last turn.
A recording bigger than the target (Claude Code's system prompt alone is 28 KB) has its long strings
trimmed first. ``image_kb`` adds a base64 PNG of that size to the last tool result, as a screenshot read
by the agent would be.
"""

from __future__ import annotations

import base64
import copy
import functools
import json
from pathlib import Path
from typing import Any

from bench.fixtures import Api

RECORDED = Path(__file__).resolve().parent / "recorded"
TOOLS = 24  # agents with a couple of MCP servers send 20-40 tool schemas
# recording -> the API the agent spoke when it was recorded
RECORDINGS: dict[str, Api] = {"claude-code": "messages", "codex": "responses", "opencode": "chat"}
JSON = dict[str, Any]


@functools.lru_cache(maxsize=8)
def _recorded_text(agent: str) -> str:
    return (RECORDED / f"{agent}.json").read_text()


def recorded(agent: str) -> JSON:
    doc: JSON = json.loads(_recorded_text(agent))
    return doc


def file_output(turn: int, size: int = 3000) -> str:
    """What a `cat` of a source file returns: code lines with quotes, escapes and a little non-ASCII."""
    lines, total, i = [], 0, 0
    while total < size:
        line = f'    def handle_{turn}_{i}(self, value: int) -> str:  # "step" {i} \u2192 next\n'
        line += f'        return f"{{value!r}}\\t{turn}:{i}" if value else None\n'
        lines.append(line)
        total += len(line)
        i += 1
    return "".join(lines)


def _tool_name(tool: JSON, api: Api) -> str:
    return str(tool["function"]["name"] if api == "chat" else tool.get("name", tool.get("type", "tool")))


def _renamed(tool: JSON, api: Api, name: str) -> JSON:
    out = copy.deepcopy(tool)
    if api == "chat":
        out["function"]["name"] = name
    else:
        out["name"] = name
    return out


def more_tools(doc: JSON, api: Api, count: int = TOOLS) -> None:
    """Extend ``doc["tools"]`` to ``count`` with renamed copies of its function tools."""
    tools: list[JSON] = doc.get("tools") or []
    functions = [t for t in tools if api != "responses" or t.get("type") == "function"]
    i = 0
    while len(tools) < count and functions:
        base = functions[i % len(functions)]
        tools.append(_renamed(base, api, f"mcp__server{i // len(functions)}__{_tool_name(base, api)}"))
        i += 1
    doc["tools"] = tools


def round_trip(api: Api, turn: int, output: str) -> list[JSON]:
    """One tool call and its result in ``api``'s history shape."""
    call_id = f"call_{turn:06d}bench{turn:012d}"
    args = {"command": f"cat src/module_{turn}.py"}
    arguments = json.dumps(args)
    if api == "messages":
        tool_id = f"toolu_{turn:06d}bench{turn:012d}"
        return [
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": f"Reading module {turn}."},
                    {"type": "tool_use", "id": tool_id, "name": "Bash", "input": args},
                ],
            },
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": tool_id, "content": output}]},
        ]
    if api == "responses":
        return [
            {"type": "function_call", "name": "exec_command", "arguments": arguments, "call_id": call_id},
            {"type": "function_call_output", "call_id": call_id, "output": output},
        ]
    return [
        {
            "role": "assistant",
            "content": f"Reading module {turn}.",
            "tool_calls": [
                {"id": call_id, "type": "function", "function": {"name": "bash", "arguments": arguments}}
            ],
        },
        {"role": "tool", "tool_call_id": call_id, "content": output},
    ]


def _history_key(api: Api) -> str:
    return "input" if api == "responses" else "messages"


def _size(doc: JSON) -> int:
    return len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode())


def _trim_strings(node: Any, limit: int) -> Any:
    if isinstance(node, str):  # prose only: names, ids and types stay whole
        return node[:limit] if len(node) > 128 else node
    if isinstance(node, list):
        return [_trim_strings(x, limit) for x in node]
    if isinstance(node, dict):
        return {k: _trim_strings(v, limit) for k, v in node.items()}
    return node


def image_block(api: Api, kb: int) -> JSON:
    """A base64 PNG of about ``kb`` kilobytes of base64 text in ``api``'s content-part shape."""
    raw = b"\x89PNG\r\n\x1a\n" + bytes(i * 7 % 251 for i in range(kb * 768))  # 4/3 of this is base64
    data = base64.b64encode(raw).decode()
    if api == "messages":
        return {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": data}}
    if api == "responses":
        return {"type": "input_image", "image_url": f"data:image/png;base64,{data}"}
    return {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{data}"}}


def agent_body(agent: str, size: int, *, model: str, marker: str = "", image_kb: int = 0) -> JSON:
    """The recording of ``agent`` with ``TOOLS`` tools, grown (or trimmed) to about ``size`` bytes of
    compact JSON, naming ``model``. ``marker`` is appended to the last user text (the mock reads
    ``bench-events=N`` there); ``image_kb`` adds an image to the last turn."""
    api = RECORDINGS[agent]
    doc = recorded(agent)
    doc["stream"] = True
    more_tools(doc, api)
    key = _history_key(api)
    history: list[JSON] = doc[key]
    if marker:
        _mark_first_user_text(history, api, marker)
    limit = 4096
    while _size(doc) > size * 0.9 and limit > 128:  # too big already: trim long strings (keeps the shape)
        limit //= 2
        doc = _trim_strings(doc, limit)
        history = doc[key]
    last = history[-2:]  # the recorded tool round trip stays the latest turn
    grown = history[:-2]
    turn = 0
    while True:
        room = size - _size({**doc, key: [*grown, *last]})
        if room <= 600:
            break
        grown += round_trip(api, turn, file_output(turn, min(3000, room - 500)))
        turn += 1
    doc[key] = [*grown, *last]
    doc["model"] = model
    if image_kb:
        _add_image(doc[key], api, image_kb)
    return doc


def _mark_first_user_text(history: list[JSON], api: Api, marker: str) -> None:
    for item in history:
        if item.get("role") != "user":
            continue
        content = item.get("content")
        if isinstance(content, str):
            item["content"] = f"{content} {marker}"
            return
        for part in content or []:
            if isinstance(part, dict) and part.get("type") in ("text", "input_text"):
                part["text"] = f"{part['text']} {marker}"
                return


def _add_image(history: list[JSON], api: Api, kb: int) -> None:
    block = image_block(api, kb)
    last = history[-1]
    if api == "messages":  # the image is part of the tool result, as Claude Code's Read returns it
        result = last["content"][-1]
        text = result.get("content")
        parts = [{"type": "text", "text": text}] if isinstance(text, str) else list(text or [])
        result["content"] = [*parts, block]
    elif api == "responses":
        last["output"] = [{"type": "input_text", "text": str(last.get("output", ""))}, block]
    else:  # chat tool messages carry text only: the image comes in a user turn after it
        history.append({"role": "user", "content": [{"type": "text", "text": "The screenshot:"}, block]})


def encoded(doc: JSON) -> bytes:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
