"""`brickgate run -m MODEL "PROMPT"`: one prompt, streamed live."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import orjson
from rich.console import Console

from brickgate.errors import ConfigError
from brickgate.event_stream import Completion
from brickgate.protocol import ReasoningDelta, Request, TextDelta
from brickgate.upstream import RetryNotice
from brickgate.workspace import Workspace


def retry_printer(console: Console) -> Any:
    def on_retry(notice: RetryNotice) -> None:
        what = "Rate limited by provider" if notice.status == 429 else f"Upstream busy ({notice.reason})"
        console.print(
            f"[yellow]{what} — retrying in {notice.delay:.0f}s (attempt {notice.attempt})[/yellow]",
            highlight=False,
        )

    return on_retry


def read_prompt(prompt: str) -> str:
    if prompt == "-":
        prompt = sys.stdin.read()
    if not prompt.strip():
        raise ConfigError("The prompt is empty.", 'Pass it as an argument, or "-" to read it from stdin.')
    try:
        prompt.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8 arrive as lone surrogates
        raise ConfigError(
            "The prompt is not UTF-8 text.",
            "Convert it first, e.g. `iconv -f LATIN1 -t UTF-8 file | brickgate run -m MODEL -`.",
        ) from None
    return prompt


def completion_json(done: Completion) -> dict[str, Any]:
    r = done.response
    return {
        "text": r.text,
        "reasoning": r.reasoning or None,
        "tool_calls": [{"id": c.id, "name": c.name, "arguments": c.arguments} for c in r.tool_calls],
        "finish_reason": r.finish_reason,
        "usage": {
            "input_tokens": r.usage.input_tokens,
            "output_tokens": r.usage.output_tokens,
            "cache_read_tokens": r.usage.cache_read_tokens,
            "cache_write_tokens": r.usage.cache_write_tokens,
            "reasoning_tokens": r.usage.reasoning_tokens,
            "estimated": done.usage_estimated,
        },
        "cost": {"dbu": round(done.cost.dbu, 8), "usd": round(done.cost.usd, 8)},
        "model": done.model.id,
        "upstream_model": r.model,
        "api": done.api,
        "surface": done.surface,
        "repairs": list(done.repairs),
    }


async def _run(
    ws: Workspace,
    model: str,
    request: Request,
    *,
    as_json: bool,
    show_reasoning: bool,
    out: Console,
    err: Console,
) -> Completion:
    try:
        stream = await ws.stream(model, request, on_retry=retry_printer(err))
        in_reasoning = False
        async for event in stream:
            if as_json:
                continue
            if isinstance(event, ReasoningDelta) and show_reasoning and event.text:
                out.print(event.text, style="dim", end="", highlight=False, markup=False)
                in_reasoning = True
            elif isinstance(event, TextDelta):
                if in_reasoning:
                    out.print()
                    in_reasoning = False
                out.file.write(event.text)
                out.file.flush()
        done = stream.completion()
    finally:
        await ws.aclose()
    if as_json:
        sys.stdout.write(orjson.dumps(completion_json(done), option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        if not done.text.endswith("\n"):
            out.file.write("\n")
        out.file.flush()
        for call in done.response.tool_calls:
            err.print(f"[cyan]tool call[/cyan] {call.name}({call.arguments})", highlight=False)
        err.print(
            f"[dim]{done.model.id} via {done.api} · {done.usage.total_input_tokens} in / "
            f"{done.usage.output_tokens} out{' (estimated)' if done.usage_estimated else ''} · "
            f"${done.cost.usd:.6f}[/dim]",
            highlight=False,
        )
    return done


def run_prompt(
    ws: Workspace,
    model: str,
    prompt: str,
    *,
    system: str | None = None,
    max_tokens: int | None = None,
    as_json: bool = False,
    show_reasoning: bool = False,
) -> Completion:
    text = read_prompt(prompt)
    m = ws.model(model)
    effort = "medium" if show_reasoning and m.supports_reasoning else None
    request = Request.of(m.id, text, system=system, max_tokens=max_tokens, reasoning_effort=effort)
    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    return asyncio.run(
        _run(ws, m.id, request, as_json=as_json, show_reasoning=show_reasoning, out=out, err=err)
    )
