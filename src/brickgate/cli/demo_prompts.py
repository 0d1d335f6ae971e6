"""The demo's second half: one model of every family answers, then completes a tool round trip."""

from __future__ import annotations

import asyncio

from rich.console import Console
from rich.table import Table

from brickgate.catalog.families import FAMILY_NAMES
from brickgate.catalog.model import Model
from brickgate.cli.model_table import declared_label
from brickgate.round_trip import PROMPT, RoundTrip, tool_round_trip
from brickgate.workspace import Workspace


def pick_one_per_family(models: list[Model]) -> list[Model]:
    chosen: dict[str, Model] = {}
    for m in models:
        if m.source == "foundation" and m.family != "other":
            chosen.setdefault(m.family, m)
    return [chosen[f] for f in FAMILY_NAMES if f in chosen]


async def _all(ws: Workspace, models: list[Model]) -> list[RoundTrip | BaseException]:
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
    columns = ("family", "model", "declared APIs", "route taken", "tool call → answer", "repairs applied")
    for col in (*columns, "time", "cost"):
        table.add_column(col, overflow="fold")
    failures = 0
    for model, res in zip(chosen, results, strict=True):
        declared = declared_label(model)
        if isinstance(res, BaseException):
            failures += 1
            table.add_row(model.family, model.id, declared, "-", f"[red]failed: {res}[/]", "", "", "")
            continue
        table.add_row(
            model.family,
            model.id,
            declared,
            f"{res.api} → {res.path}",
            f"{res.call}\n→ {res.answer}",
            ", ".join(res.repairs) or "-",
            f"{res.seconds * 1000:.0f} ms",
            f"${res.cost_usd:.6f}",
        )
    console.print(table)
    if failures:
        raise SystemExit(1)
    console.print(
        "[green]Every family answered through its best declared API, with the repairs it needs.[/green]\n"
        "Next: [bold]brickgate login[/bold] to use your own workspace, then "
        '[bold]brickgate run -m MODEL "..."[/bold] or [bold]brickgate serve[/bold] for your coding agent.'
    )
