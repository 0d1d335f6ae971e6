"""The credential chain's order and sources, for plain PATs (no SDK, no network involved)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from brickgate.auth import peek_host, resolve, save_login
from brickgate.errors import AUTH_METHODS_HINT, InvalidHost, NoCredentials

ENV_HOST = "https://env.cloud.databricks.com"
LOGIN_HOST = "https://login.cloud.databricks.com"


def write_config(text: str) -> None:
    Path(os.environ["DATABRICKS_CONFIG_FILE"]).write_text(text)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_environment_pat_is_used_with_source_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", ENV_HOST + "/")
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-env")
    creds = resolve()
    assert (creds.host, creds.auth_type, creds.source) == (ENV_HOST, "pat", "env")
    assert creds.headers() == bearer("dapi-env")


def test_stored_login_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", ENV_HOST)
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-env")
    save_login(host=LOGIN_HOST, token="dapi-login")
    creds = resolve()
    assert (creds.host, creds.source) == (LOGIN_HOST, "login")
    assert creds.headers() == bearer("dapi-login")


def test_host_flag_wins_over_stored_login(monkeypatch: pytest.MonkeyPatch) -> None:
    save_login(host=LOGIN_HOST, token="dapi-login")
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-env")
    creds = resolve(host="flag.cloud.databricks.com")
    assert (creds.host, creds.source) == ("https://flag.cloud.databricks.com", "flag")
    assert creds.headers() == bearer("dapi-env")


def test_host_flag_reuses_the_stored_token_for_the_same_host() -> None:
    save_login(host=LOGIN_HOST, token="dapi-login")
    creds = resolve(host=LOGIN_HOST + "/")
    assert creds.source == "flag" and creds.headers() == bearer("dapi-login")


def test_profile_flag_selects_that_profile() -> None:
    write_config(
        "[DEFAULT]\nhost = https://d.example.com\ntoken = dapi-d\n"
        "[dev]\nhost = dev.example.com\ntoken = dapi-dev\n"
    )
    creds = resolve(profile="dev")
    assert (creds.host, creds.profile, creds.source) == ("https://dev.example.com", "dev", "flag")
    assert creds.headers() == bearer("dapi-dev")


def test_stored_profile_login_uses_that_profile() -> None:
    write_config("[dev]\nhost = https://dev.example.com\ntoken = dapi-dev\n")
    save_login(profile="dev")
    creds = resolve()
    assert (creds.profile, creds.source) == ("dev", "login")


def test_environment_profile_variable_selects_a_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(
        "[DEFAULT]\nhost = https://d.example.com\ntoken = dapi-d\n"
        "[ci]\nhost = https://ci.example.com\ntoken = t\n"
    )
    monkeypatch.setenv("DATABRICKS_CONFIG_PROFILE", "ci")
    creds = resolve()
    assert (creds.host, creds.profile, creds.source) == ("https://ci.example.com", "ci", "env")


def test_default_profile_is_the_last_resort() -> None:
    write_config("[DEFAULT]\nhost = https://d.example.com\ntoken = dapi-d\n")
    creds = resolve()
    assert (creds.host, creds.profile, creds.source) == ("https://d.example.com", "DEFAULT", "config-file")


def test_settings_default_profile_is_honoured() -> None:
    write_config(
        "[__settings__]\ndefault_profile = emu\n[DEFAULT]\nhost = https://d.example.com\ntoken = a\n"
        "[emu]\nhost = https://emu.example.com\ntoken = b\n"
    )
    assert resolve().profile == "emu"


def test_nothing_configured_raises_no_credentials_listing_the_ways() -> None:
    with pytest.raises(NoCredentials) as caught:
        resolve()
    assert caught.value.hint == AUTH_METHODS_HINT


def test_token_without_host_says_which_variable_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-orphan")
    with pytest.raises(NoCredentials, match="DATABRICKS_HOST"):
        resolve()


def test_unknown_profile_lists_the_profiles_that_exist() -> None:
    write_config("[DEFAULT]\nhost = https://d.example.com\ntoken = a\n")
    with pytest.raises(NoCredentials) as caught:
        resolve(profile="nope")
    assert caught.value.hint is not None and "DEFAULT" in caught.value.hint


def test_malformed_environment_host_raises_invalid_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", "ftp://nope")
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-x")
    with pytest.raises(InvalidHost):
        resolve()


def test_headers_are_a_fresh_dict_each_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", ENV_HOST)
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-env")
    creds = resolve()
    creds.headers()["Authorization"] = "tampered"
    assert creds.headers() == bearer("dapi-env")


def test_credentials_repr_shows_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", ENV_HOST)
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-hidden-token")
    assert "dapi-hidden-token" not in repr(resolve())


def test_peek_host_follows_the_same_order_without_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    write_config("[DEFAULT]\nhost = https://d.example.com\ntoken = a\n")
    assert peek_host() == "https://d.example.com"
    monkeypatch.setenv("DATABRICKS_HOST", ENV_HOST)
    assert peek_host() == ENV_HOST
    save_login(host=LOGIN_HOST, token="t")
    assert peek_host() == LOGIN_HOST
    assert peek_host(host="x.example.com") == "https://x.example.com"


def test_plain_pat_resolution_does_not_import_the_sdk() -> None:
    code = (
        "import sys; from brickgate.auth import resolve; c = resolve(); "
        "assert c.auth_type == 'pat'; print('databricks.sdk' in sys.modules)"
    )
    env = {**os.environ, "DATABRICKS_HOST": ENV_HOST, "DATABRICKS_TOKEN": "dapi-env"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_host_flag_uses_the_profile_for_that_host() -> None:
    write_config(
        "[DEFAULT]\nhost = https://d.example.com\ntoken = dapi-d\n"
        "[dev]\nhost = https://dev.example.com/\ntoken = dapi-dev\n"
    )
    creds = resolve(host="dev.example.com")
    assert (creds.host, creds.profile, creds.source) == ("https://dev.example.com", "dev", "flag")
    assert creds.headers() == bearer("dapi-dev")


def test_host_flag_matching_several_profiles_asks_for_one() -> None:
    write_config(
        "[a]\nhost = https://dev.example.com\ntoken = dapi-a\n"
        "[b]\nhost = https://dev.example.com\ntoken = dapi-b\n"
    )
    with pytest.raises(NoCredentials) as caught:
        resolve(host="https://dev.example.com")
    assert caught.value.hint is not None and "--profile" in caught.value.hint
    assert "a, b" in caught.value.message
