"""`brickgate token`: print a fresh Databricks token for the current login, for an agent's key command
(Claude Code ``apiKeyHelper``, Pi ``"!brickgate token"``, Copilot's ``COPILOT_PROVIDER_API_KEY_COMMAND``)
talking to a team gateway (`serve --identity caller`) or a Databricks App.

stdout carries the token and a newline, nothing else; failures go to stderr with the fix, exit non-zero.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

TOKEN_TIMEOUT = 20.0


def token(
    ctx: typer.Context,
    profile: Annotated[
        str | None,
        typer.Option("--profile", "-p", help="Use this profile of ~/.databrickscfg.", show_default=False),
    ] = None,
) -> None:
    """Print a fresh Databricks token (OAuth or personal access token) for the current login."""
    from brickgate.auth import resolve
    from brickgate.auth.bearer import bearer_token

    creds = resolve(profile or ctx.obj.profile, ctx.obj.host, timeout=TOKEN_TIMEOUT)
    sys.stdout.write(bearer_token(creds) + "\n")
