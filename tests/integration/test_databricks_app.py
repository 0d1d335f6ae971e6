"""`brickgate app init` and the app it writes, run as the Apps platform runs it: the command from its
app.yaml with the environment an App gets, behind a front proxy that authenticates users and forwards
their token and e-mail (tests/apps_proxy.py), against the emulator, driven by the real openai and
anthropic SDKs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import anthropic
import openai
import pytest
import yaml
from google import genai
from google.genai import types

from brickgate import __version__
from brickgate.emulator.control_client import EmulatorControl
from tests.apps_proxy import AppsProxy
from tests.cli_harness import output_of, run_cli
from tests.gateway_harness import Chat, call
from tests.integration.serve_process import free_port
from tests.ledger_harness import wait_for_rows
from tests.team_harness import ALICE, BOB, PRIVATE, SHARED, bearer

EMAILS = {ALICE: "alice@example.com", BOB: "bob@example.com"}
GEMINI = "databricks-gemini-3-5-flash"  # declares the Gemini API: relayed on the same-API fast path
READY = "Ctrl-C stops it."


@dataclass
class RunningApp:
    proc: subprocess.Popen[str]
    url: str
    lines: list[str] = field(default_factory=list)

    def output(self) -> str:
        return "".join(self.lines)


def write_app(directory: Path) -> list[str]:
    result = run_cli("app", "init", str(directory))
    assert result.returncode == 0, output_of(result)
    doc = yaml.safe_load((directory / "app.yaml").read_text())
    command = doc["command"]
    assert isinstance(command, list) and all(isinstance(word, str) for word in command)
    return command


@contextmanager
def run_app(directory: Path, emulator: EmulatorControl, home: Path, **admin_env: str) -> Iterator[RunningApp]:
    """The app's command, not in a shell, with the environment the platform gives an App (its service
    principal included) and the env entries of its app.yaml (plus ``admin_env``, as if uncommented there)."""
    command = write_app(directory)
    port = free_port()
    doc = yaml.safe_load((directory / "app.yaml").read_text())
    env = {
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        "HOME": str(home.parent),
        "BRICKGATE_HOME": str(home),
        "NO_COLOR": "1",
        "DATABRICKS_APP_NAME": directory.name,
        "DATABRICKS_APP_PORT": str(port),
        "DATABRICKS_WORKSPACE_ID": "1234567890123456",
        "DATABRICKS_HOST": emulator.url,
        "DATABRICKS_CLIENT_ID": emulator.client_id,
        "DATABRICKS_CLIENT_SECRET": emulator.client_secret,
        **{entry["name"]: entry["value"] for entry in doc.get("env") or []},
        **admin_env,
    }
    proc = subprocess.Popen(
        command, cwd=directory, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    app = RunningApp(proc, f"http://127.0.0.1:{port}")
    assert proc.stderr is not None
    threading.Thread(target=lambda: app.lines.extend(proc.stderr or ()), daemon=True).start()
    try:
        deadline = time.monotonic() + 30
        while not any(READY in line for line in list(app.lines)):
            assert proc.poll() is None and time.monotonic() < deadline, app.output()
            time.sleep(0.05)
        yield app
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_app_init_writes_the_command_the_pinned_package_and_the_deploy_steps(tmp_path: Path) -> None:
    command = write_app(tmp_path / "team-gateway")
    assert command == ["brickgate", "serve"]
    requirements = (tmp_path / "team-gateway" / "requirements.txt").read_text()
    assert requirements.strip() == f"brickgate=={__version__}"
    readme = (tmp_path / "team-gateway" / "README.md").read_text()
    assert "databricks apps deploy team-gateway" in readme
    assert "`model-serving`" in readme and "`serving.serving-endpoints`" in readme
    again = run_cli("app", "init", str(tmp_path / "team-gateway"))
    assert again.returncode != 0
    assert "--force" in output_of(again)


def test_the_app_runs_each_request_as_the_user_the_platform_forwards(
    team: EmulatorControl, tmp_path: Path, isolated_env: Path
) -> None:
    with run_app(tmp_path / "team-gateway", team, isolated_env) as app, AppsProxy(app.url, EMAILS) as proxy:
        alice = openai.OpenAI(base_url=proxy.url + "/api/openai/v1", api_key=ALICE, max_retries=0)
        answer = alice.chat.completions.create(model=PRIVATE, messages=[{"role": "user", "content": "hi"}])
        assert answer.choices[0].message.content
        streamed = alice.responses.create(model=SHARED, input="hello", stream=True)
        assert any(event.type == "response.completed" for event in streamed)
        bob = anthropic.Anthropic(base_url=proxy.url + "/api/anthropic", api_key=BOB, max_retries=0)
        reply = bob.messages.create(model=SHARED, max_tokens=64, messages=[{"role": "user", "content": "hi"}])
        assert reply.content
        with pytest.raises((anthropic.NotFoundError, anthropic.PermissionDeniedError)):  # ALICE's only
            bob.messages.create(model=PRIVATE, max_tokens=64, messages=[{"role": "user", "content": "hi"}])
        listed = {m.id for m in bob.models.list()}
        assert SHARED in listed and PRIVATE not in listed
        google = genai.Client(  # the Apps proxy takes a Bearer token; Google's key header rides along
            api_key=BOB,
            http_options=types.HttpOptions(
                base_url=proxy.url + "/api/gemini", headers={"Authorization": f"Bearer {BOB}"}
            ),
        )
        assert google.models.generate_content(model=GEMINI, contents="hi").text
    tags = [r["request_tags"] for r in team.requests() if r["request_tags"]]
    assert {t.get("user") for t in tags} == {"alice@example.com", "bob@example.com"}
    assert any(r["path"].endswith(":generateContent") for r in team.requests())  # Gemini, relayed as BOB
    assert all(t.get("via") == "brickgate-app" for t in tags)  # app.yaml's env reached the gateway
    log = app.output()
    assert "user=alice@example.com" in log and "user=bob@example.com" in log
    assert ALICE not in log and BOB not in log
    assert app.proc.returncode == 0, log  # SIGTERM: a clean stop


def test_without_user_authorization_the_app_says_how_to_turn_it_on(
    team: EmulatorControl, tmp_path: Path, isolated_env: Path
) -> None:
    """Reached without the proxy's forwarded token (user authorization off): a 401 naming the scopes, even
    though the request carries a perfectly good Authorization header (the platform would strip it)."""
    with run_app(tmp_path / "team-gateway", team, isolated_env) as app:
        body = Chat().request(SHARED, "hi", stream=False)
        answer = call(app.url, "POST", "/api/openai/v1/chat/completions", body, bearer(ALICE))
    assert answer.status == 401
    assert "model-serving" in answer.json()["error"]["message"]
    assert team.stats().get("inference", 0) == 0


def test_sigterm_lets_a_running_stream_finish(
    team: EmulatorControl, tmp_path: Path, isolated_env: Path
) -> None:
    team.fault({"kind": "long_stream", "after_events": 1, "repeat": 20, "seconds": 0.1})  # a 2+ s stream
    with run_app(tmp_path / "team-gateway", team, isolated_env) as app, AppsProxy(app.url, EMAILS) as proxy:
        client = openai.OpenAI(base_url=proxy.url + "/api/openai/v1", api_key=ALICE, max_retries=0)
        stream = client.chat.completions.create(
            model=SHARED, messages=[{"role": "user", "content": "hi"}], stream=True
        )
        first = next(iter(stream))
        app.proc.send_signal(signal.SIGTERM)  # the platform stopping the app mid-stream
        rest = list(stream)
        assert app.proc.wait(timeout=15) == 0
    assert first.choices
    assert any(chunk.choices and chunk.choices[0].finish_reason for chunk in rest)


def test_an_admin_may_run_tokenless_requests_as_the_apps_service_principal(
    team: EmulatorControl, tmp_path: Path, isolated_env: Path
) -> None:
    directory = tmp_path / "team-gateway"
    with run_app(directory, team, isolated_env, BRICKGATE_APP_PRINCIPAL_FALLBACK="1") as app:
        body = Chat().request(SHARED, "hi", stream=False)
        answer = call(app.url, "POST", "/api/openai/v1/chat/completions", body)
        rows = wait_for_rows(isolated_env, 1)
    assert answer.status == 200, answer.body
    assert [r["identity"] for r in rows] == ["app:team-gateway"]
    assert "user=app:team-gateway" in app.output()
