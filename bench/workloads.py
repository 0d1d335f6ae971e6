"""The workloads: what a client sends, to which model, and what the upstream answers (a table, not code)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bench.fixtures import TERMINAL_MARK, Api

CHAT_MODEL = "databricks-meta-llama-3-3-70b-instruct"  # Chat Completions family
CLAUDE_MODEL = "databricks-claude-sonnet-4-5"  # Anthropic Messages
GPT_MODEL = "databricks-gpt-5-2"  # OpenAI Responses
GEMINI_MODEL = "databricks-gemini-3-5-flash"  # Gemini 3: Gemini callers on the Gemini API, others on Chat
INBOUND_PATHS: dict[Api, str] = {
    "chat": "/v1/chat/completions",
    "responses": "/v1/responses",
    "messages": "/v1/messages",
    "gemini": "/v1beta/models/",  # + model:method
}
UPSTREAM_PATHS: dict[Api, str] = {
    "chat": "/serving-endpoints/chat/completions",
    "responses": "/serving-endpoints/responses",
    "messages": "/serving-endpoints/anthropic/v1/messages",
    "gemini": "/serving-endpoints/gemini/v1beta/models/",
}
SYSTEM = "You are a concise assistant. Answer in one short paragraph without lists."


@dataclass(frozen=True, slots=True)
class Workload:
    name: str
    inbound: Api  # the API the client speaks
    model: str
    upstream: Api  # the API the model is served over (what `direct` calls)
    stream: bool
    events: int = 0  # text deltas per streamed answer

    @property
    def translated(self) -> bool:
        return self.inbound != self.upstream

    def path(self, api: Api, *, upstream: bool) -> str:
        """The path ``api`` is called at (the Gemini API's names the model and the method)."""
        base = (UPSTREAM_PATHS if upstream else INBOUND_PATHS)[api]
        if api != "gemini":
            return base
        return base + self.model + (":streamGenerateContent?alt=sse" if self.stream else ":generateContent")

    def body(self, api: Api | None = None) -> bytes:
        """The request body in ``api`` (default: the inbound API); ~300 bytes, like a short chat turn."""
        api = api or self.inbound
        prompt = f"Say hello to the benchmark. bench-events={self.events or 0}"
        doc: dict[str, object]
        if api == "chat":
            doc = {
                "model": self.model,
                "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}],
                "max_tokens": 512,
            }
        elif api == "messages":
            doc = {
                "model": self.model,
                "max_tokens": 512,
                "system": SYSTEM,
                "messages": [{"role": "user", "content": prompt}],
            }
        elif api == "gemini":  # the model and streaming are the path's business
            doc = {
                "systemInstruction": {"parts": [{"text": SYSTEM}]},
                "contents": [{"role": "user", "parts": [{"text": prompt}]}],
                "generationConfig": {"maxOutputTokens": 512},
            }
        else:
            doc = {"model": self.model, "instructions": SYSTEM, "input": prompt, "max_output_tokens": 512}
        if self.stream and api != "gemini":
            doc["stream"] = True
        return json.dumps(doc, separators=(",", ":")).encode()

    def terminal(self, api: Api) -> bytes:
        """A fragment a complete answer in ``api`` ends with (stream) or contains (JSON)."""
        return TERMINAL_MARK[api] if self.stream else b"Hello"


WORKLOADS: tuple[Workload, ...] = (
    Workload("chat-json", "chat", CHAT_MODEL, "chat", stream=False),
    Workload("chat-stream-32", "chat", CHAT_MODEL, "chat", stream=True, events=32),
    Workload("chat-stream-200", "chat", CHAT_MODEL, "chat", stream=True, events=200),
    Workload("messages-stream-32", "messages", CLAUDE_MODEL, "messages", stream=True, events=32),
    Workload("responses-stream-32", "responses", GPT_MODEL, "responses", stream=True, events=32),
    # Claude Code pointed at a non-Claude model: Messages in, Chat Completions upstream.
    Workload("messages-to-chat-stream-32", "messages", CHAT_MODEL, "chat", stream=True, events=32),
    # Gemini CLI: on Gemini 3 (relayed), on an open model (translated)
    Workload("gemini-stream-32", "gemini", GEMINI_MODEL, "gemini", stream=True, events=32),
    Workload("gemini-to-chat-stream-32", "gemini", CHAT_MODEL, "chat", stream=True, events=32),
    # Other callers on Gemini 3 go over Chat (routing.upstream_api; bench/translation_cost.py: why)
    Workload("chat-gemini-stream-32", "chat", GEMINI_MODEL, "chat", stream=True, events=32),
    Workload("messages-to-gemini-chat-stream-32", "messages", GEMINI_MODEL, "chat", stream=True, events=32),
)
QUICK_WORKLOADS = ("chat-json", "chat-stream-32", "messages-to-chat-stream-32")


def workload(name: str) -> Workload:
    for w in WORKLOADS:
        if w.name == name:
            return w
    raise KeyError(f"unknown workload {name!r}; known: {', '.join(w.name for w in WORKLOADS)}")
