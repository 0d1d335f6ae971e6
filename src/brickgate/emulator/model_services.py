"""Unity Catalog model services (AI Gateway v2): `GET /api/2.1/unity-catalog/model-services` and the single
GET (research 2026 §2.3; shapes from a verbatim capture, find_string id 56174348741).

LIST items are `{"name": "model-services/<full name>", "securable_type": "MODEL_SERVICE", "config":
{"routing": {}}, "supported_api_types": [...]}`: no routing destinations in LIST, and no
`supported_api_types` for user-created services. The single GET adds `config.routing.destinations`.
An unbounded or too-large `page_size` is answered 499 with an empty body [UG]; intermittent 499/504 and a
403 on `system.ai` are injected as faults (`faults.py`).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from brickgate.emulator.error_bodies import databricks_error, empty_response
from brickgate.emulator.state import EmulatorState
from brickgate.emulator.workspace import Endpoint

PATH = "/api/2.1/unity-catalog/model-services"
MAX_PAGE_SIZE = 100  # ASSUMPTION: ucode's page_size=100 works; what counts as "too large" is not published


def _state(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


def _services(state: EmulatorState, parent: str | None) -> list[Endpoint]:
    """Registered services under `schemas/<catalog>.<schema>` (ASSUMPTION: no parent = every schema)."""
    schema = None if parent is None else parent.removeprefix("schemas/") + "."
    return [
        e
        for e in state.endpoints.values()
        if e.uc_name is not None
        and not e.retired(state.today)
        and (schema is None or e.uc_name.startswith(schema))
    ]


def _list_item(endpoint: Endpoint) -> dict[str, Any]:
    item: dict[str, Any] = {"name": f"model-services/{endpoint.uc_name}", "securable_type": "MODEL_SERVICE"}
    if endpoint.kind == "uc-service":  # user-created: usage tracking on, an etag, no api types in LIST
        item["config"] = {"usage_tracking": {"enabled": True}, "routing": {}}
        item["etag"] = base64.b64encode(endpoint.name.encode()).decode()[:16]
    else:
        item["config"] = {"routing": {}}
        item["supported_api_types"] = list(endpoint.api_types)
    return item


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"emu:{offset}".encode()).decode()


def _offset(token: str | None) -> int | None:
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        return int(text.removeprefix("emu:")) if text.startswith("emu:") else None
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


async def list_model_services(request: Request) -> Response:
    state = _state(request)
    state.stats["model_services"] += 1
    query = request.query_params
    size = query.get("page_size", "")
    if not size.isdigit() or not 0 < int(size) <= MAX_PAGE_SIZE:
        return empty_response(499)  # 2026 §2.3 [UG]: unbounded or large page_size → 499, empty body
    offset = _offset(query.get("page_token"))
    if offset is None:  # ASSUMPTION: text
        return databricks_error(400, "INVALID_PARAMETER_VALUE", "Invalid page_token.")
    services = _services(state, query.get("parent"))
    page = services[offset : offset + int(size)]
    body: dict[str, Any] = {"model_services": [_list_item(e) for e in page]}
    if offset + len(page) < len(services):
        body["next_page_token"] = _page_token(offset + len(page))
    return JSONResponse(body)


async def get_model_service(request: Request) -> Response:
    state = _state(request)
    state.stats["model_service_get"] += 1
    full_name = request.path_params["full_name"]
    endpoint = next((e for e in _services(state, None) if e.uc_name == full_name), None)
    if endpoint is None:  # ASSUMPTION: text
        return databricks_error(404, "NOT_FOUND", f"Model service '{full_name}' does not exist.")
    target = state.endpoints[endpoint.destination] if endpoint.destination else endpoint
    destination: dict[str, Any] = {"name": target.fm_name, "traffic_percentage": 100, "is_deleted": False}
    if endpoint.kind == "uc-service":
        destination["type"] = "DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL"
        destination["pay_per_token_config"] = {"model": f"models/{target.fm_name}"}
    return JSONResponse(
        {
            "name": f"model-services/{full_name}",
            "config": {"routing": {"destinations": [destination]}},
            "supported_api_types": list(target.api_types),
        }
    )
