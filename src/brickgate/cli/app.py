"""`brickgate app init [DIR]`: a Databricks App that runs the gateway for a team (research
databricks-2026.md §5): `app.yaml` (the command), `requirements.txt` (this brickgate, pinned) and a README
with the deploy steps and the user-authorization scopes each request needs to run as its user."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="app",
    help="Run the gateway as a Databricks App, for a whole team.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
# `brickgate serve` needs no flags inside an App: DATABRICKS_APP_PORT switches App mode on (binds
# 0.0.0.0:$DATABRICKS_APP_PORT, /api/ mounts, each request as its user). app.yaml is not run in a shell.
APP_YAML = """\
# brickgate as a Databricks App: one gateway for the team; each request runs as the signed-in user
# (user authorization: see README.md). Inside an App, `brickgate serve` needs no flags.
command:
  - brickgate
  - serve
env:
  # Uncomment to run requests that carry no user token as this app's own service principal
  # (billed to the app, for everyone) instead of refusing them:
  # - name: BRICKGATE_APP_PRINCIPAL_FALLBACK
  #   value: "1"
  - name: BRICKGATE_REQUEST_TAGS
    value: '{"via":"brickgate-app"}'
"""
SCOPES = ("model-serving", "serving.serving-endpoints")
README = """\
# brickgate as a Databricks App

A gateway for the whole team: OpenAI Chat and Responses, Anthropic Messages and the Gemini API for every
model the workspace serves. Each request runs **as the person who sent it** (their permissions, their
rate limits, their name in the usage tables): the app holds no model credential of its own.

## Deploy

1. Upload this folder and create the app (Databricks CLI):

       databricks sync . /Workspace/Users/$USER_EMAIL/{name}
       databricks apps create {name}
       databricks apps deploy {name} --source-code-path /Workspace/Users/$USER_EMAIL/{name}

2. Turn on **user authorization** for the app (Apps → {name} → Edit → User authorization) with the
   scopes {scope_list}: `model-serving` lets the user's token call models ("Provided OAuth token does
   not have required scopes: model-serving" otherwise), `serving.serving-endpoints` lets it list them.
   Restart the app after changing scopes (scopes set on an existing app through the API or CLI have
   been seen to be ignored: set them in the UI).
3. Give the team **CAN USE** on the app (Permissions).

The platform forwards each user's token to the app as `X-Forwarded-Access-Token`, and their e-mail as
`X-Forwarded-Email`; brickgate sends the token upstream, puts the e-mail in the access log and in the
request tags (`Databricks-Ai-Gateway-Request-Tags`, key `user`). These headers are believed only inside
an App (`DATABRICKS_APP_PORT` set), where the platform's proxy is the only way in.

## Use it

Apps accept token authentication on `/api/...` only, so every API is served there too:

| API | base URL |
|---|---|
| OpenAI (Chat, Responses) | `https://<app-url>/api/openai/v1` |
| Anthropic Messages | `https://<app-url>/api/anthropic` |
| Gemini | `https://<app-url>/api/gemini` |

Each person points their agent at it with their own login; the agent fetches a fresh token with
`brickgate token` (a Databricks OAuth token lasts an hour):

    brickgate setup claude-code --gateway https://<app-url> --write

## What lives in the app

Caches (model listings per user, in memory) and the usage ledger (SQLite under the app's home, lost on
redeploy). Several app instances share nothing and need no coordination: see brickgate's README,
"Scaling".

Pinned: brickgate {version}.
"""


@app.command("init")
def init(
    directory: Annotated[
        Path, typer.Argument(help="Folder to write the app into (created if needed).")
    ] = Path("brickgate-app"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that already exist.")] = False,
) -> None:
    """Write a deployable Databricks App that runs the gateway: app.yaml, requirements.txt, README.md."""
    from brickgate import __version__
    from brickgate.errors import ConfigError

    name = directory.resolve().name.lower().replace("_", "-") or "brickgate"
    files = {
        "app.yaml": APP_YAML,
        "requirements.txt": f"brickgate=={__version__}\n",
        "README.md": README.format(
            name=name, version=__version__, scope_list=" and ".join(f"`{s}`" for s in SCOPES)
        ),
    }
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"{directory} is a file, not a folder.", "Give a folder to write the app into.")
    existing = [f for f in files if (directory / f).exists()]
    if existing and not force:
        raise ConfigError(
            f"{directory} already has {', '.join(existing)}.",
            "Choose another folder, or pass --force to overwrite them.",
        )
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for file, text in files.items():
            (directory / file).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"Cannot write the app into {directory}: {exc.strerror or exc}.",
            "Check the folder's permissions.",
        ) from None
    typer.echo(f"Wrote {', '.join(files)} to {directory}. Next: the steps in {directory / 'README.md'}.")
