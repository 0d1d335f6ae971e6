"""Cost-attribution tags on every inference request: the ``Databricks-Ai-Gateway-Request-Tags`` header.

Databricks records the tags of this header (a compact, one-line JSON object) with each request's usage
(research databricks-2026.md §4.2; ucode fills it from an environment variable). brickgate always says
who sent the request, then adds the user's own tags, lowest precedence first:

    {"client": "brickgate"}                     every call (library, CLI, gateway)
    {"agent": "claude-cli"}                     gateway calls: the caller's User-Agent product name
    [request_tags] in config.toml               team = "data-platform"
    BRICKGATE_REQUEST_TAGS='{"ticket":"X-1"}'   a JSON object
    the caller's own header                     an agent that tags its requests wins on a clash

Tags from config.toml and the environment must be strings; a caller's header is passed on as it is
(only checked to be a JSON object).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any

import orjson

from brickgate.errors import ConfigError, InvalidRequest

HEADER = "Databricks-Ai-Gateway-Request-Tags"
ENV = "BRICKGATE_REQUEST_TAGS"
CONFIG_TABLE = "request_tags"
CLIENT = "brickgate"
_PRODUCT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")  # a User-Agent product name, as sent
_CACHE_SIZE = 256  # callers repeat the same User-Agent (and tags) on every request


def _string_tags(tags: Any, where: str, fix: str) -> dict[str, str]:
    if not isinstance(tags, Mapping):
        raise ConfigError(f"{where} must be a table of tag names and string values.", fix)
    for name, value in tags.items():
        if not isinstance(value, str):
            raise ConfigError(
                f"{where}: the tag {name!r} must be a string, not {type(value).__name__}.",
                fix,
            )
    return dict(tags)


def configured_tags(config_table: Any, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """``client`` plus the tags of config.toml's ``[request_tags]`` and of ``BRICKGATE_REQUEST_TAGS``."""
    tags = {"client": CLIENT}
    if config_table is not None:
        tags.update(
            _string_tags(
                config_table,
                "config.toml [request_tags]",
                'Write one line per tag, e.g. team = "data-platform".',
            )
        )
    raw = environ.get(ENV)
    if raw:
        fix = f"""Set it to a JSON object of strings, e.g. {ENV}='{{"team":"data-platform"}}'."""
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ConfigError(f"{ENV} is not valid JSON ({exc}).", fix) from None
        if not isinstance(parsed, dict):
            raise ConfigError(f"{ENV} must be a JSON object, not {type(parsed).__name__}.", fix)
        tags.update(_string_tags(parsed, ENV, fix))
    return tags


def agent_name(user_agent: str | None) -> str | None:
    """The product name a User-Agent starts with (``claude-cli/2.1.3 (external, cli)`` → ``claude-cli``)."""
    if not user_agent:
        return None
    match = _PRODUCT.match(user_agent.strip())
    return match.group(0) if match else None


class RequestTags:
    """The tags of one workspace's requests: a fixed header for library calls, and per gateway caller
    (memoised by User-Agent and the caller's header: both repeat on every request)."""

    __slots__ = ("_base", "_per_caller", "library_header")

    def __init__(self, base: Mapping[str, str]) -> None:
        self._base = dict(base)
        self.library_header = _one_line(self._base)
        self._per_caller: dict[tuple[str | None, str | None], str] = {}

    def for_caller(self, user_agent: str | None, caller_header: str | None) -> str:
        """The header value for a gateway request; ``InvalidRequest`` when the caller's is not a JSON
        object."""
        key = (user_agent, caller_header)
        value = self._per_caller.get(key)
        if value is None:
            tags: dict[str, Any] = dict(self._base)
            agent = agent_name(user_agent)
            if agent is not None:
                tags = {"client": tags.pop("client"), "agent": agent, **tags}
            if caller_header is not None:
                tags.update(_caller_tags(caller_header))
            value = _one_line(tags)
            if len(self._per_caller) >= _CACHE_SIZE:
                self._per_caller.clear()
            self._per_caller[key] = value
        return value


def _one_line(tags: Mapping[str, Any]) -> str:
    """Compact JSON on one line, non-ASCII escaped (a header value is Latin-1 on the wire)."""
    return json.dumps(tags, separators=(",", ":"))


def _caller_tags(raw: str) -> dict[str, Any]:
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        raise InvalidRequest(
            f'The {HEADER} header must be a JSON object such as {{"team":"x"}} (got {raw[:60]!r}).'
        )
    return parsed
