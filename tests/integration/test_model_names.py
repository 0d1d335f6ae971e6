"""One model-name resolver for every entry point: `run -m`, `Workspace.model`, the gateway."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from brickgate import home
from brickgate.auth import Credentials
from brickgate.catalog import Catalog
from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.server import RunningGateway
from brickgate.workspace import Workspace
from tests.cli_harness import output_of, run_cli
from tests.gateway_harness import DIALECTS, call, running_gateway

# How people and agents spell the emulator's endpoints (setup writes the vendor names).
SPELLINGS = [
    ("databricks-gpt-5-2-codex", "databricks-gpt-5-2-codex"),
    ("gpt-5.2-codex", "databricks-gpt-5-2-codex"),
    ("databricks/gemini-2.5-pro", "databricks-gemini-2-5-pro"),
    ("system.ai.claude-sonnet-4-5", "databricks-claude-sonnet-4-5"),
    ("claude-sonnet-4.5", "databricks-claude-sonnet-4-5"),
    ("claude-sonnet-4-5-20250929", "databricks-claude-sonnet-4-5"),
    ("GPT-5.2", "databricks-gpt-5-2"),
]


def env_for(emulator: EmulatorControl) -> dict[str, str]:
    return {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}


def write_config(text: str) -> None:
    home.config_path().parent.mkdir(parents=True, exist_ok=True)
    home.config_path().write_text(text)


@pytest.mark.parametrize(("spelled", "endpoint"), SPELLINGS)
def test_run_accepts_every_spelling_the_gateway_accepts(
    emulator: EmulatorControl, spelled: str, endpoint: str
) -> None:
    result = run_cli("run", "-m", spelled, "hi", env=env_for(emulator))
    assert result.returncode == 0, output_of(result)
    assert f"Hello from {endpoint}" in result.stdout


@pytest.mark.parametrize(("spelled", "endpoint"), SPELLINGS)
def test_library_model_accepts_the_same_spellings(
    emulator: EmulatorControl, spelled: str, endpoint: str
) -> None:
    ws = Workspace(credentials=Credentials.pat(emulator.url, emulator.token))
    assert ws.model(spelled).id == endpoint


@pytest.fixture
def gateway(emulator: EmulatorControl) -> Iterator[RunningGateway]:
    with running_gateway(emulator.url, emulator.token) as gw:
        yield gw


@pytest.mark.parametrize(("spelled", "endpoint"), SPELLINGS)
def test_gateway_accepts_the_same_spellings(gateway: RunningGateway, spelled: str, endpoint: str) -> None:
    dialect = DIALECTS["chat"]
    answer = call(gateway.url, "POST", dialect.path, dialect.request(spelled, "hi", stream=False))
    assert answer.status == 200, answer.body
    assert f"Hello from {endpoint}" in dialect.text(answer)


def test_alias_from_config_works_in_run_and_doctor(emulator: EmulatorControl) -> None:
    write_config('[models."databricks-claude-sonnet-4-5"]\naliases = ["sonnet"]\n')
    result = run_cli("run", "-m", "sonnet", "hi", env=env_for(emulator))
    assert result.returncode == 0, output_of(result)
    assert "Hello from databricks-claude-sonnet-4-5" in result.stdout
    checked = run_cli("doctor", "-m", "Sonnet", "--json", env=env_for(emulator))
    assert checked.returncode == 0, output_of(checked)
    assert '"databricks-claude-sonnet-4-5"' in checked.stdout


def test_an_alias_never_hides_another_endpoint(emulator: EmulatorControl) -> None:
    write_config('[models."databricks-claude-sonnet-4-5"]\naliases = ["databricks-gpt-5-2", "gpt-5-2"]\n')
    catalog = Catalog(Credentials.pat(emulator.url, emulator.token))
    assert catalog.get("gpt-5.2").id == "databricks-gpt-5-2"
    assert catalog.get("databricks-gpt-5-2").id == "databricks-gpt-5-2"


def test_unknown_name_still_suggests_close_matches(emulator: EmulatorControl) -> None:
    result = run_cli("run", "-m", "claude-sonet-4.5", "hi", env=env_for(emulator))
    assert result.returncode == 1
    assert "not served" in result.stderr and "databricks-claude-sonnet-4-5" in result.stderr
