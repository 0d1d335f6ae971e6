"""``service_tier`` (research databricks-2026.md §4.1): passed through from every inbound API, settable per
model in config.toml, echoed back as the tier that served the answer, and priced at the priority rate."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from brickgate.auth import Credentials
from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.server import RunningGateway
from brickgate.pricing import cost_of
from brickgate.protocol import Request, Usage
from brickgate.workspace import Workspace
from tests.gateway_harness import DIALECTS, call, running_gateway

anthropic = pytest.importorskip("anthropic")
openai = pytest.importorskip("openai")

GLM = "databricks-glm-5-3"  # has a priority price (§1.2), declares Messages, Responses and Chat
GPT = "databricks-gpt-5-4"  # has a priority price, speaks Responses (and chat)
CLAUDE = "databricks-claude-sonnet-4-5"  # Messages; no priority tier: answers "standard"


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


def sent_tiers(emulator: EmulatorControl) -> list[Any]:
    return [r["body"].get("service_tier") for r in emulator.requests()]


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("model", [GLM, GPT, CLAUDE])
@pytest.mark.parametrize("api", sorted(DIALECTS))
def test_service_tier_reaches_databricks_from_every_api(
    gateway: RunningGateway, emulator: EmulatorControl, api: str, model: str, stream: bool
) -> None:
    dialect = DIALECTS[api]
    body = {**dialect.request(model, "hi", stream=stream), "service_tier": "priority"}
    answer = call(gateway.url, "POST", dialect.path, body)
    assert answer.status == 200, answer.body[:300]
    assert sent_tiers(emulator) == ["priority"]


def test_the_openai_sdk_reads_the_tier_that_served_it(gateway: RunningGateway) -> None:
    client = openai.OpenAI(base_url=gateway.url + "/v1", api_key="any", max_retries=0)
    chat = client.chat.completions.create(
        model=GLM, service_tier="priority", messages=[{"role": "user", "content": "hi"}]
    )
    assert chat.service_tier == "priority"
    # Claude declares no Responses: it answers on Messages and the tier is re-encoded
    translated = client.responses.create(model=CLAUDE, service_tier="priority", input="hi")
    assert translated.service_tier == "standard"  # Claude has no priority tier here
    response = client.responses.create(model=GPT, service_tier="priority", input="hi")
    assert response.service_tier == "priority"


def test_the_anthropic_sdk_reads_the_tier_that_served_it(gateway: RunningGateway) -> None:
    client = anthropic.Anthropic(base_url=gateway.url, api_key="any", max_retries=0)
    message = client.messages.create(
        model=GLM,
        max_tokens=100,
        service_tier="priority",  # type: ignore[arg-type]  # Databricks' value for Anthropic's field
        messages=[{"role": "user", "content": "hi"}],
    )
    assert message.usage.service_tier == "priority"


def write_config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text)
    (home / "config.toml").chmod(0o600)


def test_a_tier_set_in_config_is_sent_unless_the_caller_names_one(
    emulator: EmulatorControl, isolated_env: Path
) -> None:
    write_config(isolated_env, f'[models."{GLM}"]\nservice_tier = "priority"\n')
    with running_gateway(emulator.url, emulator.token) as gw:
        plain = DIALECTS["chat"].request(GLM, "hi", stream=False)
        assert call(gw.url, "POST", "/v1/chat/completions", plain).status == 200
        own = {**plain, "service_tier": "default"}
        assert call(gw.url, "POST", "/v1/chat/completions", own).status == 200
        other = DIALECTS["chat"].request("databricks-meta-llama-3-3-70b-instruct", "hi", stream=False)
        assert call(gw.url, "POST", "/v1/chat/completions", other).status == 200
    assert sent_tiers(emulator) == ["priority", "default", None]


def test_a_misspelt_tier_in_config_is_refused_with_the_values_it_takes(isolated_env: Path) -> None:
    from brickgate.catalog.settings import load_settings
    from brickgate.errors import ConfigError

    write_config(isolated_env, f'[models."{GLM}"]\nservice_tier = "priorty"\n')
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert "service_tier" in str(err.value) and "'priority'" in str(err.value)


def test_an_answer_served_at_priority_costs_the_priority_price(emulator: EmulatorControl) -> None:
    ws = Workspace(credentials=Credentials.pat(emulator.url, emulator.token))
    try:
        model = replace(ws.model(GLM), priority_input_dbu_per_mtok=35.0, priority_output_dbu_per_mtok=110.0)
        standard = ws.complete_sync(model, Request.of(GLM, "hi"))
        priority = ws.complete_sync(model, Request.of(GLM, "hi", service_tier="priority"))
    finally:
        ws.close()
    assert (standard.usage.service_tier, priority.usage.service_tier) == (None, "priority")
    assert priority.usage.output_tokens == standard.usage.output_tokens > 0
    expected = (priority.usage.input_tokens * 35.0 + priority.usage.output_tokens * 110.0) / 1e6
    assert priority.cost.dbu == pytest.approx(expected)
    assert standard.cost.dbu < priority.cost.dbu


def test_an_unknown_priority_price_falls_back_to_the_standard_one() -> None:
    from tests.unit.quirks.factory import model_named

    model = model_named(GLM)
    usage = Usage(input_tokens=1000, output_tokens=1000)
    assert cost_of(replace(usage, service_tier="priority"), model) == cost_of(usage, model)
