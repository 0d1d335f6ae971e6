"""`brickgate status`: are we connected, to what, how, and how many models; the fix when not."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from brickgate.errors import BrickgateError

STATUS_TIMEOUT = 10.0


def status(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Check the credentials against the workspace and count its chat models (exit 0 only if connected)."""
    from brickgate import home
    from brickgate.auth import resolve
    from brickgate.catalog import Catalog

    report: dict[str, Any] = {
        "connected": False,
        "host": None,
        "auth_type": None,
        "profile": None,
        "source": None,
        "home": str(home.home()),
        "config": str(home.config_path()),
        "config_exists": home.config_path().is_file(),
    }
    failure: BrickgateError | None = None
    try:
        creds = resolve(ctx.obj.profile, ctx.obj.host, timeout=STATUS_TIMEOUT)
        report.update(host=creds.host, auth_type=creds.auth_type, profile=creds.profile, source=creds.source)
        catalog = Catalog(creds, timeout=STATUS_TIMEOUT)
        models = catalog.models(refresh=True)
        skipped = [s.to_json() for s in catalog.skipped]
        report.update(connected=True, models=len(models), skipped_inventories=skipped)
    except BrickgateError as err:
        failure = err
    _print(report, failure, json_output)
    if failure is not None:
        raise typer.Exit(failure.exit_code)


def _print(report: dict[str, Any], failure: BrickgateError | None, json_output: bool) -> None:
    from brickgate.cli.output import error_json, print_json, stdout_console

    if json_output:
        print_json({**report, "error": error_json(failure) if failure else None})
        return
    console = stdout_console()
    if report["connected"]:
        console.print(f"[green]Connected[/] to {report['host']}")
    else:
        console.print("[red]Not connected[/]" + (f" to {report['host']}" if report["host"] else ""))
    if report["auth_type"]:
        profile = f" (profile {report['profile']})" if report["profile"] else ""
        console.print(f"  auth:   {report['auth_type']}{profile}, from {_SOURCES[report['source']]}")
    if report["connected"]:
        console.print(f"  models: {report['models']} chat models (`brickgate models` lists them)")
        for skipped in report["skipped_inventories"]:
            console.print(f"  note:   {_escape(skipped['inventory'])} skipped: {_escape(skipped['reason'])}")
    missing = "" if report["config_exists"] else " (none yet: defaults apply)"
    console.print(f"  home:   {_escape(report['home'])}")
    console.print(f"  config: {_escape(report['config'])}{missing}")
    if failure is not None:
        console.print(f"  [red]{_escape(failure.message)}[/]")
        if failure.hint:
            console.print(_escape(failure.hint), style="dim")


_SOURCES = {
    "flag": "the command line",
    "login": "`brickgate login`",
    "env": "the environment",
    "config-file": "~/.databrickscfg",
}


def _escape(text: str) -> str:
    from rich.markup import escape

    from brickgate.redact import redact

    return escape(redact(text))
