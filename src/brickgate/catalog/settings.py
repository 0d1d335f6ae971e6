"""The user's `config.toml` (in brickgate's home): prices, surface, cache TTL, per-model overrides.

    usd_per_dbu = 0.07
    surface = "auto"              # or "serving-endpoints" / "ai-gateway"
    cache_ttl_seconds = 3600
    ca_bundle = "/etc/ssl/corp-ca.pem"  # when a proxy inspects HTTPS (REQUESTS_CA_BUNDLE wins if set)

    [models."databricks-claude-sonnet-4-5"]
    api = "chat"                  # any Model field: context_window, max_output_tokens, supports_*, prices
    aliases = ["sonnet"]          # more names for it, wherever a model name is accepted
    input_usd_per_mtok = 3.0

    [[endpoints]]                 # models discovery cannot see
    name = "my-finetuned-llama"
    family = "llama"

    [gateway]
    gemini_small_model = "databricks-gemini-3-5-flash-lite"  # Gemini CLI's side requests

Tables this module does not know (other components' sections) are left alone; unknown plain keys are errors.
"""

from __future__ import annotations

import importlib
import logging
import stat
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from brickgate import home
from brickgate.catalog.families import FAMILY_NAMES, USD_PER_DBU, Api
from brickgate.errors import ConfigError

# tomllib is 3.11+; mypy targets 3.10 where only tomli exists, so import by name.
_toml: Any = importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")

log = logging.getLogger("brickgate.config")
SurfaceSetting = Literal["auto", "serving-endpoints", "ai-gateway"]
DEFAULT_CACHE_TTL_SECONDS = 3600.0
_PRICE_NAMES = ("input", "output", "cache_read", "cache_write")


class ModelOverride(BaseModel):
    """Any subset of a Model's fields; prices in DBU or USD per million tokens (not both)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    family: str | None = None
    api: Api | None = None
    context_window: int | None = Field(default=None, gt=0)
    max_output_tokens: int | None = Field(default=None, gt=0)
    supports_tools: bool | None = None
    supports_images: bool | None = None
    supports_reasoning: bool | None = None
    supports_prompt_caching: bool | None = None
    display_name: str | None = None
    aliases: tuple[str, ...] | None = None  # more names for it: `run -m sonnet`, `"model": "sonnet"`
    # sent when a request names none (2026 §4.1: "priority" costs more); OpenAI's and Anthropic's values
    service_tier: Literal["priority", "default", "auto", "flex", "standard_only"] | None = None
    input_dbu_per_mtok: float | None = Field(default=None, ge=0)
    output_dbu_per_mtok: float | None = Field(default=None, ge=0)
    cache_read_dbu_per_mtok: float | None = Field(default=None, ge=0)
    cache_write_dbu_per_mtok: float | None = Field(default=None, ge=0)
    input_usd_per_mtok: float | None = Field(default=None, ge=0)
    output_usd_per_mtok: float | None = Field(default=None, ge=0)
    cache_read_usd_per_mtok: float | None = Field(default=None, ge=0)
    cache_write_usd_per_mtok: float | None = Field(default=None, ge=0)

    @field_validator("api", mode="before")
    @classmethod
    def _old_api_name(cls, value: object) -> object:
        # Before 0.2 the Messages API was spelled "anthropic"; keep old configs working.
        if value == "anthropic":
            log.warning('config.toml: api = "anthropic" is now spelled api = "messages"; please update it.')
            return "messages"
        return value

    @model_validator(mode="after")
    def _check(self) -> ModelOverride:
        if self.family is not None and self.family not in FAMILY_NAMES:
            raise ValueError(f"family must be one of {', '.join(FAMILY_NAMES)} (got {self.family!r})")
        for price in _PRICE_NAMES:
            if (
                getattr(self, f"{price}_dbu_per_mtok") is not None
                and getattr(self, f"{price}_usd_per_mtok") is not None
            ):
                raise ValueError(f"give {price}_dbu_per_mtok or {price}_usd_per_mtok, not both")
        return self

    def set_fields(self) -> dict[str, Any]:
        """Only the fields the user wrote."""
        return self.model_dump(exclude_unset=True, exclude_none=True)


class CustomEndpoint(ModelOverride):
    """A model discovery cannot see; `name` is the serving endpoint (what goes in `model`)."""

    name: str = Field(min_length=1)


class GatewaySettings(BaseModel):
    """The ``[gateway]`` table (other keys there belong to other components)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    # the model that answers Gemini CLI's side requests (gateway/gemini_names.py); default: the user's own
    gemini_small_model: str | None = Field(default=None, min_length=1)


class CatalogSettings(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    usd_per_dbu: float = Field(default=USD_PER_DBU, gt=0)
    surface: SurfaceSetting = "auto"
    cache_ttl_seconds: float = Field(default=DEFAULT_CACHE_TTL_SECONDS, ge=0)
    ca_bundle: str | None = None  # PEM file of CAs to trust (after REQUESTS_CA_BUNDLE, SSL_CERT_FILE)
    usage_ledger: bool = True  # brickgate.ledger: record one row per request (no content)
    usage_retention_days: float = Field(default=90.0, gt=0)  # ledger rows older than this are pruned
    models: dict[str, ModelOverride] = Field(default_factory=dict)
    endpoints: list[CustomEndpoint] = Field(default_factory=list)
    gateway: GatewaySettings = Field(default_factory=GatewaySettings)

    @model_validator(mode="after")
    def _only_tables_are_foreign(self) -> CatalogSettings:
        # Other components keep their own [sections] here; a stray plain key is most likely a typo.
        unknown = [k for k, v in (self.model_extra or {}).items() if not isinstance(v, dict)]
        if unknown:
            raise ValueError(f"unknown key {unknown[0]!r}")
        return self


def load_settings(path: Path | None = None) -> CatalogSettings:
    """Parse and validate the config file; defaults when it does not exist. Errors name the file and key."""
    path = path or home.config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return CatalogSettings()
    except OSError as err:
        raise ConfigError(f"Cannot read {path}: {err.strerror}.", "Check the file's permissions.") from None
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {err.start}).", "Save it as UTF-8, as TOML requires."
        ) from None
    if _writable_by_others(path):
        # It decides where requests go and what they cost; another user must not be able to change that.
        raise ConfigError(
            f"{path} can be changed by other users of this machine, so brickgate will not use it.",
            f"Run: chmod 600 {path}",
        )
    try:
        data = _toml.loads(text)
    except _toml.TOMLDecodeError as err:
        raise ConfigError(
            f"{path} is not valid TOML: {err}.", "Fix the syntax (see https://toml.io)."
        ) from None
    try:
        return CatalogSettings.model_validate(data)
    except ValidationError as err:
        raise ConfigError(f"{path}: {_describe(err)}", "Fix or remove that key.") from None


def _writable_by_others(path: Path) -> bool:
    if sys.platform == "win32":
        return False
    return bool(path.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _describe(err: ValidationError) -> str:
    problems = []
    for issue in err.errors()[:3]:
        where = "".join(_key(part) for part in issue["loc"]).removeprefix(".")
        message = issue["msg"].removeprefix("Value error, ")
        problems.append(f"{where}: {message}" if where else message)
    return "; ".join(problems)


def _key(part: int | str) -> str:
    if isinstance(part, int):
        return f"[{part}]"
    return f'."{part}"' if "." in part else f".{part}"
