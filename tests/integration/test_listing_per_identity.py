"""The cached model listing belongs to one identity: a warm cache never vouches for another credential.

Every test drives the real CLI as a subprocess against an emulator over HTTP.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from brickgate import home
from brickgate.emulator import EmulatorConfig, RunningEmulator, start_in_thread
from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import CLI, output_of, run_cli

ALICE, BOB = "dapi-alice-0001", "dapi-bob-0002"


@pytest.fixture
def two_users() -> Iterator[RunningEmulator]:
    """A workspace where ALICE and BOB are two users (the emulator makes each PAT its own user)."""
    server = start_in_thread(EmulatorConfig(tokens=(ALICE, BOB)))
    yield server
    server.stop()


def control(server: RunningEmulator) -> EmulatorControl:
    cfg = server.config
    return EmulatorControl(server.url, server.token, cfg.client_id, cfg.client_secret)


def as_user(server: RunningEmulator | str, token: str) -> dict[str, str]:
    url = server if isinstance(server, str) else server.url
    return {"DATABRICKS_HOST": url, "DATABRICKS_TOKEN": token}


def listings(server: RunningEmulator) -> int:
    return control(server).stats().get("list", 0)


def write_config(text: str) -> None:
    home.config_path().parent.mkdir(parents=True, exist_ok=True)
    home.config_path().write_text(text)


def test_wrong_token_with_a_warm_cache_is_rejected_not_listed(two_users: RunningEmulator) -> None:
    assert run_cli("models", env=as_user(two_users, ALICE)).returncode == 0
    result = run_cli("models", "--json", env=as_user(two_users, "dapi-wrong-token-9999"))
    assert result.returncode == 2, output_of(result)
    assert result.stdout.strip() == "" or "error" in json.loads(result.stdout)
    assert "rejected" in output_of(result)
    assert "databricks-claude-sonnet-4-5" not in output_of(result)


def test_serve_refuses_to_start_with_a_wrong_token_and_a_warm_cache(two_users: RunningEmulator) -> None:
    assert run_cli("models", env=as_user(two_users, ALICE)).returncode == 0
    result = run_cli("serve", "--port", "0", env=as_user(two_users, "dapi-wrong-token-9999"), timeout=30)
    assert result.returncode == 2, output_of(result)
    assert "rejected" in output_of(result) and "models)" not in output_of(result)


def test_each_user_gets_their_own_listing_and_a_warm_cache_stays_local(two_users: RunningEmulator) -> None:
    assert run_cli("models", env=as_user(two_users, ALICE)).returncode == 0
    assert run_cli("models", env=as_user(two_users, ALICE)).returncode == 0
    assert listings(two_users) == 1  # Alice's second run was served from her cache
    assert run_cli("models", env=as_user(two_users, BOB)).returncode == 0
    assert listings(two_users) == 2  # Bob is not served Alice's listing: he lists for himself
    assert run_cli("models", env=as_user(two_users, BOB)).returncode == 0
    assert listings(two_users) == 2
    assert len(list(home.cache_dir().glob("endpoints-*.json"))) == 2


def test_an_unreachable_host_serves_the_stale_listing_but_never_to_another_credential() -> None:
    write_config("cache_ttl_seconds = 0\n")
    server = start_in_thread(EmulatorConfig(tokens=(ALICE, BOB)))
    url = server.url
    fresh = run_cli("models", "--json", env=as_user(url, ALICE))
    assert fresh.returncode == 0, output_of(fresh)
    server.stop()
    stale = run_cli("models", "--json", env=as_user(url, ALICE))
    assert stale.returncode == 0, output_of(stale)
    assert json.loads(stale.stdout) == json.loads(fresh.stdout) and "cached" in stale.stderr
    stranger = run_cli("models", "--json", env=as_user(url, BOB))
    assert stranger.returncode == 2, output_of(stranger)
    assert "databricks-claude-sonnet-4-5" not in output_of(stranger)


def test_rejected_credentials_never_fall_back_to_the_stale_listing() -> None:
    write_config("cache_ttl_seconds = 0\n")
    server = start_in_thread(EmulatorConfig(tokens=(ALICE,)))
    port = int(server.url.rsplit(":", 1)[1])
    assert run_cli("models", env=as_user(server, ALICE)).returncode == 0
    server.stop()
    # The same workspace, after Alice's token was revoked.
    revoked = start_in_thread(EmulatorConfig(tokens=(BOB,)), port=port)
    try:
        result = run_cli("models", "--json", env=as_user(revoked, ALICE))
    finally:
        revoked.stop()
    assert result.returncode == 2, output_of(result)
    assert "rejected" in output_of(result)
    assert "databricks-claude-sonnet-4-5" not in output_of(result)


def imported_modules(*args: str, env: dict[str, str]) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-X", "importtime", *CLI[1:], *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")
    }


@pytest.mark.parametrize("auth", ["pat", "oauth-m2m"])
def test_warm_models_needs_neither_the_sdk_nor_the_network(emulator: EmulatorControl, auth: str) -> None:
    env = (
        {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}
        if auth == "pat"
        else {
            "DATABRICKS_HOST": emulator.url,
            "DATABRICKS_CLIENT_ID": emulator.client_id,
            "DATABRICKS_CLIENT_SECRET": emulator.client_secret,
        }
    )
    assert run_cli("models", env=env).returncode == 0
    before = emulator.stats()
    modules = imported_modules("models", env=env)
    assert not {m for m in modules if m.startswith("databricks.sdk")}
    assert emulator.stats() == before


def test_a_changed_m2m_secret_is_not_served_the_warm_cache(emulator: EmulatorControl) -> None:
    env = {
        "DATABRICKS_HOST": emulator.url,
        "DATABRICKS_CLIENT_ID": emulator.client_id,
        "DATABRICKS_CLIENT_SECRET": emulator.client_secret,
    }
    assert run_cli("models", env=env).returncode == 0
    result = run_cli("models", env={**env, "DATABRICKS_CLIENT_SECRET": "not-the-secret"})
    assert result.returncode == 2, output_of(result)
    assert "DATABRICKS_CLIENT_SECRET" in output_of(result)


def test_a_workspace_without_scim_me_keeps_listings_per_credential(emulator: EmulatorControl) -> None:
    emulator.fault(
        {"kind": "invalid_path", "scope": "all", "path": "/api/2.0/preview/scim/v2/Me", "count": 5}
    )
    env = {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}
    first = run_cli("models", "--json", env=env)
    assert first.returncode == 0, output_of(first)
    assert "databricks-claude-sonnet-4-5" in {m["id"] for m in json.loads(first.stdout)}
    assert run_cli("models", env=env).returncode == 0
    assert emulator.stats().get("list", 0) == 1  # the second run found the first one's listing
