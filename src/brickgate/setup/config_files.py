"""Merging our settings into an agent's own config file: parse, merge, back up, write atomically.

A file we cannot parse is never overwritten: the user gets the reason and the fragment to add by hand.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from brickgate.errors import ConfigError
from brickgate.home import write_private

Format = Literal["json", "toml", "yaml"]
Document = Any  # a parsed config file: dict for JSON/TOML, dict or list for YAML


@dataclass(frozen=True, slots=True)
class ConfigEdit:
    """One file an agent reads, and how our settings merge into what is already there."""

    path: Path
    format: Format
    merge: Callable[[Document | None], Document]  # existing document (None: no file yet) → new one
    fragment: Document  # what we add, shown when printing instead of writing


def load(path: Path, fmt: Format) -> Document | None:
    """The parsed file, None when it does not exist or is empty; ``ConfigError`` when unparseable."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror}.", "Check the file's permissions.") from None
    if not text.strip():
        return None
    try:
        return parse(text, fmt)
    except ValueError as exc:
        raise ConfigError(
            f"{path} is not valid {fmt.upper()} ({exc}); brickgate will not overwrite it.",
            "Fix or move the file and rerun, or run without --write and add the printed settings by hand.",
        ) from None


def parse(text: str, fmt: Format) -> Document:
    """Parse config text; every parser's failure becomes ``ValueError``."""
    if fmt == "json":
        return json.loads(text)
    if fmt == "toml":
        # tomllib is 3.11+; mypy targets 3.10 where only tomli exists, so import by name.
        toml: Any = importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")
        return toml.loads(text)
    yaml = _yaml()
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc).replace("\n", " ")) from None


def _yaml() -> Any:
    """PyYAML (installed with uvicorn[standard]); untyped, so held as Any."""
    return importlib.import_module("yaml")


def render(doc: Document, fmt: Format) -> str:
    """A document as file text, in the format's usual style."""
    if fmt == "json":
        return json.dumps(doc, indent=2) + "\n"
    if fmt == "toml":
        import tomli_w

        return tomli_w.dumps(doc)
    return str(_yaml().safe_dump(doc, sort_keys=False, default_flow_style=False, allow_unicode=True))


def apply(edit: ConfigEdit) -> Path | None:
    """Merge ``edit`` into its file. Returns the backup path when an existing file was replaced."""
    existing = load(edit.path, edit.format)
    merged = edit.merge(existing)
    backup = None
    if edit.path.exists():
        backup = edit.path.with_name(edit.path.name + ".bak")
        # Through the private-write helper: a link planted at the .bak is replaced, never written through.
        write_private(backup, edit.path.read_bytes())
    # 0600: these files carry the gateway's key when one is set.
    write_private(edit.path, render(merged, edit.format).encode("utf-8"))
    return backup


def expect_mapping(doc: Document | None, path: Path) -> dict[str, Any]:
    """The document as a dict (a new one when absent); ``ConfigError`` when its top level is not a mapping."""
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ConfigError(
            f"{path} does not hold a mapping at the top level; brickgate will not overwrite it.",
            "Fix or move the file and rerun, or add the printed settings by hand.",
        )
    return doc


def expect_list(doc: Document | None, path: Path) -> list[Any]:
    """The document as a list (a new one when absent); ``ConfigError`` when it is anything else."""
    if doc is None:
        return []
    if not isinstance(doc, list):
        raise ConfigError(
            f"{path} does not hold a list at the top level; brickgate will not overwrite it.",
            "Fix or move the file and rerun, or add the printed settings by hand.",
        )
    return doc


def merge_named_entries(doc: list[Any], entries: list[dict[str, Any]], key: str) -> list[Any]:
    """``doc`` with ``entries`` replacing items of the same ``key`` value, new ones appended, order kept."""
    ours = {e[key]: e for e in entries}
    merged = [
        ours.pop(item[key]) if isinstance(item, dict) and item.get(key) in ours else item for item in doc
    ]
    return merged + list(ours.values())
