"""`brickgate`: the command line. Heavy imports (SDK, aiohttp, emulator, rich tables) live inside commands
so `brickgate --help` stays fast; every BrickgateError is printed as message + hint, no traceback."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import Annotated

import typer

from brickgate.cli import demo, doctor, emulator, login, models, run, serve, setup, status, usage
from brickgate.errors import BrickgateError

app = typer.Typer(
    name="brickgate",
    help="Every LLM your Databricks workspace serves, for any coding agent and any Python program.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@dataclass(frozen=True, slots=True)
class GlobalOptions:
    profile: str | None = None
    host: str | None = None
    debug: bool = False
    surface: str | None = None


_debug = False


@app.callback()
def global_options(
    ctx: typer.Context,
    profile: Annotated[
        str | None, typer.Option("--profile", "-p", help="Use this profile of ~/.databrickscfg.")
    ] = None,
    host: Annotated[
        str | None, typer.Option("--host", help="Workspace URL (overrides the stored login).")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
    surface: Annotated[
        str | None,
        typer.Option(
            "--surface",
            help="auto (default: AI Gateway when the workspace has it), serving-endpoints or ai-gateway.",
        ),
    ] = None,
) -> None:
    """Options shared by every command."""
    global _debug
    _debug = debug
    if surface is not None:
        from brickgate.routing import check_surface_setting

        check_surface_setting(surface)
    ctx.obj = GlobalOptions(profile=profile, host=host, debug=debug, surface=surface)
    _configure_logging(debug)


app.command("login")(login.login)
app.command("logout")(login.logout)
app.command("status")(status.status)
app.command("models")(models.models)
app.command("run")(run.run)
app.command("chat")(run.chat)
app.command("emulator")(emulator.emulator)
app.command("demo")(demo.demo)
app.command("serve")(serve.serve)
app.command("setup")(setup.setup)
app.command("doctor")(doctor.doctor)
app.command("usage")(usage.usage)


def _configure_logging(debug: bool) -> None:
    from brickgate.cli.output import RedactingHandler

    logger = logging.getLogger("brickgate")
    logger.handlers[:] = [RedactingHandler()]
    logger.setLevel(logging.DEBUG if debug else logging.WARNING)
    logger.propagate = False


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except BrickgateError as err:
        if _debug:
            raise
        from brickgate.cli.output import print_error

        print_error(err)
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
