"""Security: what a hostile or broken workspace answers cannot take credentials or prompts elsewhere, nor
grow brickgate without bound (issue 10, items 2 and 4). A real HTTP server stands in front of the
emulator and answers what each test scripts; the CLI and `brickgate serve` run as subprocesses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import output_of, run_cli
from tests.gateway_harness import DIALECTS, FAMILY_MODELS, call
from tests.integration.hostile_workspace import (
    Answer,
    HostileWorkspace,
    endless_event,
    gzip_bomb,
    hostile_workspace,
    huge_json,
    redirect_to,
)
from tests.integration.serve_process import serving

INFERENCE_PREFIXES = ("/serving-endpoints/", "/ai-gateway/")


@pytest.fixture
def front(emulator: EmulatorControl) -> Iterator[HostileWorkspace]:
    with hostile_workspace(emulator.url) as ws:
        yield ws


@pytest.fixture
def elsewhere(emulator: EmulatorControl) -> Iterator[HostileWorkspace]:
    """Another host, which serves valid answers (it passes through to the emulator) and records."""
    with hostile_workspace(emulator.url) as ws:
        yield ws


def on_inference(front: HostileWorkspace, answer: Answer) -> None:
    for prefix in INFERENCE_PREFIXES:
        front.answer("POST", prefix, answer)


def _env(front: HostileWorkspace, emulator: EmulatorControl) -> dict[str, str]:
    return {"DATABRICKS_HOST": front.url, "DATABRICKS_TOKEN": emulator.token}


def _message(answer_body: bytes) -> str:
    return str(json.loads(answer_body)["error"]["message"])


# --- redirects ----------------------------------------------------------------------------------------


def test_login_refuses_a_redirect_and_stores_nothing(
    front: HostileWorkspace, elsewhere: HostileWorkspace, emulator: EmulatorControl, isolated_env: Path
) -> None:
    target = f"http://localhost:{elsewhere.port}"
    front.answer("GET", "/", redirect_to(target))

    result = run_cli("login", "--host", front.url, "--token-stdin", stdin=emulator.token + "\n")

    assert result.returncode != 0
    assert f"redirect (HTTP 302) to {target}" in output_of(result)
    assert elsewhere.received == []
    assert not (isolated_env / "credentials.json").exists()
    assert emulator.token not in output_of(result)


def test_the_model_listing_refuses_a_redirect(
    front: HostileWorkspace, elsewhere: HostileWorkspace, emulator: EmulatorControl
) -> None:
    front.answer("GET", "/", redirect_to(f"http://localhost:{elsewhere.port}", status=307))

    result = run_cli("models", env=_env(front, emulator))

    assert result.returncode != 0
    assert f"to http://localhost:{elsewhere.port}" in output_of(result)
    assert "Traceback" not in output_of(result)
    assert elsewhere.received == []


def test_inference_refuses_a_307_to_another_host(
    front: HostileWorkspace, elsewhere: HostileWorkspace, emulator: EmulatorControl
) -> None:
    on_inference(front, redirect_to(f"http://localhost:{elsewhere.port}", status=307))
    body = DIALECTS["chat"].request(FAMILY_MODELS["llama"], "a secret prompt", stream=False)

    with serving(emulator, env=_env(front, emulator)) as served:
        answer = call(served.url, "POST", "/v1/chat/completions", body)

    assert answer.status == 502
    assert f"redirect (HTTP 307) to http://localhost:{elsewhere.port}" in _message(answer.body)
    assert elsewhere.received == []


# --- sizes --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", [huge_json(80), gzip_bomb(100)], ids=["80-MiB-json", "gzip-bomb"])
def test_an_oversized_answer_is_cut_off_with_a_clear_error(
    front: HostileWorkspace, emulator: EmulatorControl, hostile: Answer
) -> None:
    on_inference(front, hostile)
    body = DIALECTS["chat"].request(FAMILY_MODELS["llama"], "hi", stream=False)

    with serving(emulator, env=_env(front, emulator)) as served:
        answer = call(served.url, "POST", "/v1/chat/completions", body)
        assert call(served.url, "GET", "/health").status == 200

    assert answer.status == 502
    assert "larger than brickgate accepts (64 MiB)" in _message(answer.body)


@pytest.mark.parametrize("api", ["chat", "messages"])  # relayed as bytes / decoded and translated
def test_an_event_that_never_ends_is_cut_off_with_an_error_event(
    front: HostileWorkspace, emulator: EmulatorControl, api: str
) -> None:
    on_inference(front, endless_event(48))
    body = DIALECTS[api].request(FAMILY_MODELS["llama"], "hi", stream=True)

    with serving(emulator, env=_env(front, emulator)) as served:
        answer = call(served.url, "POST", DIALECTS[api].path, body)

    assert answer.status == 200  # the stream had started
    assert len(answer.body) < 1024 * 1024  # the open event was never passed on
    last = json.loads(answer.events()[-1].data)
    assert "one stream event larger than brickgate accepts (16 MiB)" in last["error"]["message"]


def test_a_multi_megabyte_answer_still_passes(front: HostileWorkspace, emulator: EmulatorControl) -> None:
    on_inference(front, huge_json(3))
    body = DIALECTS["chat"].request(FAMILY_MODELS["llama"], "hi", stream=False)

    with serving(emulator, env=_env(front, emulator)) as served:
        answer = call(served.url, "POST", "/v1/chat/completions", body)

    assert answer.status == 200
    assert len(answer.body) > 3 * 1024 * 1024
