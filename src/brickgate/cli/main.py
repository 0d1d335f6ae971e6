"""`brickgate`: the command line. Heavy imports (SDK, aiohttp, emulator, rich tables) live inside commands
so `brickgate --help` stays fast; every BrickgateError is printed as message + hint, no traceback."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from brickgate.cli import app as app_command
from brickgate.cli import demo, doctor, emulator, login, models, run, serve, setup, status, token, usage
from brickgate.errors import BrickgateError, ConfigError

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
INTERRUPTED = 130  # the exit code typer gives Ctrl-C


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
    insecure_http: Annotated[
        bool,
        typer.Option(
            "--insecure-http",
            help="Accept a plain http:// workspace host on another machine (token in clear).",
        ),
    ] = False,
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
    if insecure_http:
        from brickgate.auth.host import allow_insecure_http

        allow_insecure_http()
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
app.command("token")(token.token)
app.add_typer(app_command.app, name="app")


def _configure_logging(debug: bool) -> None:
    from brickgate.cli.output import RedactingHandler

    logger = logging.getLogger("brickgate")
    logger.handlers[:] = [RedactingHandler()]
    logger.setLevel(logging.DEBUG if debug else logging.WARNING)
    logger.propagate = False


def main() -> None:
    """Console-script entry point. Every failure ends here once: message + hint on stderr, or, when the
    command was given --json, one `{"error": {"type", "message", "hint"}}` object on stdout."""
    as_json = json_requested(sys.argv[1:])
    try:
        code = app(standalone_mode=False)
    except BrickgateError as err:
        if _debug:
            raise
        _report(err, as_json)
        sys.exit(err.exit_code)
    except typer.TyperException as err:  # usage errors: unknown option, missing --model, bad value
        if as_json:
            usage = BrickgateError(err.format_message(), "Run the command with --help to see its options.")
            _report(usage, as_json=True, kind="UsageError")
        else:
            err.show()  # type: ignore[attr-defined]  # every click exception typer raises has it
        sys.exit(err.exit_code)
    except typer.Abort:  # Ctrl-C or end of input at a prompt
        sys.stderr.write("Aborted.\n")
        sys.exit(1)
    except KeyboardInterrupt:  # before typer's own handler, which returns INTERRUPTED
        code = INTERRUPTED
    except OSError as err:  # a file brickgate cannot write or read: a read-only home, a full disk
        if _debug:
            raise
        _report(_file_error(err), as_json)
        sys.exit(1)
    if code == INTERRUPTED and as_json:  # a script reading stdout still gets one object saying why
        _report(
            BrickgateError("Interrupted (Ctrl-C).", "Run the command again."), as_json, kind="Interrupted"
        )
    sys.exit(code if isinstance(code, int) else 0)


def json_requested(args: list[str]) -> bool:
    """True when the command line asks for JSON (`--json` before any `--`)."""
    before = args[: args.index("--")] if "--" in args else args
    return "--json" in before


def _file_error(err: OSError) -> BrickgateError:
    """What an OSError nothing else caught means for the user: which file, why, and what to do about it."""
    from brickgate import home

    path = str(err.filename or "")
    state = home.home()
    why = err.strerror or err
    if path and Path(path).is_relative_to(state):  # its own temporary file names mean nothing to a user
        return ConfigError(
            f"Cannot use brickgate's home {state}: {why}.",
            "Make that folder writable, or set BRICKGATE_HOME to a folder that is.",
        )
    if path:
        return ConfigError(
            f"Cannot use {path}: {why}.", "Check that the folder exists and that you may write to it."
        )
    # no file named (a socket, say): say what happened without guessing at a cause
    return ConfigError(
        f"The system refused an operation: {why}.", "Rerun with --debug to see where it happened."
    )


def _report(err: BrickgateError, as_json: bool, kind: str | None = None) -> None:
    from brickgate.cli.output import error_json, print_error, print_json

    if as_json:
        print_json({"error": {**error_json(err), **({"type": kind} if kind else {})}})
    else:
        print_error(err)


if __name__ == "__main__":
    main()
