"""The models table (`brickgate models`, `brickgate demo`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from brickgate.catalog.model import Model

if TYPE_CHECKING:
    from rich.table import Table

API_LABELS = {"messages": "Anthropic Messages", "responses": "OpenAI Responses", "chat": "Chat Completions"}
API_SHORT = {"messages": "messages", "responses": "responses", "chat": "chat"}
FAMILY_STYLES = {
    "claude": "orange3",
    "gpt": "green",
    "codex": "green4",
    "gemini": "blue",
    "llama": "magenta",
    "qwen": "purple",
    "gpt-oss": "cyan",
    "gemma": "bright_blue",
}


def models_table(models: list[Model], *, title: str | None = None) -> Table:
    """One row per model: id, family, API, limits, capabilities, list price per million tokens."""
    from rich.table import Table

    table = Table(title=title, header_style="bold")
    table.add_column("model", no_wrap=True)
    table.add_column("family")
    table.add_column("API")
    table.add_column("context", justify="right")
    table.add_column("max out", justify="right")
    table.add_column("capabilities")
    table.add_column("$/M in", justify="right")
    table.add_column("$/M out", justify="right")
    show_reason = any(not m.ready for m in models)
    if show_reason:
        table.add_column("skipped because (what the workspace lists)", style="dim", overflow="fold")
    for m in models:
        if not m.ready:  # a family's chat defaults would be made up: show what the workspace listed
            table.add_row(f"[dim]{m.id}[/]", *["-"] * 7, f"{m.skipped_reason} ({workspace_says(m)})")
            continue
        row = [
            m.id,
            f"[{FAMILY_STYLES.get(m.family, 'white')}]{m.family}[/]",
            API_SHORT.get(m.api, m.api),
            tokens(m.context_window),
            tokens(m.max_output_tokens),
            capabilities(m),
            dollars(m.input_usd_per_mtok),
            dollars(m.output_usd_per_mtok),
        ]
        table.add_row(*row, *([""] if show_reason else []))
    return table


def workspace_says(model: Model) -> str:
    """The listing's own words for an endpoint: `task llm/v1/embeddings, READY`."""
    return f"task {model.task or '(none)'}, {model.state or 'state unknown'}"


def skipped_json(model: Model) -> dict[str, object]:
    """A skipped endpoint for `--json`: what the workspace listed and why it is skipped, no made-up limits."""
    keep = ("id", "ready", "skipped_reason", "task", "state", "source", "display_name")
    data = model.to_json()
    return {k: data[k] for k in keep}


def tokens(count: int) -> str:
    """200000 → 200K, 1048576 → 1.05M, 65535 → 66K."""
    if count >= 1_000_000:
        return f"{count / 1_000_000:.3g}M"
    return f"{round(count / 1000)}K" if count >= 1000 else str(count)


def capabilities(model: Model) -> str:
    flags = (
        (model.supports_tools, "tools"),
        (model.supports_images, "images"),
        (model.supports_reasoning, "reasoning"),
        (model.supports_prompt_caching, "cache"),
    )
    return ",".join(name for supported, name in flags if supported) or "-"


def dollars(usd: float) -> str:
    return f"{usd:.2f}" if usd else "-"
