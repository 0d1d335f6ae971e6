"""What a Gemini API client sends and reads (written from Google's REST reference, independently of
brickgate's wire modules, so a mistake there cannot hide behind the same mistake here)."""

from __future__ import annotations

import json
from typing import Any

from brickgate import home
from tests.gateway_harness import BASH_TOOL, FAMILY_MODELS, Answer

# One model per family; Gemini 3.x declares the Gemini API (the fast path), every other one is translated.
GEMINI_3 = "databricks-gemini-3-5-flash"
MODELS = {"gemini3": GEMINI_3, **FAMILY_MODELS}
# the other APIs' shell tool as a Gemini function declaration (its schema as Gemini CLI sends one)
SHELL = {
    "name": BASH_TOOL["name"],
    "description": BASH_TOOL["description"],
    "parametersJsonSchema": BASH_TOOL["parameters"],
}


def write_config(text: str) -> None:
    """``text`` as the test home's config.toml (0600, as brickgate writes it)."""
    config = home.config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text)
    config.chmod(0o600)


def path(model: str, method: str = "streamGenerateContent", *, sse: bool = True) -> str:
    query = "?alt=sse" if sse and method == "streamGenerateContent" else ""
    return f"/v1beta/models/{model}:{method}{query}"


def request(prompt: str, *, tools: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {"contents": [{"role": "user", "parts": [{"text": prompt}]}]}
    if tools:
        body["tools"] = [{"functionDeclarations": [SHELL]}]
    return body


def chunks(answer: Answer) -> list[dict[str, Any]]:
    """Every GenerateContentResponse of an answer: SSE events, a JSON array, or one object."""
    if answer.headers["content-type"].startswith("text/event-stream"):
        return [json.loads(e.data) for e in answer.events()]
    doc = answer.json()
    return doc if isinstance(doc, list) else [doc]


def parts(answer: Answer) -> list[dict[str, Any]]:
    return [
        part
        for chunk in chunks(answer)
        for candidate in chunk.get("candidates", [])
        for part in (candidate.get("content") or {}).get("parts", [])
    ]


def text(answer: Answer) -> str:
    return "".join(p.get("text", "") for p in parts(answer) if not p.get("thought"))


def finish_reason(answer: Answer) -> str:
    reasons = [
        c["finishReason"]
        for chunk in chunks(answer)
        for c in chunk.get("candidates", [])
        if "finishReason" in c
    ]
    return str(reasons[-1])


def function_call_part(answer: Answer) -> dict[str, Any]:
    """The whole part holding the first function call (with its thoughtSignature, which goes back as is)."""
    return next(p for p in parts(answer) if "functionCall" in p)


def follow_up(first: dict[str, Any], call_part: dict[str, Any], output: str) -> dict[str, Any]:
    call = call_part["functionCall"]
    response: dict[str, Any] = {"name": call["name"], "response": {"output": output}}
    if "id" in call:
        response["id"] = call["id"]
    turns = [
        {"role": "model", "parts": [call_part]},
        {"role": "user", "parts": [{"functionResponse": response}]},
    ]
    return {**first, "contents": [*first["contents"], *turns]}


def google_error(answer: Answer) -> dict[str, Any]:
    """The ``error`` of a Google-shaped error body, checked for Google's three fields."""
    error: dict[str, Any] = answer.json()["error"]
    assert error["code"] == answer.status and isinstance(error["message"], str) and error["status"], error
    return error
