"""`brickgate models` as a real subprocess: JSON fields, skipped endpoints, stale cache, clean errors."""

from __future__ import annotations

import json

from brickgate import home
from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of, run_cli

JSON_FIELDS = {
    "id",
    "family",
    "api",
    "context_window",
    "max_output_tokens",
    "supports_tools",
    "supports_images",
    "supports_reasoning",
    "supports_prompt_caching",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "source",
}


# The default workspace's chat models: its serving endpoints without the judges, the image model, the
# embeddings and the not-ready one, plus the model registered only in Unity Catalog.
CHAT_MODELS = 47


def pat_env(emulator: EmulatorControl) -> dict[str, str]:
    return {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}


def write_config(text: str) -> None:
    home.config_path().parent.mkdir(parents=True, exist_ok=True)
    home.config_path().write_text(text)


def test_models_json_has_the_documented_fields(emulator: EmulatorControl) -> None:
    result = run_cli("models", "--json", env=pat_env(emulator))
    assert result.returncode == 0, output_of(result)
    models = json.loads(result.stdout)
    assert len(models) == CHAT_MODELS
    assert all(set(m) >= JSON_FIELDS for m in models)
    sonnet = next(m for m in models if m["id"] == "databricks-claude-sonnet-4-5")
    assert (sonnet["family"], sonnet["api"], round(sonnet["input_usd_per_mtok"], 2)) == (
        "claude",
        "messages",
        3.0,
    )
    assert emulator.token not in output_of(result)


def test_models_all_includes_skipped_endpoints_with_reasons(emulator: EmulatorControl) -> None:
    result = run_cli("models", "--json", "--all", env=pat_env(emulator))
    skipped = {m["id"]: m["skipped_reason"] for m in json.loads(result.stdout) if not m["ready"]}
    assert skipped == {
        "databricks-gte-large-en": "embeddings model",
        "databricks-qwen3-embedding-0-6b": "embeddings model",
        "my-warming-chat": "not ready (NOT_READY)",
        "databricks-openjev-qwen35-4b": "judge (evaluation) endpoint: answers ai_decide, not chat",
        "databricks-typesafeai-jev-1-14-0": "judge (evaluation) endpoint: answers ai_decide, not chat",
        "databricks-gemini-3-1-flash-image": "image-output model: answers with pictures, not code",
    }


def test_models_all_shows_what_the_workspace_lists_for_skipped_rows(emulator: EmulatorControl) -> None:
    result = run_cli("models", "--all", env={**pat_env(emulator), "COLUMNS": "400"})
    assert result.returncode == 0, output_of(result)
    (row,) = [line for line in result.stdout.splitlines() if "databricks-gte-large-en" in line]
    assert "embeddings model (task llm/v1/embeddings, READY)" in row
    assert not {"chat", "128K", "tools", "other"} & set(row.replace("│", " ").split())
    (warming,) = [line for line in result.stdout.splitlines() if "my-warming-chat" in line]
    assert "not ready (NOT_READY) (task llm/v1/chat, NOT_READY)" in warming


def test_models_all_json_skipped_rows_carry_no_made_up_limits(emulator: EmulatorControl) -> None:
    result = run_cli("models", "--all", "--json", env=pat_env(emulator))
    (gte,) = [m for m in json.loads(result.stdout) if m["id"] == "databricks-gte-large-en"]
    assert gte == {
        "id": "databricks-gte-large-en",
        "ready": False,
        "skipped_reason": "embeddings model",
        "task": "llm/v1/embeddings",
        "state": "READY",
        "source": "foundation",
        "display_name": gte["display_name"],
    }


def test_models_table_shows_families_and_apis(emulator: EmulatorControl) -> None:
    result = run_cli("models", env=pat_env(emulator))
    assert result.returncode == 0
    assert "databricks-gpt-5-2-codex" in result.stdout
    for word in ("claude", "codex", "gemini", "gpt-oss", "messages", "responses", "chat"):
        assert word in result.stdout


def test_models_warns_when_serving_a_stale_cache(emulator: EmulatorControl) -> None:
    write_config("cache_ttl_seconds = 0\n")
    run_cli("models", "--json", env=pat_env(emulator))
    emulator.fault({"kind": "503", "scope": "all", "path": "/api/2.0/serving-endpoints"})
    result = run_cli("models", "--json", env=pat_env(emulator))
    assert result.returncode == 0
    assert len(json.loads(result.stdout)) == CHAT_MODELS
    assert "cached" in result.stderr and "503" in result.stderr


def test_models_refresh_relists(emulator: EmulatorControl) -> None:
    run_cli("models", "--json", env=pat_env(emulator))
    run_cli("models", "--json", "--refresh", env=pat_env(emulator))
    assert emulator.stats()["list"] == 2


def test_bad_config_is_reported_with_file_and_key_without_traceback(emulator: EmulatorControl) -> None:
    write_config('[models."databricks-gpt-5-2"]\napi = "grpc"\n')
    result = run_cli("models", env=pat_env(emulator))
    assert result.returncode == 1
    assert str(home.config_path()) in result.stderr and "api" in result.stderr
    assert "Traceback" not in result.stderr


def test_models_without_credentials_lists_the_ways_to_authenticate() -> None:
    result = run_cli("models")
    assert result.returncode == 2
    assert "No Databricks credentials" in result.stderr and "brickgate login" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_flag_shows_the_traceback() -> None:
    result = run_cli("--debug", "models")
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_models_json_carries_declared_apis_next_to_the_preferred_one(emulator: EmulatorControl) -> None:
    result = run_cli("models", "--json", env=pat_env(emulator))
    models = {m["id"]: m for m in json.loads(result.stdout)}
    glm = models["databricks-glm-5-3"]
    assert (glm["api"], glm["apis"], glm["api_source"]) == (
        "messages",
        ["messages", "responses", "chat"],
        "declared",
    )
    assert glm["routes"]["messages"] == {"api": "messages", "path": "/ai-gateway/anthropic/v1/messages"}
    assert glm["routes"]["responses"] == {"api": "responses", "path": "/ai-gateway/mlflow/v1/responses"}
    pro = models["databricks-gpt-5-5-pro"]
    assert pro["apis"] == ["responses"] and pro["routes"]["chat"]["api"] == "responses"
    assert models["my-custom-chat"]["routes"]["chat"]["path"] == "/serving-endpoints/chat/completions"


def test_models_json_says_where_each_price_came_from(emulator: EmulatorControl) -> None:
    result = run_cli("models", "--json", env=pat_env(emulator))
    models = {m["id"]: m for m in json.loads(result.stdout)}
    sonnet = models["databricks-claude-sonnet-4-5"]
    assert (sonnet["price_source"], round(sonnet["output_usd_per_mtok"], 2)) == ("listing", 22.5)
    assert models["databricks-claude-opus-4-8"]["price_source"] == "table"  # listed without a price
    assert models["my-openai-proxy"]["price_source"] == "none"


def test_models_table_shows_declared_apis_the_route_of_each_caller_and_the_price_source(
    emulator: EmulatorControl,
) -> None:
    result = run_cli("models", env={**pat_env(emulator), "COLUMNS": "400"})
    (glm,) = [line for line in result.stdout.splitlines() if "databricks-glm-5-3 " in line]
    cells = [c.strip() for c in glm.split("│")]
    assert "messages responses chat" in cells and "chat·resp·msg" in cells and "listing" in cells
    (pro,) = [line for line in result.stdout.splitlines() if "databricks-gpt-5-5-pro" in line]
    assert "resp·resp·resp" in pro


def test_models_notes_a_family_brickgate_does_not_know(emulator: EmulatorControl) -> None:
    from brickgate.emulator import default_workspace

    unknown = {"name": "databricks-zeta-1", "kind": "foundation", "behaviour": "plain", "display_name": "Z"}
    emulator.set_endpoints([*default_workspace(), unknown])
    result = run_cli("models", env={**pat_env(emulator), "COLUMNS": "400"})
    (note,) = [line for line in result.stdout.splitlines() if line.startswith("databricks-zeta-1:")]
    assert "family unknown to brickgate" in note and "32K output" in note
    (row,) = [line for line in result.stdout.splitlines() if line.startswith("│ databricks-zeta-1")]
    cells = [c.strip() for c in row.split("│")]
    assert "32K" in cells and "8K" not in cells  # not the 8,192 output that cut agents short


def test_models_and_doctor_show_a_retiring_models_date_and_successor(emulator: EmulatorControl) -> None:
    emulator.set_today("2026-10-01")  # before §1.6's dates: the retiring endpoints are still listed
    models = run_cli("models", env={**pat_env(emulator), "COLUMNS": "400"})
    (note,) = [line for line in models.stdout.splitlines() if line.startswith("databricks-inkling:")]
    assert "2026-10-30" in note and "databricks-glm-5-3" in note
    doctor = run_cli("doctor", "-m", "databricks-kimi-k2-7", env={**pat_env(emulator), "COLUMNS": "400"})
    assert "2026-10-30" in doctor.stdout and "databricks-kimi-k3" in doctor.stdout


def test_run_with_a_retired_model_names_its_successor(emulator: EmulatorControl) -> None:
    result = run_cli("run", "-m", "databricks-deepseek-v4-pro-0813", "hi", env=pat_env(emulator))
    assert result.returncode != 0
    assert "2026-10-30" in result.stderr and "databricks-deepseek-v4-1-flash-1017" in result.stderr
    assert "Traceback" not in result.stderr
