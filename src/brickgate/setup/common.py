"""What every agent's setup shares: the gateway's address, the user's choices (default model, output
limit, offline), which model to make the default, and how prices and limits are written."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brickgate.catalog.families import Api
from brickgate.catalog.model import Model
from brickgate.catalog.names import NameIndex
from brickgate.catalog.settings import CatalogSettings
from brickgate.errors import ConfigError
from brickgate.setup.config_files import ConfigEdit

KEY_ENV = "BRICKGATE_API_KEY"
LOOPBACK_KEY = "brickgate"  # any key works on loopback; agents insist on sending one
KEY_PLACEHOLDER = "<the key given to brickgate serve --api-key>"
KEY_FROM_COMMAND = "$(brickgate token)"  # a team gateway's key: the caller's own Databricks token
# Databricks reserves a request's max_tokens against the model's output-tokens-per-minute limit before
# running it and refuses at once what cannot fit (research databricks-2026.md §3.1): an agent asking for
# a model's full 128K output can be rate limited on its first request. 32K fits every tier seen.
DEFAULT_OUTPUT_LIMIT = 32_000
# The one rule for the cap written per model: min(the model's maximum, the limit), the limit being
# `--max-output-tokens N`, else config.toml's `[setup] max_output_tokens = N`, else DEFAULT_OUTPUT_LIMIT. The
# lowest OTPM in §3.1 is 4,000: a workspace serving such a model sets a lower limit, or that model's own
# `max_output_tokens` under [models."NAME"].
SETUP_TABLE = "setup"  # config.toml [setup]
_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class GatewayAddress:
    """Where the gateway listens and whether clients need its ``--api-key``. For a team gateway
    (``--gateway URL``: serve --identity caller, or a Databricks App) ``key_command`` prints the caller's
    own token; ``api_key`` is then ``KEY_FROM_COMMAND``, so agents without a key command read
    ``$BRICKGATE_API_KEY``, exported from that command."""

    base_url: str  # http://127.0.0.1:8787, no trailing slash
    api_key: str | None = None
    key_command: str | None = None

    @property
    def v1(self) -> str:
        return self.base_url + "/v1"

    @property
    def key_or_placeholder(self) -> str:
        return self.api_key or LOOPBACK_KEY

    def base_for(self, api: Api) -> str:
        """The base URL an SDK of ``api`` wants: Anthropic's append ``/v1/messages``, OpenAI's ``/...``."""
        return self.base_url if api == "messages" else self.v1

    def key_for_file(self, reference: str) -> str:
        """What a config file holds for the key: ``reference`` to the environment variable when the
        gateway requires a key (the secret stays out of the file), else the loopback placeholder."""
        return reference if self.api_key else LOOPBACK_KEY


@dataclass(frozen=True, slots=True)
class SetupChoices:
    """What the user chose on the command line."""

    output_limit: int | None = None  # None: config.toml's, else DEFAULT_OUTPUT_LIMIT (see there)
    offline: bool = False  # turn the agent's telemetry, update checks and catalog downloads off
    model: str | None = None  # the model the agent starts with; None: the agent module's preference
    api: Api | None = None  # one wire API for every model; None: each model's own API (the fast path)


@dataclass(frozen=True, slots=True)
class Snippet:
    """Settings for a client brickgate cannot configure itself: where they go, and the text to paste."""

    where: str
    text: str


@dataclass(frozen=True, slots=True)
class AgentSetup:
    """Everything `brickgate setup AGENT` prints or writes."""

    agent: str
    edits: tuple[ConfigEdit, ...] = ()
    exports: tuple[tuple[str, str], ...] = ()  # environment variables, in print order
    notes: tuple[str, ...] = ()  # how to start the agent afterwards, as sentences
    paste: tuple[Snippet, ...] = ()  # GUI clients: settings to paste into the client itself
    env_only: bool = False  # the exports ARE the agent's configuration (it has no file for them)


def home_dir() -> Path:
    """``$HOME`` when set (tests and e2e point it at a temp dir), else the platform's idea of home."""
    home = os.environ.get("HOME")
    return Path(home) if home else Path.home()


def xdg_config_dir() -> Path:
    value = os.environ.get("XDG_CONFIG_HOME")
    return Path(value) if value else home_dir() / ".config"


def dir_from_env(variable: str, default: Path) -> Path:
    """``$variable`` when set and not empty, else ``default``: agents relocate their dirs this way."""
    value = os.environ.get(variable)
    return Path(value) if value else default


def version_of(model: Model) -> tuple[int, ...]:
    """The numbers in an endpoint name, for "newest first" (claude-opus-4-5 → (4, 5))."""
    return tuple(int(n) for n in _NUMBERS.findall(model.id))


def newest(models: Sequence[Model], *words: str) -> Model | None:
    """The highest-versioned model whose name contains every word, or None."""
    found = [m for m in models if all(w in m.id for w in words)]
    return max(found, key=lambda m: (version_of(m), m.id), default=None)


def first_of(models: Sequence[Model], *choices: tuple[str, ...]) -> Model:
    """The newest model matching the first choice that matches anything; else the first model."""
    for words in choices:
        found = newest(models, *words)
        if found is not None:
            return found
    return models[0]


def find_model(models: Sequence[Model], name: str) -> Model:
    """The model ``name`` stands for (endpoint name, without ``databricks-``, dotted versions);
    ``ConfigError`` with close matches otherwise."""
    found = NameIndex(models).find(name)
    if found is not None:
        return found
    close = difflib.get_close_matches(name, [m.id for m in models], n=3, cutoff=0.5)
    hint = f"Did you mean {' or '.join(close)}? " if close else ""
    raise ConfigError(
        f"--model {name}: this workspace serves no such model.",
        f"{hint}`brickgate models` lists the models you can choose.",
    )


def default_model(models: Sequence[Model], choices: SetupChoices, *preferences: tuple[str, ...]) -> Model:
    """The user's ``--model``, else the newest model of the first preference that matches."""
    return find_model(models, choices.model) if choices.model else first_of(models, *preferences)


def another_model(models: Sequence[Model], main: Model) -> Model:
    """A model of another family than ``main``, to show that any model works (the same when alone)."""
    others = [m for m in models if m.family != main.family] or [m for m in models if m is not main]
    if not others:
        return main
    return first_of(others, ("claude", "sonnet"), ("claude",), ("gpt-5",), ("gemini",))


def api_for(model: Model, choices: SetupChoices) -> Api:
    """The API an agent that speaks several should use for ``model``."""
    return choices.api or model.api


def by_api(models: Sequence[Model], choices: SetupChoices) -> dict[Api, list[Model]]:
    """The models grouped by the API the agent should use for each (see ``api_for``), in order."""
    grouped: dict[Api, list[Model]] = {}
    for model in models:
        grouped.setdefault(api_for(model, choices), []).append(model)
    return grouped


def configured_output_limit(settings: CatalogSettings) -> int:
    """The limit config.toml's ``[setup] max_output_tokens`` sets, else ``DEFAULT_OUTPUT_LIMIT``."""
    table = (settings.model_extra or {}).get(SETUP_TABLE) or {}
    value = table.get("max_output_tokens", DEFAULT_OUTPUT_LIMIT)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(
            f"config.toml [{SETUP_TABLE}] max_output_tokens must be a positive whole number (got {value!r}).",
            f"Write e.g. max_output_tokens = {DEFAULT_OUTPUT_LIMIT}, or remove the key.",
        )
    return value


def output_limit(model: Model, choices: SetupChoices) -> int:
    """The most output tokens an agent should ask this model for (see DEFAULT_OUTPUT_LIMIT)."""
    limit = DEFAULT_OUTPUT_LIMIT if choices.output_limit is None else choices.output_limit
    return min(model.max_output_tokens, limit)


def price(usd_per_mtok: float) -> float:
    """A USD price to four significant digits: DBU list prices times $/DBU carry float noise
    (74.998 for a published $75, 1.00002 for $1), which agents would show as is."""
    return float(f"{usd_per_mtok:.4g}")


def prices(model: Model) -> tuple[float, float, float, float]:
    """USD per million tokens: input, output, cache read, cache write."""
    usd = model.usd_per_dbu
    return (
        price(model.input_usd_per_mtok),
        price(model.output_usd_per_mtok),
        price(model.cache_read_dbu_per_mtok * usd),
        price(model.cache_write_dbu_per_mtok * usd),
    )


def merge_tables(config: dict[str, Any], ours: dict[str, Any], path: Path) -> dict[str, Any]:
    """``ours`` merged into ``config`` object by object (the user's other keys stay), other values
    replaced; ``ConfigError`` where the user's file has something else than an object."""
    for key, value in ours.items():
        if not isinstance(value, dict):
            config[key] = value
            continue
        table = config.setdefault(key, {})
        if not isinstance(table, dict):
            raise ConfigError(
                f"{path}: `{key}` is not an object.", "Fix it, or add the printed settings by hand."
            )
        merge_tables(table, value, path)
    return config


def update_object(config: dict[str, Any], key: str, ours: dict[str, Any], path: Path) -> dict[str, Any]:
    """``config[key]`` (an object of named entries, e.g. providers) with ours replacing same-named ones
    whole, so models the workspace no longer serves disappear; the user's other entries stay."""
    existing = config.setdefault(key, {})
    if not isinstance(existing, dict):
        raise ConfigError(f"{path}: `{key}` is not an object.", "Fix it, or add the printed block by hand.")
    existing.update(ours)
    return config
