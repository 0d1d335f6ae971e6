"""`[models."<id>"]` overrides and `[[endpoints]]` custom models applied to discovered models."""

from __future__ import annotations

from typing import Any

import pytest

from brickgate.catalog.discovery import model_for_family
from brickgate.catalog.families import family_for
from brickgate.catalog.model import Model
from brickgate.catalog.overrides import apply_settings
from brickgate.catalog.settings import CatalogSettings


def discovered(name: str) -> Model:
    return model_for_family(name, family_for(name), usd_per_dbu=0.07)


def settings(**data: Any) -> CatalogSettings:
    return CatalogSettings.model_validate(data)


def only(models: list[Model], name: str) -> Model:
    return next(m for m in models if m.id == name)


def test_api_override_sends_claude_over_chat() -> None:
    models = apply_settings(
        [discovered("databricks-claude-sonnet-4-5")],
        settings(models={"databricks-claude-sonnet-4-5": {"api": "chat"}}),
    )
    m = only(models, "databricks-claude-sonnet-4-5")
    assert m.api == "chat" and m.family == "claude"


def test_old_api_spelling_anthropic_still_means_messages(caplog: pytest.LogCaptureFixture) -> None:
    models = apply_settings(
        [discovered("databricks-claude-sonnet-4-5")],
        settings(models={"databricks-claude-sonnet-4-5": {"api": "anthropic"}}),
    )
    assert only(models, "databricks-claude-sonnet-4-5").api == "messages"
    assert 'api = "messages"' in caplog.text


def test_override_by_short_name_and_any_case() -> None:
    models = apply_settings(
        [discovered("databricks-gpt-5-2")], settings(models={"GPT-5-2": {"context_window": 1234}})
    )
    assert models[0].context_window == 1234


def test_usd_price_is_converted_with_the_configured_dbu_rate() -> None:
    config = settings(usd_per_dbu=0.1, models={"databricks-gpt-5-2": {"input_usd_per_mtok": 2.0}})
    m = apply_settings([discovered("databricks-gpt-5-2")], config)[0]
    assert m.input_dbu_per_mtok == pytest.approx(20.0)


def test_family_override_rederives_limits_api_and_traits() -> None:
    models = apply_settings([discovered("my-proxy")], settings(models={"my-proxy": {"family": "gemini"}}))
    m = models[0]
    assert m.family == "gemini" and m.returns_array_content
    assert m.context_window == family_for("databricks-gemini-2-5-pro").context_window


def test_custom_endpoint_is_added_as_a_config_model_without_price() -> None:
    models = apply_settings(
        [], settings(endpoints=[{"name": "my-finetune", "family": "llama", "context_window": 32000}])
    )
    m = only(models, "my-finetune")
    assert (m.source, m.family, m.api, m.context_window) == ("config", "llama", "chat", 32000)
    assert m.input_dbu_per_mtok == 0


def test_custom_pay_per_token_endpoint_keeps_family_api_and_price() -> None:
    models = apply_settings([], settings(endpoints=[{"name": "databricks-claude-opus-4-8"}]))
    m = models[0]
    assert (m.family, m.api) == ("claude", "messages") and m.input_dbu_per_mtok > 0


def test_custom_endpoint_with_a_discovered_name_acts_as_an_override() -> None:
    models = apply_settings(
        [discovered("databricks-gpt-5-2")],
        settings(endpoints=[{"name": "databricks-gpt-5-2", "max_output_tokens": 99}]),
    )
    assert len(models) == 1 and models[0].max_output_tokens == 99 and models[0].source == "foundation"


def test_override_for_a_model_the_workspace_lacks_is_ignored() -> None:
    models = apply_settings([discovered("databricks-gpt-5-2")], settings(models={"absent": {"api": "chat"}}))
    assert [m.id for m in models] == ["databricks-gpt-5-2"]
