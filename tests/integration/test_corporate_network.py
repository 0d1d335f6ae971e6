"""Behind a mandatory proxy that only lets HTTPS through to a workspace with a private CA, every client
(urllib for listings, aiohttp for inference, databricks-sdk for OAuth) uses the proxy and one CA bundle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from brickgate import home
from tests.cli_harness import output_of, run_cli
from tests.network_harness import CorporateWorkspace, corporate_workspace

PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY")


@pytest.fixture
def corp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CorporateWorkspace]:
    for name in (*PROXY_VARS, "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    with corporate_workspace(tmp_path) as workspace:
        yield workspace


def behind_proxy(corp: CorporateWorkspace, **extra: str) -> dict[str, str]:
    return {
        "DATABRICKS_HOST": corp.url,
        "DATABRICKS_TOKEN": corp.token,
        "HTTPS_PROXY": corp.proxy.url,
        "https_proxy": corp.proxy.url,
        **extra,
    }


def trust_by(how: str, corp: CorporateWorkspace) -> dict[str, str]:
    if how == "config":
        home.config_path().parent.mkdir(parents=True, exist_ok=True)
        home.config_path().write_text(f'ca_bundle = "{corp.ca_file}"\n')
        return {}
    return {how: str(corp.ca_file)}


@pytest.mark.parametrize("how", ["REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "config"])
def test_listing_and_inference_go_through_the_proxy_trusting_the_bundle(
    corp: CorporateWorkspace, how: str
) -> None:
    env = behind_proxy(corp, **trust_by(how, corp))
    listed = run_cli("models", "--refresh", env=env)
    assert listed.returncode == 0, output_of(listed)
    tunnels_for_listing = len(corp.proxy.seen)
    answered = run_cli("run", "-m", "claude-sonnet-4-5", "hi", env=env)
    assert answered.returncode == 0, output_of(answered)
    assert "Hello from databricks-claude-sonnet-4-5" in answered.stdout
    assert len(corp.proxy.seen) > tunnels_for_listing  # inference used the proxy too
    assert set(corp.proxy.seen) == {corp.url.removeprefix("https://")}


def test_oauth_m2m_through_the_proxy_trusts_the_configured_bundle(corp: CorporateWorkspace) -> None:
    env = {
        "DATABRICKS_HOST": corp.url,
        "DATABRICKS_CLIENT_ID": corp.client_id,
        "DATABRICKS_CLIENT_SECRET": corp.client_secret,
        "HTTPS_PROXY": corp.proxy.url,
        "https_proxy": corp.proxy.url,
        **trust_by("config", corp),
    }
    result = run_cli("run", "-m", "gpt-5.2", "hi", env=env)
    assert result.returncode == 0, output_of(result)
    assert "Hello from databricks-gpt-5-2" in result.stdout


def test_untrusted_certificate_says_to_set_the_ca_bundle(corp: CorporateWorkspace) -> None:
    result = run_cli("models", "--refresh", env=behind_proxy(corp))
    assert result.returncode == 2, output_of(result)
    text = " ".join(output_of(result).split())
    assert "TLS handshake" in text and "REQUESTS_CA_BUNDLE" in text and "ca_bundle" in text


def test_a_missing_ca_bundle_file_is_named(corp: CorporateWorkspace, tmp_path: Path) -> None:
    result = run_cli(
        "models", "--refresh", env=behind_proxy(corp, REQUESTS_CA_BUNDLE=str(tmp_path / "nope.pem"))
    )
    assert result.returncode == 1, output_of(result)
    assert "REQUESTS_CA_BUNDLE points to" in result.stderr and "Traceback" not in result.stderr


def test_no_proxy_sends_the_workspace_direct(corp: CorporateWorkspace) -> None:
    env = behind_proxy(corp, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1", REQUESTS_CA_BUNDLE=str(corp.ca_file))
    result = run_cli("models", "--refresh", env=env)
    assert result.returncode == 2  # direct connections to the public port are refused
    assert "connection refused" in output_of(result) and corp.proxy.seen == []


def test_a_proxy_that_asks_for_credentials_gets_them_from_the_proxy_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (*PROXY_VARS, "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    with corporate_workspace(tmp_path, proxy_credentials="alice:proxy-pass-4711") as corp:
        with_auth = corp.proxy.url.replace("http://", "http://alice:proxy-pass-4711@")
        env = {
            **behind_proxy(corp, REQUESTS_CA_BUNDLE=str(corp.ca_file)),
            "HTTPS_PROXY": with_auth,
            "https_proxy": with_auth,
        }
        listed = run_cli("models", "--refresh", env=env)
        answered = run_cli("run", "-m", "gemini-2.5-pro", "hi", env=env)
    assert listed.returncode == 0, output_of(listed)
    assert answered.returncode == 0, output_of(answered)
    assert "proxy-pass-4711" not in output_of(listed) + output_of(answered)
