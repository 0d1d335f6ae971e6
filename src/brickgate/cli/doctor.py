"""`brickgate doctor`: which models of this workspace work, through which API, with which repairs.

Light on purpose: the probing code, rich and the HTTP client are imported only when the command runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from brickgate.catalog.model import Model
    from brickgate.doctor import ModelReport, ProbeResult
    from brickgate.workspace import Workspace


def doctor(
    ctx: typer.Context,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Check only this model (repeatable); names resolve like `run`."),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="One object per model: each probe's ok, latency_ms, error.")
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds each probe may take before it fails.")
    ] = 60.0,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=32, help="Probes in flight at once.")
    ] = 4,
) -> None:
    """Check each model: plain answer, streaming, a tool round trip, an image. Exit 1 on any failure."""
    from brickgate.cli.model_table import model_notes
    from brickgate.cli.output import print_json, print_warning, stdout_console
    from brickgate.routing import check_surface_setting
    from brickgate.workspace import Workspace

    surface = None if ctx.obj.surface is None else check_surface_setting(ctx.obj.surface)
    ws = Workspace(profile=ctx.obj.profile, host=ctx.obj.host, surface=surface)
    chosen = _chosen_models(ws, model or [])
    reports = _probe_all(ws, chosen, timeout=timeout, concurrency=concurrency, progress=not json_output)
    notes = [*model_notes(chosen), *(s.describe() for s in ws.catalog.skipped)]
    if json_output:
        print_json([r.to_json() for r in reports])
        for note in notes:  # the output stays a list of reports
            print_warning(note)
    else:
        console = stdout_console()
        if not chosen:
            console.print("No chat models are served by this workspace: nothing to check.")
            return
        console.print(report_table(reports, title=f"{ws.credentials.host}: {len(reports)} models"))
        for line in failure_lines(reports):
            console.print(line, soft_wrap=True)
        for note in notes:
            console.print(note, style="dim", markup=False, highlight=False, soft_wrap=True)
        console.print(summary_line(reports))
    if not all(r.ok for r in reports):
        raise typer.Exit(1)


def _chosen_models(ws: Workspace, names: list[str]) -> list[Model]:
    """The named models (unknown names fail before any probe, with suggestions), else all of them."""
    if not names:
        return ws.models()
    chosen = {m.id: m for m in (ws.model(n) for n in names)}
    return list(chosen.values())


def _probe_all(
    ws: Workspace, models: list[Model], *, timeout: float, concurrency: int, progress: bool
) -> list[ModelReport]:
    import asyncio

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from brickgate.cli.output import stderr_console
    from brickgate.doctor import PROBES, diagnose

    bar = Progress(
        TextColumn("Probing {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr_console(),
        transient=True,
        disable=not progress,
    )
    task = bar.add_task(f"{len(models)} models", total=len(models) * len(PROBES))

    def advance(model: Model, result: ProbeResult) -> None:
        bar.update(task, advance=1, description=f"{len(models)} models ({model.id}: {result.name})")

    async def run() -> list[ModelReport]:
        try:
            return await diagnose(ws, models, timeout=timeout, concurrency=concurrency, on_probe=advance)
        finally:
            await ws.aclose()

    with bar:
        return asyncio.run(run())


def probe_cell(result: ProbeResult) -> Text:
    """`pass` in green or `FAIL` in red with the latency below it; `n/a` dimmed."""
    from rich.text import Text

    if result.outcome == "n/a":
        return Text("n/a", style="dim")
    word, style = ("pass", "green") if result.outcome == "pass" else ("FAIL", "bold red")
    latency = f"\n{result.latency_ms} ms" if result.latency_ms is not None else ""
    return Text(word, style=style) + Text(latency, style="dim")


def report_table(reports: list[ModelReport], *, title: str) -> Table:
    """One row per model: family, API and surface, one column per probe, the repairs applied."""
    from rich.table import Table

    from brickgate.doctor import PROBES

    table = Table(title=title, title_justify="left")
    table.add_column("model", overflow="fold")
    table.add_column("family")
    table.add_column("API, surface")
    for name in PROBES:
        table.add_column(name)
    table.add_column("repairs applied", overflow="fold")
    for report in reports:
        table.add_row(
            report.model.id,
            report.model.family,
            report.model.api + (f"\n{report.surface}" if report.surface else ""),
            *(probe_cell(report.probe(name)) for name in PROBES),
            "\n".join(report.repairs) or "-",
        )
    return table


def failure_lines(reports: list[ModelReport]) -> list[Text]:
    """`MODEL PROBE: upstream error`, one line per failed probe (full width: errors are the point)."""
    from rich.text import Text

    return [
        Text(f"{r.model.id} ", style="bold") + Text(f"{p.name}: {p.error}", style="red")
        for r in reports
        for p in r.probes
        if p.outcome == "fail"
    ]


def summary_line(reports: list[ModelReport]) -> Text:
    from rich.text import Text

    failing = [r.model.id for r in reports if not r.ok]
    if not failing:
        return Text(f"All {len(reports)} models passed every probe that applies to them.", style="green")
    return Text(
        f"{len(failing)} of {len(reports)} models failed a probe: {', '.join(failing)}. "
        "Check one again with `brickgate doctor -m MODEL`.",
        style="red",
    )
