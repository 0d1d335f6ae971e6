"""The emulated workspace's serving endpoints: plain-dict specs (JSON/TOML-able) and their parsed form.

A spec needs `name`, `kind` (foundation | external | custom | embedding) and `behaviour` (a row of
`behaviours.BEHAVIOURS`); `ready`, `upstream_model`, `task`, `display_name` and `provider` are optional.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from brickgate.emulator.behaviours import Behaviour, behaviour_named

KINDS = ("foundation", "external", "custom", "embedding")
EndpointSpec = dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class Endpoint:
    name: str
    kind: str
    behaviour: Behaviour
    ready: bool
    upstream_model: str  # the id echoed in responses' `model`
    task: str
    display_name: str
    provider: str  # external models only
    served_entity: str  # also sent as the `served-model-name` header


def _foundation(name: str, behaviour: str, upstream: str, display: str) -> EndpointSpec:
    return {
        "name": name,
        "kind": "foundation",
        "behaviour": behaviour,
        "upstream_model": upstream,
        "display_name": display,
    }


def default_workspace() -> list[EndpointSpec]:
    """The endpoints a fresh emulator serves: the pay-per-token catalogue plus one of each other kind."""
    return [
        _foundation(
            "databricks-claude-sonnet-4-5", "claude", "claude-sonnet-4-5-20250929", "Claude Sonnet 4.5"
        ),
        _foundation("databricks-claude-haiku-4-5", "claude", "claude-haiku-4-5-20251001", "Claude Haiku 4.5"),
        _foundation("databricks-claude-opus-4-5", "claude", "claude-opus-4-5-20251101", "Claude Opus 4.5"),
        _foundation("databricks-claude-opus-4-1", "claude", "claude-opus-4-1-20250805", "Claude Opus 4.1"),
        _foundation("databricks-claude-opus-5", "claude5", "claude-opus-5", "Claude Opus 5"),
        _foundation("databricks-gpt-5-2", "gpt", "gpt-5.2-2025-12-11", "GPT-5.2"),
        _foundation("databricks-gpt-5-mini", "gpt", "gpt-5-mini-2025-08-07", "GPT-5 mini"),
        _foundation("databricks-gpt-5-1-codex-max", "codex", "gpt-5.1-codex-max", "GPT-5.1 Codex Max"),
        _foundation("databricks-gpt-5-2-codex", "codex", "gpt-5.2-codex", "GPT-5.2 Codex"),
        _foundation("databricks-gemini-2-5-pro", "gemini", "gemini-2.5-pro", "Gemini 2.5 Pro"),
        _foundation("databricks-gemini-2-5-flash", "gemini", "gemini-2.5-flash", "Gemini 2.5 Flash"),
        _foundation("databricks-gemini-3-pro", "gemini3", "gemini-3-pro-preview", "Gemini 3 Pro"),
        _foundation(
            "databricks-meta-llama-3-3-70b-instruct",
            "llama",
            "meta-llama-3.3-70b-instruct",
            "Meta Llama 3.3 70B Instruct",
        ),
        _foundation(
            "databricks-qwen3-next-80b-a3b-instruct",
            "qwen",
            "qwen3-next-80b-a3b-instruct",
            "Qwen3 Next 80B A3B Instruct",
        ),
        _foundation("databricks-gpt-oss-120b", "gpt-oss", "gpt-oss-120b", "GPT OSS 120B"),
        _foundation("databricks-gpt-oss-20b", "gpt-oss", "gpt-oss-20b", "GPT OSS 20B"),
        _foundation("databricks-gemma-3-12b", "gemma", "gemma-3-12b", "Gemma 3 12B"),
        {
            "name": "databricks-gte-large-en",
            "kind": "embedding",
            "behaviour": "embedding",
            "upstream_model": "gte-large-en",
            "display_name": "GTE Large (En)",
        },
        {
            "name": "my-openai-proxy",
            "kind": "external",
            "behaviour": "plain",
            "provider": "openai",
            "upstream_model": "gpt-4o",
        },
        {"name": "my-custom-chat", "kind": "custom", "behaviour": "plain"},
        {"name": "my-warming-chat", "kind": "custom", "behaviour": "plain", "ready": False},
    ]


def synthetic_endpoints(count: int, behaviour: str = "plain") -> list[EndpointSpec]:
    """`count` extra chat endpoints (`synthetic-chat-0000`...) for listing benchmarks."""
    return [
        {"name": f"synthetic-chat-{i:04d}", "kind": "custom", "behaviour": behaviour} for i in range(count)
    ]


def _text(spec: Mapping[str, Any], key: str, default: str) -> str:
    value = spec.get(key, default)
    if not isinstance(value, str) or not value:
        raise ValueError(f"endpoint {spec.get('name')!r}: {key!r} must be a non-empty string")
    return value


def parse_endpoint(spec: Mapping[str, Any]) -> Endpoint:
    """Validate one spec; ValueError says which field is wrong."""
    if not isinstance(spec, Mapping):
        raise ValueError(f"an endpoint spec must be an object, got {type(spec).__name__}")
    name = _text(spec, "name", "")
    kind = _text(spec, "kind", "foundation")
    if kind not in KINDS:
        raise ValueError(f"endpoint {name!r}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    behaviour = behaviour_named(_text(spec, "behaviour", "embedding" if kind == "embedding" else "plain"))
    upstream = _text(spec, "upstream_model", name)
    task = _text(spec, "task", "llm/v1/embeddings" if kind == "embedding" else "llm/v1/chat")
    served = {"external": upstream, "custom": f"{name}-1"}.get(kind, name)
    return Endpoint(
        name=name,
        kind=kind,
        behaviour=behaviour,
        ready=bool(spec.get("ready", True)),
        upstream_model=upstream,
        task=task,
        display_name=_text(spec, "display_name", name),
        provider=_text(spec, "provider", "openai"),
        served_entity=served,
    )


def parse_workspace(specs: Sequence[Mapping[str, Any]]) -> dict[str, Endpoint]:
    """Endpoints by name, in spec order; duplicate names are an error."""
    if not isinstance(specs, Sequence) or isinstance(specs, (str, bytes)):
        raise ValueError("the workspace must be a list of endpoint specs")
    endpoints: dict[str, Endpoint] = {}
    for spec in specs:
        endpoint = parse_endpoint(spec)
        if endpoint.name in endpoints:
            raise ValueError(f"endpoint {endpoint.name!r} is defined twice")
        endpoints[endpoint.name] = endpoint
    return endpoints
