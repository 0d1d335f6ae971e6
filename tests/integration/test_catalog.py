"""Discovery against the emulated workspace: filtering, family mapping, config, disk cache and staleness."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time

import pytest

from brickgate import home
from brickgate.auth import Credentials
from brickgate.auth.identity import identity_of
from brickgate.catalog import Catalog, CatalogSettings
from brickgate.catalog.cache import cache_path, remember_identity, write_listing
from brickgate.emulator.control_client import EmulatorControl
from brickgate.errors import ModelNotFound, UpstreamRateLimited, UpstreamUnavailable

LISTING = "/api/2.0/serving-endpoints"
EXPECTED_ROUTES = {
    "databricks-claude-sonnet-4-5": ("claude", "messages"),
    "databricks-gpt-5-2": ("gpt", "responses"),
    "databricks-gpt-5-2-codex": ("codex", "responses"),
    "databricks-gemini-2-5-pro": ("gemini", "chat"),
    "databricks-meta-llama-3-3-70b-instruct": ("llama", "chat"),
    "databricks-qwen3-next-80b-a3b-instruct": ("qwen", "chat"),
    "databricks-gpt-oss-120b": ("gpt-oss", "chat"),
    "databricks-gemma-3-12b": ("gemma", "chat"),
    "my-openai-proxy": ("gpt", "chat"),
    "my-custom-chat": ("other", "chat"),
}


def catalog_for(emulator: EmulatorControl, **settings: object) -> Catalog:
    return Catalog(
        Credentials.pat(emulator.url, emulator.token, source="env"),
        settings=CatalogSettings.model_validate(settings),
    )


def seed_cache(emulator: EmulatorControl, endpoints: list[dict[str, object]], fetched_at: float) -> None:
    """A cached listing for the emulator's first user, as an earlier run would have left it."""
    creds = Credentials.pat(emulator.url, emulator.token)
    identity = identity_of(creds)
    write_listing(emulator.url, identity.key, endpoints, fetched_at=fetched_at)
    remember_identity(emulator.url, creds.key, identity.key)


def use_env_pat(monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", emulator.url)
    monkeypatch.setenv("DATABRICKS_TOKEN", emulator.token)


def test_every_family_maps_to_its_wire_api(emulator: EmulatorControl) -> None:
    models = {m.id: m for m in catalog_for(emulator).models()}
    assert {name: (models[name].family, models[name].api) for name in EXPECTED_ROUTES} == EXPECTED_ROUTES


def test_embeddings_and_not_ready_endpoints_are_left_out(emulator: EmulatorControl) -> None:
    ids = {m.id for m in catalog_for(emulator).models()}
    assert "databricks-gte-large-en" not in ids and "my-warming-chat" not in ids


def test_all_lists_skipped_endpoints_with_their_reason(emulator: EmulatorControl) -> None:
    skipped = {m.id: m.skipped_reason for m in catalog_for(emulator).models(all=True) if not m.ready}
    assert skipped == {
        "databricks-gte-large-en": "embeddings model",
        "databricks-qwen3-embedding-0-6b": "embeddings model",
        "my-warming-chat": "not ready (NOT_READY)",
        "databricks-openjev-qwen35-4b": "judge (evaluation) endpoint: answers ai_decide, not chat",
        "databricks-typesafeai-jev-1-14-0": "judge (evaluation) endpoint: answers ai_decide, not chat",
        "databricks-gemini-3-1-flash-image": "image-output model: answers with pictures, not code",
    }


def test_warm_cache_answers_without_a_listing_call_or_a_token(
    monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl
) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", emulator.url)
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", emulator.client_id)
    monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", emulator.client_secret)
    first = Catalog().models()
    before = emulator.stats()
    second = Catalog().models()
    after = emulator.stats()
    assert second == first
    assert (after["list"], after["token"]) == (before["list"], before["token"])


def test_warm_cache_does_not_import_the_sdk(
    monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl
) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", emulator.url)
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", emulator.client_id)
    monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", emulator.client_secret)
    Catalog().models()
    code = (
        "import sys; from brickgate.catalog import Catalog; "
        "Catalog().models(); print('databricks.sdk' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], env=dict(os.environ), capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "False"


def test_refresh_lists_again(emulator: EmulatorControl) -> None:
    catalog = catalog_for(emulator)
    catalog.models()
    catalog.models(refresh=True)
    assert emulator.stats()["list"] == 2


def test_expired_cache_lists_again(emulator: EmulatorControl) -> None:
    catalog = catalog_for(emulator, cache_ttl_seconds=0)
    catalog.models()
    catalog.models()
    assert emulator.stats()["list"] == 2


def test_failing_listing_serves_the_stale_cache_and_says_so(emulator: EmulatorControl) -> None:
    catalog = catalog_for(emulator, cache_ttl_seconds=0)
    fresh = catalog.models()
    emulator.fault({"kind": "503", "scope": "all", "path": LISTING})
    stale = catalog.models()
    assert stale == fresh
    assert catalog.stale and isinstance(catalog.stale_reason, UpstreamUnavailable)


def test_after_a_failed_listing_the_stale_list_is_reused_without_asking_again(
    emulator: EmulatorControl,
) -> None:
    catalog = catalog_for(emulator, cache_ttl_seconds=0)
    catalog.models()
    emulator.fault({"kind": "503", "scope": "all", "path": LISTING})  # only the next listing fails
    catalog.models()
    catalog.get("gpt-5-2")
    # Asking again would have succeeded (a second real listing) and cleared `stale`.
    assert emulator.stats()["list"] == 1 and catalog.stale


def test_failing_listing_with_a_cold_cache_raises(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "503", "scope": "all", "path": LISTING})
    with pytest.raises(UpstreamUnavailable):
        catalog_for(emulator).models()


def test_a_new_endpoint_appears_after_refresh(emulator: EmulatorControl) -> None:
    catalog = catalog_for(emulator)
    catalog.models()
    emulator.set_endpoints(
        [{"name": "databricks-claude-opus-4-8", "kind": "foundation", "behaviour": "claude"}]
    )
    assert "databricks-gpt-5-2" in {m.id for m in catalog.models()}  # still the cached listing
    assert [m.id for m in catalog.models(refresh=True)] == ["databricks-claude-opus-4-8"]


def test_config_file_overrides_a_discovered_model(
    monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl
) -> None:
    use_env_pat(monkeypatch, emulator)
    home.config_path().parent.mkdir(parents=True, exist_ok=True)
    home.config_path().write_text(
        '[models."databricks-claude-sonnet-4-5"]\napi = "chat"\ncontext_window = 100000\n'
        '[[endpoints]]\nname = "hidden-finetune"\nfamily = "llama"\n'
    )
    catalog = Catalog()
    sonnet = catalog.get("claude-sonnet-4-5")
    assert (sonnet.api, sonnet.context_window) == ("chat", 100000)
    assert catalog.get("hidden-finetune").source == "config"


def test_get_resolves_short_prefixed_and_differently_cased_names(emulator: EmulatorControl) -> None:
    catalog = catalog_for(emulator)
    for name in ("databricks-gpt-5-2", "gpt-5-2", "databricks/gpt-5-2", "GPT-5-2", "system.ai.gpt-5-2"):
        assert catalog.get(name).id == "databricks-gpt-5-2"


def test_unknown_model_suggests_close_names(emulator: EmulatorControl) -> None:
    with pytest.raises(ModelNotFound) as caught:
        catalog_for(emulator).get("claude-sonet-4-5")
    assert "databricks-claude-sonnet-4-5" in caught.value.suggestions


def test_skipped_endpoint_is_not_found_with_the_reason(emulator: EmulatorControl) -> None:
    with pytest.raises(ModelNotFound, match="gte") as caught:
        catalog_for(emulator).get("gte-large-en")
    assert caught.value.hint and "embeddings" in caught.value.hint


def test_cache_files_are_private_and_hold_no_token_or_user_name(emulator: EmulatorControl) -> None:
    catalog_for(emulator).models()
    identity = identity_of(Credentials.pat(emulator.url, emulator.token))
    assert cache_path(emulator.url, identity.key).is_file()
    for path in home.cache_dir().iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert emulator.token.encode() not in path.read_bytes()
        assert identity.principal.encode() not in path.read_bytes()


def test_a_name_missing_from_an_older_cached_listing_lists_again(emulator: EmulatorControl) -> None:
    # A listing cached two minutes ago, before the endpoint was created (the cache is still fresh).
    seed_cache(emulator, [], fetched_at=time.time() - 120)
    catalog = catalog_for(emulator)
    assert catalog.models() == []
    assert catalog.get("gpt-5-2").id == "databricks-gpt-5-2"
    assert emulator.stats().get("list", 0) == 1


def test_an_unknown_name_lists_again_at_most_once_a_minute(emulator: EmulatorControl) -> None:
    seed_cache(emulator, [], fetched_at=time.time() - 120)
    catalog = catalog_for(emulator)
    for _ in range(3):
        with pytest.raises(ModelNotFound):
            catalog.get("no-such-model")
    assert emulator.stats().get("list", 0) == 1


def test_an_unknown_name_with_a_failing_listing_is_still_model_not_found(emulator: EmulatorControl) -> None:
    seed_cache(emulator, [], fetched_at=time.time() - 120)
    emulator.fault({"kind": "503", "scope": "all", "path": LISTING})
    with pytest.raises(ModelNotFound):
        catalog_for(emulator).get("gpt-5-2")


def test_unknown_model_suggests_names_that_contain_it(emulator: EmulatorControl) -> None:
    with pytest.raises(ModelNotFound) as caught:
        catalog_for(emulator).get("haiku")
    assert caught.value.suggestions == ("databricks-claude-haiku-4-5", "databricks-claude-haiku-5-5")


def test_a_rate_limited_listing_carries_the_upstream_error_as_inference_does(
    emulator: EmulatorControl,
) -> None:
    # One mapping for both HTTP clients: the listing's 429 keeps its Retry-After, code and message.
    emulator.fault({"kind": "429", "scope": "all", "path": LISTING, "retry_after": 7})
    with pytest.raises(UpstreamRateLimited) as caught:
        catalog_for(emulator).models()
    assert caught.value.retry_after == 7.0
    assert caught.value.error_code and caught.value.detail
    assert caught.value.message.startswith(f"{emulator.url} rate limit hit (HTTP 429)")
