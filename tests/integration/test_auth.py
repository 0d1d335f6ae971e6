"""Credentials against the emulated workspace over real HTTP: PAT, OAuth M2M through the real SDK,
profiles, stored-login precedence, and every failure mapped to an error that says what to do."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from brickgate.auth import Credentials, resolve, save_login, verify
from brickgate.emulator import EmulatorConfig, RunningEmulator, start_in_thread
from brickgate.emulator.control_client import EmulatorControl
from brickgate.errors import AuthError, CredentialsRejected, HostUnreachable, InvalidHost, NoCredentials


def write_config(text: str) -> None:
    Path(os.environ["DATABRICKS_CONFIG_FILE"]).write_text(text)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def use_m2m_env(
    monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl, secret: str | None = None
) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", emulator.url)
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", emulator.client_id)
    monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", secret or emulator.client_secret)


def test_environment_pat_verifies(monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", emulator.url)
    monkeypatch.setenv("DATABRICKS_TOKEN", emulator.token)
    creds = resolve()
    assert (creds.auth_type, creds.source) == ("pat", "env")
    assert verify(creds) > 0


def test_oauth_m2m_from_environment_gets_a_token_through_the_sdk(
    monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl
) -> None:
    use_m2m_env(monkeypatch, emulator)
    creds = resolve()
    assert (creds.host, creds.auth_type, creds.source) == (emulator.url, "oauth-m2m", "env")
    assert verify(creds) > 0
    assert emulator.stats()["token"] >= 1


def test_oauth_m2m_from_a_config_file_profile(emulator: EmulatorControl) -> None:
    write_config(
        f"[DEFAULT]\nhost = https://other.example.com\ntoken = unused\n"
        f"[sp]\nhost = {emulator.url}\nclient_id = {emulator.client_id}\n"
        f"client_secret = {emulator.client_secret}\n"
    )
    creds = resolve(profile="sp")
    assert (creds.auth_type, creds.profile, creds.source) == ("oauth-m2m", "sp", "flag")
    assert verify(creds) > 0


def test_profile_flag_picks_the_working_profile(emulator: EmulatorControl) -> None:
    write_config(
        f"[DEFAULT]\nhost = {emulator.url}\ntoken = dapi-wrong\n"
        f"[good]\nhost = {emulator.url}\ntoken = {emulator.token}\n"
    )
    assert verify(resolve(profile="good")) > 0
    with pytest.raises(CredentialsRejected):
        verify(resolve())


def test_stored_login_wins_over_a_broken_environment(
    monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl
) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", emulator.url)
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-wrong")
    save_login(host=emulator.url, token=emulator.token)
    creds = resolve()
    assert creds.source == "login"
    assert verify(creds) > 0


def test_rejected_token_raises_credentials_rejected_without_the_token(emulator: EmulatorControl) -> None:
    creds = Credentials.pat(emulator.url, "dapi-not-a-real-token", source="env")
    with pytest.raises(CredentialsRejected) as caught:
        verify(creds)
    assert "dapi-not-a-real-token" not in caught.value.describe()
    assert caught.value.hint and "DATABRICKS_TOKEN" in caught.value.hint


def test_rejected_client_secret_raises_credentials_rejected(
    monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl
) -> None:
    use_m2m_env(monkeypatch, emulator, secret="wrong-secret-value")
    creds = resolve()
    with pytest.raises(CredentialsRejected) as caught:
        verify(creds)
    assert "wrong-secret-value" not in caught.value.describe()


def test_unreachable_host_with_a_pat_fails_fast_naming_the_host() -> None:
    url = closed_port_url()
    started = time.monotonic()
    with pytest.raises(HostUnreachable) as caught:
        verify(Credentials.pat(url, "dapi-x"), timeout=3)
    assert time.monotonic() - started < 3
    assert url in caught.value.message


def test_unreachable_host_with_oauth_fails_within_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    url = closed_port_url()
    monkeypatch.setenv("DATABRICKS_HOST", url)
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", "cid")
    monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", "csecret")
    started = time.monotonic()
    with pytest.raises(HostUnreachable) as caught:
        resolve(timeout=4)
    assert time.monotonic() - started < 8
    assert "127.0.0.1" in caught.value.message


def test_slow_workspace_times_out_saying_how_long_it_waited(emulator: EmulatorControl) -> None:
    emulator.fault(
        {"kind": "slow_first_byte", "seconds": 3, "scope": "all", "path": "/api/2.0/serving-endpoints"}
    )
    with pytest.raises(HostUnreachable, match=r"within 0\.5 s"):
        verify(Credentials.pat(emulator.url, emulator.token), timeout=0.5)


def test_malformed_host_is_invalid_host() -> None:
    with pytest.raises(InvalidHost):
        resolve(host="https://exa mple.com")


def test_no_credentials_anywhere_raises_no_credentials() -> None:
    with pytest.raises(NoCredentials):
        resolve()


def test_more_than_one_auth_method_is_explained(
    monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl
) -> None:
    use_m2m_env(monkeypatch, emulator)
    monkeypatch.setenv("DATABRICKS_TOKEN", emulator.token)
    with pytest.raises(AuthError, match="More than one way") as caught:
        resolve()
    assert emulator.client_secret not in caught.value.describe()


@pytest.fixture
def short_lived_tokens() -> Iterator[RunningEmulator]:
    server = start_in_thread(EmulatorConfig(token_ttl=1), port=0)
    yield server
    server.stop()


def test_oauth_headers_are_refreshed_when_the_token_expires(
    monkeypatch: pytest.MonkeyPatch, short_lived_tokens: RunningEmulator
) -> None:
    cfg = short_lived_tokens.config
    monkeypatch.setenv("DATABRICKS_HOST", short_lived_tokens.url)
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", cfg.client_id)
    monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", cfg.client_secret)
    creds = resolve()
    first, second = creds.headers(), creds.headers()
    assert first["Authorization"] != second["Authorization"]
    assert short_lived_tokens.state.stats["token"] == 2


@pytest.fixture
def not_http_url() -> Iterator[str]:
    """A local server that answers every connection with an SSH banner instead of HTTP."""
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)

    def answer() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(4096)
                conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")

    threading.Thread(target=answer, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()


def test_host_that_does_not_speak_http_is_host_unreachable(not_http_url: str) -> None:
    with pytest.raises(HostUnreachable) as caught:
        verify(Credentials.pat(not_http_url, "dapi-x"), timeout=3)
    assert not_http_url in caught.value.message and "HTTP" in caught.value.message
