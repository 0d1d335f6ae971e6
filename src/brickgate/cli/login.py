"""`brickgate login` / `brickgate logout`: store (after verifying) or forget the credentials to use."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from brickgate.errors import ConfigError

if TYPE_CHECKING:
    from rich.console import Console

    from brickgate.auth import Credentials

VERIFY_TIMEOUT = 10.0


def login(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option("--host", help="Workspace URL (with a token).")] = None,
    token_stdin: Annotated[
        bool, typer.Option("--token-stdin", help="Read the personal access token from stdin.")
    ] = False,
    profile: Annotated[
        str | None, typer.Option("--profile", "-p", help="Use this ~/.databrickscfg profile.")
    ] = None,
) -> None:
    """Choose the workspace credentials brickgate uses: a host + token, or a Databricks CLI profile.

    They are checked against the workspace before being stored (0600); a failing check changes nothing.
    """
    from brickgate.cli.output import stdout_console

    host = host or ctx.obj.host
    profile = profile or ctx.obj.profile
    console = stdout_console()
    if profile and (host or token_stdin):
        raise ConfigError("Give either --profile or --host with a token, not both.")
    if profile:
        _login_with_profile(console, profile)
    elif host:
        _login_with_token(console, host, _read_token(token_stdin))
    elif token_stdin:
        raise ConfigError(
            "--token-stdin needs --host.", "brickgate login --host URL --token-stdin < token.txt"
        )
    else:
        _login_interactively(console)


def logout() -> None:
    """Forget the stored login (profiles in ~/.databrickscfg are left alone)."""
    from brickgate import home
    from brickgate.auth import clear_login
    from brickgate.cli.output import stdout_console

    console = stdout_console()
    if clear_login():
        console.print(f"Logged out: removed {home.credentials_path()}.")
    else:
        console.print("Not logged in: nothing to remove.")


def _login_with_profile(console: Console, profile: str) -> None:
    from brickgate.auth import resolve, save_login

    creds = resolve(profile=profile, timeout=VERIFY_TIMEOUT)
    count = _verify(console, creds)
    save_login(profile=profile)
    _report(console, creds, count)


def _login_with_token(console: Console, host: str, token: str) -> None:
    from brickgate.auth import Credentials, save_login

    creds = Credentials.pat(host, token, source="login", origin="given")  # not stored until verified
    count = _verify(console, creds)
    save_login(host=creds.host, token=token)
    _report(console, creds, count)


def _login_interactively(console: Console) -> None:
    from brickgate.auth import list_profiles
    from brickgate.auth.config_file import config_file_path

    if not sys.stdin.isatty():
        raise _needs_terminal("to ask questions")
    profiles = list_profiles()
    if profiles:
        console.print(f"Profiles in {config_file_path()}:")
        for number, name in enumerate(profiles, start=1):
            console.print(f"  {number}) {name}", markup=False)
        console.print("  0) enter a workspace URL and a personal access token")
        choice = typer.prompt("Choose", default="1")
        picked = _pick(choice, profiles)
        if picked:
            _login_with_profile(console, picked)
            return
    host = typer.prompt("Workspace URL (e.g. https://dbc-1234abcd-5678.cloud.databricks.com)")
    _login_with_token(console, host, _read_token(from_stdin=False))


def _pick(choice: str, profiles: list[str]) -> str | None:
    text = choice.strip()
    if text in profiles:
        return text
    if text.isdigit() and 0 <= int(text) <= len(profiles):
        return profiles[int(text) - 1] if int(text) else None
    raise ConfigError(f"{text!r} is not one of the choices.", "Run `brickgate login` again.")


def _needs_terminal(why: str) -> ConfigError:
    return ConfigError(
        f"`brickgate login` needs a terminal {why}.",
        "In scripts use `brickgate login --host URL --token-stdin < token.txt` or "
        "`brickgate login --profile NAME`.",
    )


def _read_token(from_stdin: bool) -> str:
    import getpass

    if not from_stdin and not sys.stdin.isatty():
        raise _needs_terminal("to ask for the token without echoing it")
    token = sys.stdin.readline() if from_stdin else getpass.getpass("Personal access token (hidden): ")
    token = token.strip()
    if not token:
        raise ConfigError("The token is empty.", "Create one under Settings → Developer → Access tokens.")
    from brickgate.redact import register_secret

    register_secret(token)
    return token


def _verify(console: Console, creds: Credentials) -> int:
    from brickgate.auth import verify

    with console.status(f"Checking {creds.host} ..."):
        return verify(creds, timeout=VERIFY_TIMEOUT)


def _report(console: Console, creds: Credentials, endpoints: int) -> None:
    from brickgate import home

    via = f"profile {creds.profile} ({creds.auth_type})" if creds.profile else creds.auth_type
    console.print(f"[green]Logged in[/] to {creds.host} with {via}: {endpoints} serving endpoints visible.")
    console.print(f"Stored in {home.credentials_path()} (readable only by you).", style="dim")
