"""`brickgate demo`: an emulated workspace in-process, and brickgate discovering its models.

`run_demo(console)` is the body, so later steps (prompts across families) can extend it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def demo() -> None:
    """Start an emulated workspace and show what brickgate finds there (your login is not touched)."""
    from brickgate.cli.output import stdout_console

    run_demo(stdout_console())


def run_demo(console: Console) -> None:
    """Emulator on a free port → explicit PAT credentials → discovery → the models table, by family."""
    from rich.panel import Panel

    from brickgate.auth import Credentials
    from brickgate.catalog import Catalog, CatalogSettings
    from brickgate.cli.model_table import API_LABELS, model_notes, models_table
    from brickgate.emulator import start_in_thread

    with start_in_thread(port=0) as emu:  # the default workspace: the line-up of today
        console.print(
            Panel.fit(f"Emulated Databricks workspace at [bold]{emu.url}[/]", title="brickgate demo")
        )
        # Explicit in-process credentials: the user's stored login and config file stay untouched.
        creds = Credentials.pat(emu.url, emu.token, source="flag")
        catalog = Catalog(creds, settings=CatalogSettings(), use_cache=False)
        everything = catalog.models(all=True)
        chat = [m for m in everything if m.ready]
        console.print(models_table(chat, title=f"{len(chat)} chat models discovered"))
        skipped = [m for m in everything if not m.ready]
        for m in skipped:
            console.print(f"  skipped {m.id}: {m.skipped_reason}", style="dim", markup=False)
        for line in model_notes(chat):
            console.print(f"  {line}", style="dim", markup=False)
        console.print("\nEach model declares the APIs it speaks; a caller of the same API is relayed as is,")
        console.print("any other caller is translated to the model's best declared API:")
        for api, label in API_LABELS.items():
            families = sorted({m.family for m in chat if m.api == api})
            console.print(f"  {label:<20} ← {', '.join(families) or '-'}", markup=False)
        from brickgate.cli.demo_prompts import run_family_prompts
        from brickgate.workspace import Workspace

        with Workspace(credentials=creds, catalog=catalog, persist=False) as ws:
            run_family_prompts(ws, chat, console)
