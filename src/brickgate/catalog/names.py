"""Model names as people and agents write them, mapped to a workspace's endpoints: the one resolver behind
the CLI (`-m`), the library (`Workspace.model`) and the gateway.

For the endpoint `databricks-claude-sonnet-4-5` these all work, in any case: the endpoint name; the name
without `databricks-`; `databricks/NAME` (LiteLLM); `system.ai.NAME` (Unity Catalog); dotted versions
(`claude-sonnet-4.5`, `gpt-5.2-codex`); dated vendor ids (`claude-sonnet-4-5-20250929`). A model's Unity
Catalog name and `aliases` (from config) are spellings too, and a model registered only in Unity Catalog
(`system.ai.glm-5-3-flash`) is also found as `databricks-glm-5-3-flash`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from brickgate.catalog.model import Model

ENDPOINT_PREFIX = "databricks-"
_CALLER_PREFIXES = ("databricks/", "system.ai.")
_DATE_SUFFIX = re.compile(r"-(?:\d{8}|\d{4}-\d{2}-\d{2})$")
_DIGIT_DASH_DIGIT = re.compile(r"(?<=\d)-(?=\d)")


def canonical(name: str) -> str:
    """The form names are compared in: lower case, caller prefixes dropped, dots as dashes."""
    key = name.strip().lower()
    for prefix in _CALLER_PREFIXES:
        key = key.removeprefix(prefix)
    return key.replace(".", "-")


def spellings(model: Model) -> tuple[str, ...]:
    """The names `model` answers to, most literal first: its id, the id without `databricks-`, its Unity
    Catalog name, its aliases."""
    return (model.id, model.id.removeprefix(ENDPOINT_PREFIX), *filter(None, [model.uc_name]), *model.aliases)


def lookup_keys(name: str) -> Iterator[str]:
    """Index keys `name` may stand for, most literal first: as written, then without a date suffix; each
    also with `databricks-` in front (callers often leave it out) and without it (a Unity-Catalog-only
    model has no endpoint name)."""
    key = canonical(name)
    seen: set[str] = set()
    for stem in (key, _DATE_SUFFIX.sub("", key)):
        for candidate in (stem, ENDPOINT_PREFIX + stem, stem.removeprefix(ENDPOINT_PREFIX)):
            if candidate not in seen:
                seen.add(candidate)
                yield candidate


class NameIndex:
    """Every spelling of every model, each pointing at one model. An endpoint's own name outranks another
    model's derived spelling or alias, so an alias can never hide a real endpoint."""

    def __init__(self, models: Iterable[Model]) -> None:
        self.models = list(models)
        ranked = sorted(
            ((rank, canonical(s), m) for m in self.models for rank, s in enumerate(spellings(m))),
            key=lambda entry: entry[0],
        )
        self._index: dict[str, Model] = {}
        for _, key, model in ranked:
            self._index.setdefault(key, model)

    def find(self, name: str) -> Model | None:
        for key in lookup_keys(name):
            if (model := self._index.get(key)) is not None:
                return model
        return None


def vendor_name(endpoint: str) -> str:
    """The name the vendor's own clients know an endpoint by (which the resolver maps back).

    `databricks-claude-sonnet-4-5` → `claude-sonnet-4-5`, `databricks-gpt-5-2` → `gpt-5.2`. Claude Code and
    Codex shape requests (thinking, tools, context size) by recognising these names.
    """
    short = endpoint.removeprefix("system.ai.").removeprefix(ENDPOINT_PREFIX)
    return _DIGIT_DASH_DIGIT.sub(".", short) if short.startswith("gpt-") else short
