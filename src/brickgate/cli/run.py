"""`brickgate run` and `brickgate chat`.

Light on purpose: the streaming code is imported only when a command runs."""

from __future__ import annotations

from typing import Annotated

import typer

ModelOpt = Annotated[
    str,
    typer.Option("--model", "-m", help="Endpoint name, the name without `databricks-`, or databricks/NAME."),
]
SystemOpt = Annotated[str | None, typer.Option("--system", "-s", help="System prompt.")]
MaxTokensOpt = Annotated[int | None, typer.Option("--max-tokens", min=1, help="Cap on output tokens.")]


def _workspace(ctx: typer.Context) -> object:
    from brickgate.workspace import Workspace

    return Workspace(profile=ctx.obj.profile, host=ctx.obj.host, surface=ctx.obj.surface)


def run(
    ctx: typer.Context,
    prompt: Annotated[str, typer.Argument(help='The prompt, or "-" to read it from stdin.')],
    model: ModelOpt,
    system: SystemOpt = None,
    max_tokens: MaxTokensOpt = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="One JSON object: text, tool calls, usage, cost, model, api.")
    ] = False,
    reasoning: Annotated[
        bool, typer.Option("--reasoning", help="Ask for and show reasoning (dimmed).")
    ] = False,
) -> None:
    """Send one prompt to a model and stream the answer."""
    from brickgate.cli.run_session import run_prompt

    run_prompt(
        _workspace(ctx),  # type: ignore[arg-type]
        model,
        prompt,
        system=system,
        max_tokens=max_tokens,
        as_json=json_output,
        show_reasoning=reasoning,
    )


def chat(
    ctx: typer.Context,
    model: ModelOpt,
    system: SystemOpt = None,
    max_tokens: MaxTokensOpt = None,
) -> None:
    """Chat with a model: streaming Markdown, /model NAME, /clear, /exit."""
    from brickgate.cli.chat_session import chat as chat_loop

    ws = _workspace(ctx)
    label = ctx.obj.profile or ctx.obj.host or ws.credentials.host  # type: ignore[attr-defined]
    chat_loop(ws, model, system=system, max_tokens=max_tokens, workspace_label=label)  # type: ignore[arg-type]
