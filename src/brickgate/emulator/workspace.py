"""The emulated workspace's endpoints: plain-dict specs (JSON/TOML-able) and their parsed form.

A spec needs `name`, `kind` (foundation | external | custom | embedding | uc-service) and `behaviour` (a row
of `behaviours.BEHAVIOURS`). Optional: `ready`, `upstream_model`, `task`, `display_name`, `provider`; for
foundation models the listing facts `model_class`, `input_price`, `price`, `capabilities`, `fm_name`
(foundation_model.name), `uc` (False: no Unity Catalog registration), `serving_endpoint` (False: UC only),
`routable` (False: listed but answers 404), `output_cap`, `otpm`, `priority`, `provider_id`, `retires`
(ISO date) and `successor`, `api_types` (a list replacing the behaviour's: a model of a family no row knows
that declares only some APIs); for a `uc-service` (a user-created model service) its `destination` endpoint.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from brickgate.emulator.behaviours import MLFLOW_CHAT, Behaviour, behaviour_named
from brickgate.emulator.lineup import DEFAULT_OTPM, EndpointSpec, default_workspace, workspace_2025

KINDS = ("foundation", "external", "custom", "embedding", "uc-service")
FOUNDATION_KINDS = ("foundation", "embedding")

__all__ = ["EndpointSpec", "default_workspace", "workspace_2025"]


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
    model_class: str | None = None
    input_price: str | None = None  # DBU per 1M tokens, as the listing writes it
    price: str | None = None
    capabilities: dict[str, bool] = field(default_factory=dict)
    fm_name: str = ""  # foundation_model.name (and the served entity's entity_name)
    uc_name: str | None = None  # the Unity Catalog model service (`system.ai.x`); None = not registered
    serving_endpoint: bool = True  # False: registered in Unity Catalog only
    routable: bool = True  # False: listed READY, answers 404 ENDPOINT_NOT_FOUND
    output_cap: int | None = None
    otpm: int = DEFAULT_OTPM
    priority: bool = False  # served at priority when asked (`service_tier: "priority"`)
    provider_id: str = ""  # the provider's model id quoted in refusals
    retires: datetime.date | None = None
    successor: str | None = None
    destination: str | None = None  # uc-service: the endpoint it routes to
    declared: tuple[str, ...] | None = None  # api types the spec sets instead of the behaviour's

    @property
    def api_types(self) -> tuple[str, ...]:
        return self.behaviour.api_types if self.declared is None else self.declared

    @property
    def speaks_chat(self) -> bool:
        return MLFLOW_CHAT in self.api_types

    def retired(self, today: datetime.date) -> bool:
        return self.retires is not None and today >= self.retires


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


def _optional(spec: Mapping[str, Any], key: str, kind: type) -> Any:
    value = spec.get(key)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool)):
        raise ValueError(f"endpoint {spec.get('name')!r}: {key!r} must be a {kind.__name__}")
    return value


def _date(spec: Mapping[str, Any], key: str) -> datetime.date | None:
    value = _optional(spec, key, str)
    try:
        return None if value is None else datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"endpoint {spec.get('name')!r}: {key!r} must be a YYYY-MM-DD date") from None


def _uc_name(spec: Mapping[str, Any], name: str, kind: str) -> str | None:
    if kind == "uc-service":
        return name
    if kind not in FOUNDATION_KINDS or spec.get("uc") is False:
        return None
    return "system.ai." + name.removeprefix("databricks-")


def _listing_facts(spec: Mapping[str, Any], name: str, kind: str) -> dict[str, Any]:
    """The optional fields of a spec, validated."""
    default_task = "llm/v1/embeddings" if kind == "embedding" else "llm/v1/chat"
    otpm = _optional(spec, "otpm", int)
    return {
        "task": _text(spec, "task", default_task),
        "model_class": _optional(spec, "model_class", str),
        "input_price": _optional(spec, "input_price", str),
        "price": _optional(spec, "price", str),
        "capabilities": dict(_optional(spec, "capabilities", dict) or {}),
        "fm_name": _text(spec, "fm_name", "system.ai." + name.removeprefix("databricks-")),
        "uc_name": _uc_name(spec, name, kind),
        "serving_endpoint": kind != "uc-service" and spec.get("serving_endpoint", True) is not False,
        "routable": spec.get("routable", True) is not False,
        "output_cap": _optional(spec, "output_cap", int),
        "otpm": DEFAULT_OTPM if otpm is None else otpm,
        "priority": bool(spec.get("priority", False)),
        "provider_id": _text(spec, "provider_id", name.removeprefix("databricks-")),
        "retires": _date(spec, "retires"),
        "successor": _optional(spec, "successor", str),
        "destination": _optional(spec, "destination", str),
        "declared": _api_types(spec),
    }


def _api_types(spec: Mapping[str, Any]) -> tuple[str, ...] | None:
    value = spec.get("api_types")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"endpoint {spec.get('name')!r}: 'api_types' must be a list of strings")
    return tuple(value)


def parse_endpoint(spec: Mapping[str, Any]) -> Endpoint:
    """Validate one spec; ValueError says which field is wrong."""
    if not isinstance(spec, Mapping):
        raise ValueError(f"an endpoint spec must be an object, got {type(spec).__name__}")
    name = _text(spec, "name", "")
    kind = _text(spec, "kind", "foundation")
    if kind not in KINDS:
        raise ValueError(f"endpoint {name!r}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if kind == "uc-service" and not spec.get("destination"):
        raise ValueError(f"endpoint {name!r}: a uc-service needs a 'destination' endpoint")
    behaviour = behaviour_named(_text(spec, "behaviour", "embedding" if kind == "embedding" else "plain"))
    upstream = _text(spec, "upstream_model", name)
    served = {"external": upstream, "custom": f"{name}-1"}.get(kind, name)
    return Endpoint(
        name=name,
        kind=kind,
        behaviour=behaviour,
        ready=bool(spec.get("ready", True)),
        upstream_model=upstream,
        display_name=_text(spec, "display_name", name),
        provider=_text(spec, "provider", "openai"),
        served_entity=served,
        **_listing_facts(spec, name, kind),
    )


def parse_workspace(specs: Sequence[Mapping[str, Any]]) -> dict[str, Endpoint]:
    """Endpoints by name, in spec order; duplicate names and dangling destinations are errors."""
    if not isinstance(specs, Sequence) or isinstance(specs, (str, bytes)):
        raise ValueError("the workspace must be a list of endpoint specs")
    endpoints: dict[str, Endpoint] = {}
    for spec in specs:
        endpoint = parse_endpoint(spec)
        if endpoint.name in endpoints:
            raise ValueError(f"endpoint {endpoint.name!r} is defined twice")
        endpoints[endpoint.name] = endpoint
    for endpoint in endpoints.values():
        if endpoint.destination is not None and endpoint.destination not in endpoints:
            raise ValueError(
                f"endpoint {endpoint.name!r}: destination {endpoint.destination!r} is not defined"
            )
    return endpoints
