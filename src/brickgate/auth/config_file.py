"""Reading `~/.databrickscfg` (INI) without the SDK: profile names, their keys, the default profile."""

from __future__ import annotations

import configparser
import os
from pathlib import Path

from brickgate.errors import ConfigError, NoCredentials

SETTINGS_SECTION = "__settings__"
# A section name nobody uses, so configparser treats [DEFAULT] as a plain section (as the SDK does).
_NO_DEFAULTS = "\x00brickgate-no-defaults"


def config_file_path(path: str | Path | None = None) -> Path:
    """The Databricks config file: `path`, else `DATABRICKS_CONFIG_FILE`, else `~/.databrickscfg`."""
    chosen = path or os.environ.get("DATABRICKS_CONFIG_FILE") or "~/.databrickscfg"
    return Path(chosen).expanduser()


def read_sections(path: str | Path | None = None) -> dict[str, dict[str, str]]:
    """Every section of the config file (including `__settings__`), keys lower-case; {} if absent."""
    file = config_file_path(path)
    if not file.is_file():
        return {}
    parser = configparser.ConfigParser(default_section=_NO_DEFAULTS, interpolation=None, strict=False)
    try:
        parser.read(file, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as err:
        raise ConfigError(
            f"Cannot read the Databricks config file {file}: {_parse_problem(err)}.",
            "Fix the INI syntax, or point DATABRICKS_CONFIG_FILE at another file.",
        ) from None
    return {name: {k: v.strip() for k, v in parser.items(name)} for name in parser.sections()}


def _parse_problem(err: Exception) -> str:
    """Where the file is broken, by line number only: the line itself may hold a token."""
    if isinstance(err, configparser.MissingSectionHeaderError):
        return f"line {err.lineno} comes before any [profile] header"
    if isinstance(err, configparser.ParsingError) and err.errors:
        return f"line {err.errors[0][0]} is not `key = value`"
    if isinstance(err, UnicodeDecodeError):
        return "it is not UTF-8 text"
    return type(err).__name__


def list_profiles(path: str | Path | None = None) -> list[str]:
    """Profile names of the config file: `DEFAULT` first, then sorted; `__settings__` left out."""
    names = {n for n in read_sections(path) if n != SETTINGS_SECTION}
    rest = sorted(names - {"DEFAULT"})
    return ["DEFAULT", *rest] if "DEFAULT" in names else rest


def default_profile_name(sections: dict[str, dict[str, str]]) -> str | None:
    """`[__settings__] default_profile`, else `DEFAULT` when that section exists, else None."""
    chosen = sections.get(SETTINGS_SECTION, {}).get("default_profile", "").strip()
    if chosen:
        return chosen
    return "DEFAULT" if sections.get("DEFAULT") else None


def missing_profile_error(name: str) -> NoCredentials:
    """The profile `name` is not in the config file: say which ones are."""
    path = config_file_path()
    known = list_profiles()
    where = f"Profiles in {path}: {', '.join(known)}." if known else f"{path} has no profiles."
    return NoCredentials(
        f"There is no profile {name!r} in {path}.",
        f"{where} Create one with `databricks auth login --profile {name}`, or pick another with --profile.",
    )
