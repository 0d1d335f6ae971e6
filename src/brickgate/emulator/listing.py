"""`GET /api/2.0/serving-endpoints[/{name}]` and the `:foundation-models` listing, generated from specs.

Field names follow the SDK dataclasses (research §1.2, §1.3) plus the wire-only fields the SDK drops
(§1.4: `endpoint_type`, `capabilities`, `ai_gateway_v2_supported`, `api_types`).
"""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from brickgate.emulator.error_bodies import databricks_error
from brickgate.emulator.state import EmulatorState
from brickgate.emulator.workspace import Endpoint

CREATED_MS = 1727740800000  # timestamps in ms (unit unconfirmed, §7); fixed so listings are stable
_ENDPOINT_TYPES = {
    "foundation": "FOUNDATION_MODEL_API",
    "embedding": "FOUNDATION_MODEL_API",
    "external": "EXTERNAL_MODEL",
    "custom": "CUSTOM_MODEL",  # seen only in third-party fixtures (§1.4)
}


def _served_entity(endpoint: Endpoint) -> dict[str, Any]:
    entity: dict[str, Any] = {"name": endpoint.served_entity}
    if endpoint.kind in ("foundation", "embedding"):
        entity["foundation_model"] = {
            "name": endpoint.name,
            "display_name": endpoint.display_name,
            "docs": "https://docs.databricks.com/machine-learning/foundation-model-apis/supported-models.html",
            "description": f"{endpoint.display_name}, served pay-per-token by Databricks.",
        }
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
        "id": hashlib.md5(endpoint.name.encode()).hexdigest(),
        "endpoint_type": _ENDPOINT_TYPES[endpoint.kind],
        "task": endpoint.task,
        "creation_timestamp": CREATED_MS,
        "last_updated_timestamp": CREATED_MS,
        "state": {
            "ready": "READY" if endpoint.ready else "NOT_READY",
            "config_update": "NOT_UPDATING" if endpoint.ready else "IN_PROGRESS",
        },
        "config": {"served_entities": [_served_entity(endpoint)]},
        "tags": [],
    }
    if endpoint.kind in ("foundation", "embedding"):
        summary["ai_gateway"] = {"usage_tracking_config": {"enabled": True}}
    else:  # pay-per-token system endpoints carry no creator (§1.4)
        summary["creator"] = "someone@example.com"
    return summary


def endpoint_detail(endpoint: Endpoint) -> dict[str, Any]:
    """`ServingEndpointDetailed`: the summary plus permission, routing and capability fields."""
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
    detail["permission_level"] = "CAN_QUERY"
    detail["route_optimized"] = False
    if endpoint.task == "llm/v1/chat":
        detail["capabilities"] = {"function_calling": True}
    return detail


def _state(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


async def list_endpoints(request: Request) -> Response:
    state = _state(request)
    state.stats["list"] += 1
    return JSONResponse({"endpoints": [endpoint_summary(e) for e in state.endpoints.values()]})


async def get_endpoint(request: Request) -> Response:
    state = _state(request)
    state.stats["get"] += 1
    name = request.path_params["name"]
    endpoint = state.endpoints.get(name)
    if endpoint is None:
        return databricks_error(
            404, "RESOURCE_DOES_NOT_EXIST", f"Endpoint with name '{name}' does not exist."
        )
    return JSONResponse(endpoint_detail(endpoint))


async def list_foundation_models(request: Request) -> Response:
    """The undocumented listing ucode uses: foundation endpoints with `api_types` (§1.1)."""
    state = _state(request)
    state.stats["foundation_models"] += 1
    endpoints = []
    for endpoint in state.endpoints.values():
        if endpoint.kind not in ("foundation", "embedding"):
            continue
        summary = endpoint_summary(endpoint)
        model = summary["config"]["served_entities"][0]["foundation_model"]
        model["ai_gateway_v2_supported"] = True
        model["api_types"] = list(endpoint.behaviour.api_types)
        endpoints.append(summary)
    return JSONResponse({"endpoints": endpoints})
