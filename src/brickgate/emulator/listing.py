"""`GET /api/2.0/serving-endpoints[/{name}]` and the `:foundation-models` listing, generated from specs.

Foundation endpoints follow a real 2026 listing (research 2026 §2.2, find_string id 56490560434): the
served entity has `type: "FOUNDATION_MODEL"` and `entity_name`; `foundation_model` carries `price`,
`input_price`, `price_unit`, `pricing_model`, `model_class`, `api_types`, `ai_gateway_model_profile`,
`ai_gateway_v2_supported`; the endpoint carries `capabilities` and no `creator`/`id`. External and custom
endpoints keep the SDK field names (api §1.2) plus `endpoint_type`. Retired endpoints (on the emulator's
clock) and Unity-Catalog-only models are not listed.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from brickgate.emulator.auth import presented_token
from brickgate.emulator.error_bodies import databricks_error
from brickgate.emulator.lineup import TODAY
from brickgate.emulator.state import EmulatorState
from brickgate.emulator.workspace import FOUNDATION_KINDS, Endpoint, EndpointSpec, parse_workspace

CREATED_MS = 1727740800000  # timestamps in ms (real listing); fixed so listings are stable
DOCS = "https://docs.databricks.com/aws/en/machine-learning/foundation-model-apis/supported-models"
_ENDPOINT_TYPES = {
    "foundation": "FOUNDATION_MODEL_API",
    "embedding": "FOUNDATION_MODEL_API",
    "external": "EXTERNAL_MODEL",
    "custom": "CUSTOM_MODEL",  # seen only in third-party fixtures (api §1.4)
}
_PROFILE = {"speed": 60.0, "cost": 1.0, "quality": 30.0}  # ASSUMPTION: values; the field is real


def _foundation_model(endpoint: Endpoint) -> dict[str, Any]:
    model: dict[str, Any] = {
        "name": endpoint.fm_name,
        "display_name": endpoint.display_name,
        "docs": f"{DOCS}#{endpoint.name.removeprefix('databricks-')}",
        "description": f"{endpoint.display_name}, served pay-per-token by Databricks.",
    }
    if endpoint.price is not None and endpoint.input_price is not None:
        model.update(price=endpoint.price, input_price=endpoint.input_price)
    model.update(price_unit="DBUs per 1M tokens", pricing_model="Pay-per-token")
    if endpoint.model_class is not None:
        model["model_class"] = endpoint.model_class
    model["api_types"] = list(endpoint.api_types)
    if endpoint.task != "llm/v1/embeddings":
        model["ai_gateway_model_profile"] = dict(_PROFILE)
    # ASSUMPTION: judges are not AI-Gateway-v2 models (they declare no inference api type)
    model["ai_gateway_v2_supported"] = not endpoint.behaviour.judge
    return model


def _served_entity(endpoint: Endpoint) -> dict[str, Any]:
    entity: dict[str, Any] = {"name": endpoint.served_entity}
    if endpoint.kind in FOUNDATION_KINDS:
        entity.update(
            entity_name=endpoint.fm_name,
            type="FOUNDATION_MODEL",
            foundation_model=_foundation_model(endpoint),
        )
    elif endpoint.kind == "external":
        entity["external_model"] = {
            "provider": endpoint.provider,
            "name": endpoint.upstream_model,
            "task": endpoint.task,
        }
    else:
        entity.update(
            {
                "entity_name": f"main.default.{endpoint.name.replace('-', '_')}",
                "entity_version": "1",
                "workload_size": "Small",
                "workload_type": "CPU",
                "scale_to_zero_enabled": True,
            }
        )
    return entity


def endpoint_summary(endpoint: Endpoint) -> dict[str, Any]:
    """One `ServingEndpoint` as the list call returns it."""
    summary: dict[str, Any] = {
        "name": endpoint.name,
        "creation_timestamp": CREATED_MS,
        "last_updated_timestamp": CREATED_MS,
        "state": {
            "ready": "READY" if endpoint.ready else "NOT_READY",
            "config_update": "NOT_UPDATING" if endpoint.ready else "IN_PROGRESS",
        },
        "config": {"served_entities": [_served_entity(endpoint)]},
        "task": endpoint.task,
        "endpoint_type": _ENDPOINT_TYPES[endpoint.kind],
        "tags": [],
        "permission_level": "CAN_QUERY",  # ASSUMPTION: a user who may query, not manage
    }
    if endpoint.kind in FOUNDATION_KINDS:
        summary["capabilities"] = dict(endpoint.capabilities)
    else:  # pay-per-token system endpoints carry no creator (api §1.4)
        summary["id"] = hashlib.md5(endpoint.name.encode()).hexdigest()
        summary["creator"] = "someone@example.com"
    return summary


def endpoint_detail(endpoint: Endpoint) -> dict[str, Any]:
    """`ServingEndpointDetailed`: the summary plus deployment state, routing and capabilities."""
    detail = endpoint_summary(endpoint)
    entity = detail["config"]["served_entities"][0]
    entity["state"] = {
        "deployment": "DEPLOYMENT_READY" if endpoint.ready else "DEPLOYMENT_CREATING",
        "deployment_state_message": "" if endpoint.ready else "Served entity creation is pending.",
    }
    entity["creation_timestamp"] = CREATED_MS
    detail["config"]["config_version"] = 1
    detail["config"]["traffic_config"] = {
        "routes": [{"served_entity_name": endpoint.served_entity, "traffic_percentage": 100}]
    }
    detail["route_optimized"] = False
    if "capabilities" not in detail and endpoint.task == "llm/v1/chat":
        detail["capabilities"] = {"function_calling": True}
    return detail


def _state(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


def _is_listed(endpoint: Endpoint, today: datetime.date) -> bool:
    """A serving endpoint that has not retired (Unity-Catalog-only models and services are not endpoints)."""
    return endpoint.serving_endpoint and not endpoint.retired(today)


def listed(state: EmulatorState, request: Request | None = None) -> Iterable[Endpoint]:
    """Endpoints in the listing; with ``request``, only those its caller has a permission on."""
    token = presented_token(request.headers.get("authorization", "")) if request is not None else None
    return (
        e
        for e in state.endpoints.values()
        if _is_listed(e, state.today) and (request is None or state.may_use(e.name, token))
    )


def serving_listing(specs: Sequence[EndpointSpec], today: str = TODAY) -> dict[str, Any]:
    """The `GET /api/2.0/serving-endpoints` body these specs give on `today` (for mock upstreams)."""
    day = datetime.date.fromisoformat(today)
    return {"endpoints": [endpoint_summary(e) for e in parse_workspace(specs).values() if _is_listed(e, day)]}


async def list_endpoints(request: Request) -> Response:
    state = _state(request)
    state.stats["list"] += 1
    return JSONResponse({"endpoints": [endpoint_summary(e) for e in listed(state, request)]})


async def get_endpoint(request: Request) -> Response:
    state = _state(request)
    state.stats["get"] += 1
    name = request.path_params["name"]
    endpoint = next((e for e in listed(state, request) if e.name == name), None)
    if endpoint is None:
        return databricks_error(
            404, "RESOURCE_DOES_NOT_EXIST", f"Endpoint with name '{name}' does not exist."
        )
    return JSONResponse(endpoint_detail(endpoint))


async def list_foundation_models(request: Request) -> Response:
    """The listing ucode uses (2026 §2.2): foundation endpoints, with `api_types` and the v2 flag."""
    state = _state(request)
    state.stats["foundation_models"] += 1
    endpoints = [endpoint_summary(e) for e in listed(state, request) if e.kind in FOUNDATION_KINDS]
    return JSONResponse({"endpoints": endpoints})
