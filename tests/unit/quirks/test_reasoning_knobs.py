"""The reasoning-knob table (research databricks-2026.md §1.4) and the rewrite of each API's knob onto it."""

from __future__ import annotations

from typing import Any

import pytest

from brickgate.quirks.reasoning_knobs import (
    EFFORT_LADDER,
    FIT_REASONING_KNOBS,
    REASONING_KNOBS,
    effort_for_budget,
    nearest_effort,
)
from tests.unit.quirks.factory import model_named

THINK = [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize(
    ("endpoint", "style", "efforts"),
    [
        ("databricks-claude-sonnet-4-5", "budget", EFFORT_LADDER),
        ("databricks-claude-opus-4-6", "budget", EFFORT_LADDER),
        ("databricks-claude-opus-4-8", "adaptive", ("none", "low", "medium", "high", "xhigh", "max")),
        ("databricks-claude-sonnet-5", "adaptive", ("none", "low", "medium", "high", "xhigh", "max")),
        ("databricks-claude-opus-5-5", "adaptive", ("low", "medium", "high", "xhigh", "max")),
        ("databricks-claude-fable-5-1", "adaptive", ("low", "high", "max")),
        ("databricks-gpt-5-mini", "effort", ("minimal", "low", "medium", "high")),
        ("databricks-gpt-5-1", "effort", ("none", "low", "medium", "high")),
        ("databricks-gpt-5-2", "effort", ("none", "low", "medium", "high", "xhigh")),
        ("databricks-gpt-5-4-mini", "effort", ("none", "low", "medium", "high", "xhigh")),
        ("databricks-gpt-5-5-pro", "effort", ("medium", "high", "xhigh")),
        ("databricks-gpt-6-astra", "effort", ("low", "medium", "high", "xhigh", "max")),
        ("databricks-gemini-3-1-pro", "effort", ("minimal", "low", "medium", "high")),
        ("databricks-gemini-3-8-flash", "effort", ("low", "medium", "high")),
        ("databricks-glm-5-3", "effort", ("low", "high", "max")),
        ("databricks-kimi-k3", "effort", ("none", "low", "high", "max")),
        ("databricks-grok-4-6", "effort", ("low", "medium", "high", "xhigh")),
        ("system.ai.gpt-oss-120b", "effort", ("low", "medium", "high")),
    ],
)
def test_each_model_row_of_the_table(endpoint: str, style: str, efforts: tuple[str, ...]) -> None:
    knobs = REASONING_KNOBS.for_name(endpoint)
    assert knobs is not None and (knobs.style, knobs.efforts) == (style, efforts)


@pytest.mark.parametrize(
    "endpoint", ["databricks-gpt-5-2-codex", "databricks-gpt-5-1-codex-max", "databricks-deepseek-v4-1-flash"]
)
def test_models_without_a_row_keep_the_callers_knob(endpoint: str) -> None:
    assert REASONING_KNOBS.for_name(endpoint) is None
    body = {"model": endpoint, "reasoning_effort": "banana"}
    assert FIT_REASONING_KNOBS["chat"](body, model_named(endpoint)) is body


@pytest.mark.parametrize(
    ("asked", "accepted", "given"),
    [
        ("high", ("low", "high", "max"), "high"),
        ("medium", ("low", "high", "max"), "high"),  # a tie goes up
        ("none", ("low", "high", "max"), "low"),  # GLM cannot stop reasoning
        ("xhigh", ("minimal", "low", "medium", "high"), "high"),
        ("max", ("minimal", "low", "medium", "high"), "high"),
        ("minimal", ("none", "low", "medium", "high", "xhigh"), "low"),
        ("low", ("medium", "high", "xhigh"), "medium"),
        ("turbo", ("low", "high"), "high"),  # an unknown word counts as medium
    ],
)
def test_nearest_effort(asked: str, accepted: tuple[str, ...], given: str) -> None:
    assert nearest_effort(asked, accepted) == given


@pytest.mark.parametrize(
    ("budget", "effort"),
    [(500, "minimal"), (1024, "minimal"), (4000, "low"), (10_000, "medium"), (99_999, "max")],
)
def test_a_budget_stands_for_the_largest_effort_it_fits(budget: int, effort: str) -> None:
    assert effort_for_budget(budget) == effort


def fit(api: str, endpoint: str, **fields: Any) -> dict[str, Any]:
    body = {"model": endpoint, "messages": THINK, **fields}
    out: dict[str, Any] = FIT_REASONING_KNOBS[api](body, model_named(endpoint))  # type: ignore[index]
    return out


def test_claude_on_chat_takes_a_budget_for_an_effort() -> None:
    out = fit("chat", "databricks-claude-sonnet-4-5", max_tokens=32_000, reasoning_effort="high")
    assert "reasoning_effort" not in out
    assert out["thinking"] == {"type": "enabled", "budget_tokens": 16_384}


def test_claude_on_chat_without_max_tokens_gets_room_for_the_budget() -> None:
    out = fit("chat", "databricks-claude-sonnet-4-5", reasoning_effort="low")
    assert out["thinking"]["budget_tokens"] < out["max_tokens"]


def test_a_budget_that_cannot_fit_leaves_thinking_off() -> None:
    out = fit("messages", "databricks-claude-sonnet-4-6", max_tokens=800, thinking={"type": "adaptive"})
    assert "thinking" not in out and out["max_tokens"] == 800


def test_adaptive_claude_takes_an_effort_for_a_budget_and_keeps_output_format() -> None:
    fmt = {"type": "json_schema", "schema": {"type": "object"}}
    out = fit(
        "messages",
        "databricks-claude-opus-5-5",
        max_tokens=64_000,
        thinking={"type": "enabled", "budget_tokens": 20_000},
        output_config={"format": fmt},
    )
    assert out["thinking"] == {"type": "adaptive"}
    assert out["output_config"] == {"format": fmt, "effort": "high"}


def test_effort_none_turns_thinking_off_where_the_model_can() -> None:
    out = fit("chat", "databricks-claude-opus-4-8", reasoning_effort="none")
    assert not {"thinking", "reasoning_effort", "output_config"} & set(out)
    always = fit("chat", "databricks-claude-opus-5-5", reasoning_effort="none")
    assert always["thinking"] == {"type": "adaptive"} and always["output_config"] == {"effort": "low"}


def test_an_accepted_claude_knob_is_left_as_it_is() -> None:
    body = {"model": "m", "max_tokens": 4096, "thinking": {"type": "enabled", "budget_tokens": 2048}}
    assert FIT_REASONING_KNOBS["messages"](body, model_named("databricks-claude-sonnet-4-5")) is body


def test_gemini_on_chat_takes_reasoning_effort_for_adaptive_thinking() -> None:
    out = fit(
        "chat", "databricks-gemini-3-8-flash", thinking={"type": "adaptive"}, output_config={"effort": "max"}
    )
    assert out["reasoning_effort"] == "high"
    assert "thinking" not in out and "output_config" not in out


def test_responses_effort_is_fitted_and_other_reasoning_keys_kept() -> None:
    body = {"model": "m", "input": "hi", "reasoning": {"effort": "minimal", "summary": "auto"}}
    out = FIT_REASONING_KNOBS["responses"](body, model_named("databricks-gpt-5-5-pro"))
    assert out["reasoning"] == {"effort": "medium", "summary": "auto"}


def test_glm_on_messages_keeps_the_callers_thinking() -> None:
    body = {"model": "m", "max_tokens": 100, "thinking": {"type": "adaptive"}}
    assert FIT_REASONING_KNOBS["messages"](body, model_named("databricks-glm-5-3")) is body
