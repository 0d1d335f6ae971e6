"""The models table (`brickgate models`, `brickgate demo`), its JSON form and the notes under it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from brickgate.catalog.model import Model
from brickgate.routing import NoRoute, Route, Surface, choose, declared_apis
from brickgate.wire.contract import Api

if TYPE_CHECKING:
    from rich.table import Table

API_LABELS = {"messages": "Anthropic Messages", "responses": "OpenAI Responses", "chat": "Chat Completions"}
# The inbound APIs a caller of the gateway speaks, as the table abbreviates them.
CALLERS: dict[Api, str] = {"chat": "chat", "responses": "resp", "messages": "msg"}
FAMILY_STYLES = {
    "claude": "orange3",
    "gpt": "green",
    "codex": "green4",
    "gemini": "blue",
    "glm": "cyan",
    "kimi": "bright_magenta",
    "deepseek": "bright_blue",
    "grok": "white",
    "inkling": "yellow",
    "llama": "magenta",
    "qwen": "purple",
    "gpt-oss": "cyan",
    "gemma": "bright_blue",
}
PRICE_SOURCES = {"listing": "listing", "table": "table", "config": "config", "none": "-"}


def default_surface(model: Model) -> Surface:
    """The AI Gateway for pay-per-token models, /serving-endpoints for the workspace's own endpoints."""
    return "ai-gateway" if model.source == "foundation" else "serving-endpoints"


def models_table(
    models: list[Model], *, title: str | None = None, surface: Callable[[Model], Surface] = default_surface
) -> Table:
    """One row per model: id, family, declared APIs (best first), the API each caller's requests take
    (on the model's ``surface``), limits, capabilities, list price per 1M tokens and its source."""
    from rich.table import Table

    table = Table(title=title, header_style="bold")
    table.add_column("model", no_wrap=True)
    table.add_column("family")
    table.add_column("APIs", overflow="fold")
    table.add_column("chat·resp·msg →", overflow="fold")
    table.add_column("context", justify="right")
    table.add_column("max out", justify="right")
    table.add_column("capabilities")
    table.add_column("$/M in", justify="right")
    table.add_column("$/M out", justify="right")
    table.add_column("$ from")
    show_reason = any(not m.ready for m in models)
    if show_reason:
        table.add_column("skipped because (what the workspace lists)", style="dim", overflow="fold")
    for m in models:
        if not m.ready:  # a family's chat defaults would be made up: show what the workspace listed
            table.add_row(f"[dim]{m.id}[/]", *["-"] * 9, f"{m.skipped_reason} ({workspace_says(m)})")
            continue
        routes = caller_routes(m, surface(m))
        row = [
            m.id,
            f"[{FAMILY_STYLES.get(m.family, 'white')}]{m.family}[/]",
            declared_label(m),
            "·".join(CALLERS.get(r.api, r.api) if r else "-" for r in routes.values()),
            tokens(m.context_window),
            tokens(m.max_output_tokens),
            capabilities(m),
            dollars(m.input_usd_per_mtok),
            dollars(m.output_usd_per_mtok),
            PRICE_SOURCES[m.price_source],
        ]
        table.add_row(*row, *([""] if show_reason else []))
    return table


def declared_label(model: Model) -> str:
    """`messages responses chat` (declared, best first); `chat (family)` when nothing is declared."""
    apis = declared_apis(model.api_types)
    if model.api_source == "config":
        return f"{model.api} (config)"
    return " ".join(apis) if apis else f"{model.api} (family)"


def caller_routes(model: Model, surface: Surface) -> dict[Api, Route | None]:
    """The route a gateway caller speaking each API takes to ``model`` (None: no route there)."""
    routes: dict[Api, Route | None] = {}
    for caller in CALLERS:
        try:
            routes[caller] = choose(model, caller, surface)
        except NoRoute:
            routes[caller] = None
    return routes


def model_notes(models: list[Model]) -> list[str]:
    """One line per model that needs a word: retiring, or of a family brickgate has no row for."""
    from brickgate.catalog.retirements import retirement_of

    notes = []
    for m in models:
        if not m.ready:
            continue
        if (retiring := retirement_of(m.id)) is not None:
            notes.append(f"{m.id}: {retiring.describe()}")
        if m.family == "other" and m.source == "foundation":
            notes.append(
                f"{m.id}: family unknown to brickgate: {tokens(m.context_window)} context and "
                f"{tokens(m.max_output_tokens)} output are defaults (a too-large max_tokens is clamped and "
                'retried); set them under [models."' + m.id + '"] in config.toml'
            )
    return notes


def model_json(model: Model, surface: Surface) -> dict[str, Any]:
    """A model for `--json`: its fields, `apis` (declared, best first) next to `api` (preferred), and
    `routes`: the API and path each caller's requests take."""
    data = model.to_json()
    data["apis"] = list(declared_apis(model.api_types))
    data["routes"] = {
        caller: {"api": r.api, "path": r.path(model.id)} if r else None
        for caller, r in caller_routes(model, surface).items()
    }
    return data


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
