"""`brickgate models`: the chat models of the workspace, with family, APIs, limits and prices."""

from __future__ import annotations

import time
from typing import Annotated

import typer


def models(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="Ignore the cached listing.")] = False,
    all_endpoints: Annotated[
        bool, typer.Option("--all", help="Also list endpoints that are skipped, and why.")
    ] = False,
) -> None:
    """List the models this workspace serves (cached for an hour; --refresh to re-list)."""
    from brickgate.catalog import Catalog
    from brickgate.cli.output import print_json, print_warning, stdout_console

    catalog = Catalog(profile=ctx.obj.profile, host=ctx.obj.host)
    found = catalog.models(refresh=refresh, all=all_endpoints)
    if catalog.stale and catalog.stale_reason is not None:
        age = _age(catalog.fetched_at)
        why = catalog.stale_reason.message
        print_warning(f"Showing the model list cached {age} ago: listing the workspace failed ({why})")
    from brickgate.cli.model_table import model_json, model_notes, models_table, skipped_json
    from brickgate.routing import SurfaceChooser, check_surface_setting

    setting = check_surface_setting(ctx.obj.surface or catalog.settings.surface)
    surface = SurfaceChooser(catalog.host or "", setting).current  # the verdict requests would use
    skipped = [s.describe() for s in catalog.skipped] if all_endpoints else []
    if json_output:
        print_json([model_json(m, surface(m)) if m.ready else skipped_json(m) for m in found])
        for line in skipped:  # the list stays a list of models; what was left out goes to stderr
            print_warning(line)
        return
    console = stdout_console()
    if not found:
        console.print("No chat models are served by this workspace (try --all to see skipped endpoints).")
    else:
        console.print(models_table(found, title=f"{catalog.host}: {len(found)} models", surface=surface))
    for line in [*model_notes(found), *skipped]:
        console.print(line, style="dim", markup=False, highlight=False)


def _age(fetched_at: float | None) -> str:
    seconds = max(0.0, time.time() - (fetched_at or time.time()))
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"
