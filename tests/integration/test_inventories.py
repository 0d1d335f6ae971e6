"""The three inventories against the emulator over HTTP: all read on a cold listing, model services page by
page, 499/504 retried a few times, an inventory the caller may not read skipped with the reason."""

from __future__ import annotations

from typing import Any

import pytest

from brickgate.auth import Credentials
from brickgate.catalog import Catalog, CatalogSettings
from brickgate.catalog import inventories as inventories_module
from brickgate.emulator import RunningEmulator
from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of, run_cli

MODEL_SERVICES = "/api/2.1/unity-catalog/model-services"
FOUNDATION_MODELS = "/api/2.0/serving-endpoints:foundation-models"


@pytest.fixture(autouse=True)
def no_retry_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inventories_module, "RETRY_DELAYS", (0.0, 0.0, 0.0))


def catalog_for(emulator: EmulatorControl) -> Catalog:
    return Catalog(Credentials.pat(emulator.url, emulator.token, source="env"), settings=CatalogSettings())


def fault_left(server: RunningEmulator) -> int:
    (fault,) = server.state.faults
    return fault.count


def pat_env(emulator: EmulatorControl) -> dict[str, str]:
    return {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token, "COLUMNS": "300"}


def test_a_cold_listing_reads_each_inventory_once_and_merges_them(emulator: EmulatorControl) -> None:
    models = {m.id: m for m in catalog_for(emulator).models()}
    stats = emulator.stats()
    assert (stats["list"], stats["foundation_models"], stats["model_services"]) == (1, 1, 1)
    assert models["databricks-kimi-k3"].uc_name == "system.ai.kimi-k3"
    assert not models["system.ai.glm-5-3-flash"].serving_endpoint  # registered in Unity Catalog only
    assert models["databricks-gemini-3-7-flash"].uc_name is None  # not registered (§1.1)


def test_model_services_are_read_page_by_page_at_a_bounded_page_size(
    emulator: EmulatorControl, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inventories_module, "PAGE_SIZE", 7)
    models = {m.id for m in catalog_for(emulator).models()}
    assert emulator.stats()["model_services"] > 3
    assert "system.ai.glm-5-3-flash" in models


def test_an_intermittent_499_is_retried(emulator: EmulatorControl, emulator_server: RunningEmulator) -> None:
    emulator.fault({"kind": "499", "scope": "all", "path": MODEL_SERVICES, "count": 2})
    catalog = catalog_for(emulator)
    assert "system.ai.glm-5-3-flash" in {m.id for m in catalog.models()}
    assert catalog.skipped == [] and emulator_server.state.faults == []


@pytest.mark.parametrize("kind", ["499", "504"])
def test_an_inventory_that_keeps_failing_is_skipped_after_four_tries(
    emulator: EmulatorControl, emulator_server: RunningEmulator, kind: str
) -> None:
    emulator.fault({"kind": kind, "scope": "all", "path": MODEL_SERVICES, "count": 10})
    catalog = catalog_for(emulator)
    models = {m.id for m in catalog.models()}
    assert "databricks-glm-5-3" in models and "system.ai.glm-5-3-flash" not in models
    (skipped,) = catalog.skipped
    assert skipped.inventory == "Unity Catalog model services" and f"HTTP {kind}" in skipped.reason
    assert fault_left(emulator_server) == 10 - 4


def test_unity_catalog_without_grants_is_skipped_once_with_the_grants_it_needs(
    emulator: EmulatorControl, emulator_server: RunningEmulator
) -> None:
    emulator.fault({"kind": "403", "scope": "all", "path": MODEL_SERVICES, "count": 5})
    catalog = catalog_for(emulator)
    assert len(catalog.models()) > 40
    (skipped,) = catalog.skipped
    assert "USE SCHEMA" in skipped.reason and "403" in skipped.reason
    assert fault_left(emulator_server) == 4  # asked once: a refusal is not retried


def test_a_workspace_without_the_foundation_models_catalog_still_lists(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "invalid_path", "scope": "all", "path": FOUNDATION_MODELS})
    catalog = catalog_for(emulator)
    models = {m.id: m for m in catalog.models()}
    assert models["databricks-glm-5-3"].api == "messages"  # the serving listing declares api_types too
    assert [s.inventory for s in catalog.skipped] == ["foundation-models catalog"]


def skipped_line(output: str) -> str:
    (line,) = [line for line in output.splitlines() if "skipped:" in line and "Unity Catalog" in line]
    return line


def forbid_unity_catalog(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "403", "scope": "all", "path": MODEL_SERVICES, "until_reset": True})


def test_models_all_says_which_inventory_was_skipped_and_why_also_from_the_cache(
    emulator: EmulatorControl,
) -> None:
    forbid_unity_catalog(emulator)
    cold = run_cli("models", "--all", env=pat_env(emulator))
    assert cold.returncode == 0, output_of(cold)
    assert "USE SCHEMA" in skipped_line(cold.stdout)
    emulator.reset()
    warm = run_cli("models", "--all", env=pat_env(emulator))
    assert skipped_line(warm.stdout) == skipped_line(cold.stdout)
    assert emulator.stats().get("model_services", 0) == 0  # the warm run asked nothing


def test_status_says_which_inventory_was_skipped(emulator: EmulatorControl) -> None:
    forbid_unity_catalog(emulator)
    result = run_cli("status", env=pat_env(emulator))
    assert result.returncode == 0, output_of(result)
    assert "403" in skipped_line(result.stdout)


def test_doctor_says_which_inventory_was_skipped(emulator: EmulatorControl) -> None:
    forbid_unity_catalog(emulator)
    result = run_cli("doctor", "-m", "databricks-gemma-3-12b", env=pat_env(emulator))
    assert result.returncode == 0, output_of(result)
    assert "403" in skipped_line(result.stdout)


def test_warm_models_asks_no_inventory(emulator: EmulatorControl, monkeypatch: pytest.MonkeyPatch) -> None:
    env: dict[str, Any] = pat_env(emulator)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    Catalog().models()
    before = emulator.stats()
    Catalog().models()
    after = emulator.stats()
    for inventory in ("list", "foundation_models", "model_services"):
        assert after.get(inventory) == before.get(inventory)
