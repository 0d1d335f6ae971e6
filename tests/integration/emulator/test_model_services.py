"""Unity Catalog model services: paging, the 499s, user-created services, the single GET, permission
failures (research 2026 §2.3)."""

from __future__ import annotations

from typing import Any

from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import Reply, get

SERVICES = "/api/2.1/unity-catalog/model-services"


def page(emulator: EmulatorControl, query: str) -> Reply:
    return get(f"{emulator.url}{SERVICES}?{query}", emulator.token)


def all_pages(
    emulator: EmulatorControl, size: int, parent: str = "schemas/system.ai"
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token = ""
    while True:
        body = page(emulator, f"parent={parent}&page_size={size}&page_token={token}").json()
        items += body["model_services"]
        token = body.get("next_page_token", "")
        if not token:
            return items


def test_system_ai_services_are_listed_with_their_api_types(emulator: EmulatorControl) -> None:
    items = {i["name"]: i for i in all_pages(emulator, 100)}
    glm = items["model-services/system.ai.glm-5-3"]
    assert glm["securable_type"] == "MODEL_SERVICE"
    assert glm["config"] == {"routing": {}}  # LIST carries no destinations
    assert "anthropic/v1/messages" in glm["supported_api_types"]


def test_paging_returns_every_service_once(emulator: EmulatorControl) -> None:
    small = [i["name"] for i in all_pages(emulator, 7)]
    assert len(small) == len(set(small)) > 7
    assert small == [i["name"] for i in all_pages(emulator, 100)]


def test_uc_only_and_unregistered_models(emulator: EmulatorControl) -> None:
    names = {i["name"] for i in all_pages(emulator, 100)}
    assert "model-services/system.ai.glm-5-3-flash" in names
    assert "model-services/system.ai.gemini-3-7-flash" not in names
    assert "model-services/system.ai.kimi-k3-neo" not in names


def test_unbounded_page_size_is_499_with_an_empty_body(emulator: EmulatorControl) -> None:
    reply = page(emulator, "parent=schemas/system.ai")
    assert (reply.status, reply.raw) == (499, b"")


def test_too_large_page_size_is_499(emulator: EmulatorControl) -> None:
    assert page(emulator, "parent=schemas/system.ai&page_size=1000").status == 499


def test_intermittent_499_and_504_can_be_injected(emulator: EmulatorControl) -> None:
    emulator.fault(
        {"kind": "499", "scope": "all", "path": SERVICES},
        {"kind": "504", "scope": "all", "path": SERVICES},
    )
    statuses = [page(emulator, "parent=schemas/system.ai&page_size=50").status for _ in range(3)]
    assert statuses == [499, 504, 200]


def test_user_created_service_omits_api_types_in_list(emulator: EmulatorControl) -> None:
    items = {i["name"]: i for i in all_pages(emulator, 100, parent="schemas/workspace.default")}
    service = items["model-services/workspace.default.team-opus"]
    assert "supported_api_types" not in service and service["etag"]


def test_single_get_names_the_destination(emulator: EmulatorControl) -> None:
    reply = get(f"{emulator.url}{SERVICES}/workspace.default.team-opus", emulator.token).json()
    [destination] = reply["config"]["routing"]["destinations"]
    assert destination["name"] == "system.ai.databricks-claude-opus-4-8"
    assert destination["type"] == "DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL"
    assert "anthropic/v1/messages" in reply["supported_api_types"]


def test_single_get_of_an_unknown_service_is_404(emulator: EmulatorControl) -> None:
    reply = get(f"{emulator.url}{SERVICES}/system.ai.nothing-here", emulator.token)
    assert (reply.status, reply.json()["error_code"]) == (404, "NOT_FOUND")


def test_missing_permission_on_system_ai_is_a_403(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "403", "scope": "all", "path": SERVICES, "until_reset": True})
    reply = page(emulator, "parent=schemas/system.ai&page_size=50")
    assert (reply.status, reply.json()["error_code"]) == (403, "PERMISSION_DENIED")
    assert "system.ai" in reply.json()["message"]


def test_listing_needs_credentials(emulator: EmulatorControl) -> None:
    assert get(f"{emulator.url}{SERVICES}?page_size=10").status == 401


def test_a_bad_page_token_is_refused(emulator: EmulatorControl) -> None:
    reply = page(emulator, "parent=schemas/system.ai&page_size=10&page_token=%21%21")
    assert reply.status == 400


def test_retired_models_leave_unity_catalog_too(emulator: EmulatorControl) -> None:
    assert "model-services/system.ai.inkling" not in {i["name"] for i in all_pages(emulator, 100)}
    emulator.set_today("2026-10-01")
    assert "model-services/system.ai.inkling" in {i["name"] for i in all_pages(emulator, 100)}
