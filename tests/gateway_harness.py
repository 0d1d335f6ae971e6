"""Shared by the gateway integration tests and the SDK e2e tests: a gateway in front of the emulator,
a tiny HTTP client, and what a client of each inbound API sends and reads (written independently of
brickgate's wire modules, so a mistake there cannot hide behind the same mistake here)."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from brickgate.gateway.server import RunningGateway
from brickgate.wire.sse import SSEDecoder, SSEEvent

BASH_TOOL = {
    "name": "bash",
    "description": "Run a shell command and return its output.",
    "parameters": {
        "type": "object",
        "properties": {"command": {"type": "string", "description": "The command to run"}},
        "required": ["command"],
    },
}
# One representative endpoint of each family in the emulator's default workspace.
FAMILY_MODELS = {
    "claude": "databricks-claude-sonnet-4-5",
    "gpt": "databricks-gpt-5-2",
    "codex": "databricks-gpt-5-2-codex",
    "gemini": "databricks-gemini-2-5-flash",
    "llama": "databricks-meta-llama-3-3-70b-instruct",
    "gpt-oss": "databricks-gpt-oss-20b",
}


@contextmanager
def running_gateway(emulator_url: str, token: str, **options: Any) -> Iterator[RunningGateway]:
    """A gateway on a free loopback port, holding a PAT for the emulator; stopped on exit."""
    from brickgate.auth import Credentials
    from brickgate.gateway.server import start_in_thread
    from brickgate.upstream import RetryPolicy
    from brickgate.workspace import Workspace

    retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.05, max_total_seconds=5)
    ws = Workspace(credentials=Credentials.pat(emulator_url, token), retry=retry)
    gateway = start_in_thread(ws, **options)
    try:
        yield gateway
    finally:
        gateway.stop()


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def events(self) -> list[SSEEvent]:
        decoder = SSEDecoder()
        return decoder.feed(self.body) + decoder.flush()


def call(
    base_url: str,
    method: str,
    path: str,
    body: bytes | dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """One HTTP request with the standard library; the whole answer read."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    all_headers = {"content-type": "application/json", **(headers or {})}
    try:
        conn.request(method, path, body=data, headers=all_headers)
        resp = conn.getresponse()
        return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


# --- what a client of each API sends and reads ------------------------------------------------------


class Chat:
    path = "/v1/chat/completions"

    def request(self, model: str, prompt: str, *, stream: bool, tools: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": model,
            "messages": [{"role": "user", "content": prompt}],
            "stream": stream,
        }
        if stream:
            body["stream_options"] = {"include_usage": True}
        if tools:
            body["tools"] = [{"type": "function", "function": BASH_TOOL}]
        return body

    def text(self, answer: Answer) -> str:
        if answer.headers["content-type"].startswith("text/event-stream"):
            chunks = [json.loads(e.data) for e in answer.events() if e.data != "[DONE]"]
            return "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c.get("choices"))
        return str(answer.json()["choices"][0]["message"]["content"] or "")

    def tool_call(self, answer: Answer) -> tuple[str, str, str]:
        """(id, name, arguments) of the answer's first tool call."""
        if answer.headers["content-type"].startswith("text/event-stream"):
            calls: dict[int, dict[str, str]] = {}
            for e in answer.events():
                if e.data == "[DONE]":
                    continue
                for choice in json.loads(e.data).get("choices", []):
                    for tc in choice["delta"].get("tool_calls") or []:
                        slot = calls.setdefault(tc["index"], {"id": "", "name": "", "arguments": ""})
                        slot["id"] = tc.get("id") or slot["id"]
                        slot["name"] = (tc.get("function") or {}).get("name") or slot["name"]
                        slot["arguments"] += (tc.get("function") or {}).get("arguments") or ""
            first = calls[min(calls)]
            return first["id"], first["name"], first["arguments"]
        tc = answer.json()["choices"][0]["message"]["tool_calls"][0]
        return tc["id"], tc["function"]["name"], tc["function"]["arguments"]

    def follow_up(self, first: dict[str, Any], call: tuple[str, str, str], output: str) -> dict[str, Any]:
        call_id, name, arguments = call
        turn = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
            ],
        }
        result = {"role": "tool", "tool_call_id": call_id, "content": output}
        return {**first, "messages": [*first["messages"], turn, result]}


class Responses:
    path = "/v1/responses"

    def request(self, model: str, prompt: str, *, stream: bool, tools: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {"model": model, "input": prompt, "stream": stream}
        if tools:
            body["tools"] = [{"type": "function", **BASH_TOOL}]
            body["input"] = [{"role": "user", "content": [{"type": "input_text", "text": prompt}]}]
        return body

    def _final(self, answer: Answer) -> dict[str, Any]:
        if answer.headers["content-type"].startswith("text/event-stream"):
            done = [json.loads(e.data) for e in answer.events() if e.event == "response.completed"]
            assert done, f"no response.completed in {answer.body[:500]!r}"
            response: dict[str, Any] = done[-1]["response"]
            return response
        result: dict[str, Any] = answer.json()
        return result

    def text(self, answer: Answer) -> str:
        if answer.headers["content-type"].startswith("text/event-stream"):
            deltas = [
                json.loads(e.data)["delta"]
                for e in answer.events()
                if e.event == "response.output_text.delta"
            ]
            return "".join(deltas)
        return "".join(
            part["text"]
            for item in self._final(answer)["output"]
            if item["type"] == "message"
            for part in item["content"]
            if part["type"] == "output_text"
        )

    def tool_call(self, answer: Answer) -> tuple[str, str, str]:
        item = next(i for i in self._final(answer)["output"] if i["type"] == "function_call")
        return item["call_id"], item["name"], item["arguments"]

    def follow_up(self, first: dict[str, Any], call: tuple[str, str, str], output: str) -> dict[str, Any]:
        call_id, name, arguments = call
        items = [
            {"type": "function_call", "call_id": call_id, "name": name, "arguments": arguments},
            {"type": "function_call_output", "call_id": call_id, "output": output},
        ]
        return {**first, "input": [*first["input"], *items]}


class Messages:
    path = "/v1/messages"

    def request(self, model: str, prompt: str, *, stream: bool, tools: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": model,
            "max_tokens": 1024,
            "messages": [{"role": "user", "content": prompt}],
            "stream": stream,
        }
        if tools:
            tool = {"name": BASH_TOOL["name"], "description": BASH_TOOL["description"]}
            body["tools"] = [{**tool, "input_schema": BASH_TOOL["parameters"]}]
        return body

    def _blocks(self, answer: Answer) -> list[dict[str, Any]]:
        if not answer.headers["content-type"].startswith("text/event-stream"):
            blocks: list[dict[str, Any]] = answer.json()["content"]
            return blocks
        out: dict[int, dict[str, Any]] = {}
        for e in answer.events():
            doc = json.loads(e.data)
            if doc["type"] == "content_block_start":
                out[doc["index"]] = dict(doc["content_block"], _json="")
            elif doc["type"] == "content_block_delta":
                block, delta = out[doc["index"]], doc["delta"]
                if delta["type"] == "text_delta":
                    block["text"] = block.get("text", "") + delta["text"]
                elif delta["type"] == "input_json_delta":
                    block["_json"] += delta["partial_json"]
        for block in out.values():
            if block["type"] == "tool_use" and block["_json"]:
                block["input"] = json.loads(block["_json"])
        return [out[i] for i in sorted(out)]

    def text(self, answer: Answer) -> str:
        return "".join(b.get("text", "") for b in self._blocks(answer) if b["type"] == "text")

    def tool_call(self, answer: Answer) -> tuple[str, str, str]:
        block = next(b for b in self._blocks(answer) if b["type"] == "tool_use")
        return block["id"], block["name"], json.dumps(block["input"])

    def follow_up(self, first: dict[str, Any], call: tuple[str, str, str], output: str) -> dict[str, Any]:
        call_id, name, arguments = call
        turn = {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": call_id, "name": name, "input": json.loads(arguments)}],
        }
        result = {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": call_id, "content": output}],
        }
        return {**first, "messages": [*first["messages"], turn, result]}


DIALECTS = {"chat": Chat(), "responses": Responses(), "messages": Messages()}
