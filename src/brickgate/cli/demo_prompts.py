"""The demo's second half: one model of every family answers, then completes a tool round trip."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from brickgate.catalog.families import FAMILY_NAMES
from brickgate.catalog.model import Model
from brickgate.protocol import Message, Request, Tool, ToolResultPart
from brickgate.workspace import Workspace

SHELL = Tool(
    name="bash",
    description="Run a shell command and return its output.",
    parameters={"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]},
)
PROMPT = "Please run the marker command and tell me what it printed."


@dataclass(frozen=True)
class FamilyResult:
    model: Model
    surface: str
    call: str
    answer: str
    repairs: tuple[str, ...]
    seconds: float
    cost_usd: float


def pick_one_per_family(models: list[Model]) -> list[Model]:
    chosen: dict[str, Model] = {}
    for m in models:
        if m.source == "foundation" and m.family != "other":
            chosen.setdefault(m.family, m)
    return [chosen[f] for f in FAMILY_NAMES if f in chosen]


async def tool_round_trip(ws: Workspace, model: Model, prompt: str = PROMPT) -> FamilyResult:
    """Ask for a tool call, 'run' it locally (the marker command's output is known), send the result back."""
    started = time.perf_counter()
    first = Request.of(model.id, prompt, tools=(SHELL,))
    asked = await (await ws.stream(model, first)).collect()
    calls = asked.response.tool_calls
    if not calls:
        raise RuntimeError(f"{model.id} did not call the tool")
    call = calls[0]
    output = (
        "brickgate-tool-ok"  # what `echo brickgate-tool-ok` prints; the demo runs nothing on your machine
    )
    result = Message(role="tool", parts=(ToolResultPart(tool_call_id=call.id, content=output),))
    second = Request(
        model=model.id, messages=(*first.messages, asked.response.message, result), tools=(SHELL,)
    )
    answered = await (await ws.stream(model, second)).collect()
    repairs = tuple(dict.fromkeys(asked.repairs + answered.repairs))
    return FamilyResult(
        model=model,
        surface=answered.surface,
        call=f"{call.name}({call.arguments})",
        answer=answered.text,
        repairs=repairs,
        seconds=time.perf_counter() - started,
        cost_usd=asked.cost.usd + answered.cost.usd,
    )


async def _all(ws: Workspace, models: list[Model]) -> list[FamilyResult | BaseException]:
    try:
        return await asyncio.gather(*(tool_round_trip(ws, m) for m in models), return_exceptions=True)
    finally:
        await ws.aclose()


def run_family_prompts(ws: Workspace, models: list[Model], console: Console) -> None:
    chosen = pick_one_per_family(models)
    console.print(f"\n[bold]A tool round trip through one model of each of {len(chosen)} families[/]")
    console.print(f'[dim]Prompt: "{PROMPT}" with a `bash` tool offered[/dim]')
    results = asyncio.run(_all(ws, chosen))
    table = Table(show_lines=False)
    for col in ("family", "model", "API", "tool call → answer", "repairs applied", "time", "cost"):
        table.add_column(col, overflow="fold")
    failures = 0
    for model, res in zip(chosen, results, strict=True):
        if isinstance(res, BaseException):
            failures += 1
            table.add_row(model.family, model.id, model.api, f"[red]failed: {res}[/]", "", "", "")
            continue
        table.add_row(
            model.family,
            model.id,
            f"{model.api} ({res.surface})",
            f"{res.call}\n→ {res.answer}",
            ", ".join(res.repairs) or "-",
            f"{res.seconds * 1000:.0f} ms",
            f"${res.cost_usd:.6f}",
        )
    console.print(table)
    if failures:
        raise SystemExit(1)
    console.print(
        "[green]Every family answered through its own API, with the repairs it needs.[/green]\n"
        "Next: [bold]brickgate login[/bold] to use your own workspace, then "
        '[bold]brickgate run -m MODEL "..."[/bold] or [bold]brickgate serve[/bold] for your coding agent.'
    )
