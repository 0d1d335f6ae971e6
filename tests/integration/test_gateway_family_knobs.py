"""The per-family repairs of issue 13 through the gateway, read by the real SDKs: each caller's reasoning
knob reaches the model in the words it takes (and its thinking comes back), Codex's developer messages reach
Gemini as one system instruction, and Kimi K3's tool-call ids round-trip unchanged through every inbound API.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.server import RunningGateway
from tests import gemini_harness as g
from tests.gateway_harness import BASH_TOOL, call, running_gateway

anthropic = pytest.importorskip("anthropic")
openai = pytest.importorskip("openai")

THINK = "think about it, then say hi"
KIMI = "databricks-kimi-k3"
RUN = "run the command `echo hi`"


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


def anthropic_client(gateway: RunningGateway) -> Any:
    return anthropic.Anthropic(base_url=gateway.url, api_key="any", max_retries=0)


def openai_client(gateway: RunningGateway) -> Any:
    return openai.OpenAI(base_url=gateway.url + "/v1", api_key="any", max_retries=0)


def last_upstream_body(emulator: EmulatorControl) -> dict[str, Any]:
    body: dict[str, Any] = emulator.requests()[-1]["body"]
    return body


# -- reasoning knobs, translated ---------------------------------------------------------------------------


def test_claude_code_thinking_budget_reaches_chat_only_glm_as_an_effort_and_comes_back_as_thinking(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    message = anthropic_client(gateway).messages.create(
        model="databricks-glm-5-2",  # declares chat only: the Messages ask is translated
        max_tokens=4096,
        thinking={"type": "enabled", "budget_tokens": 2048},
        messages=[{"role": "user", "content": THINK}],
    )
    assert [block.type for block in message.content] == ["thinking", "text"]
    assert last_upstream_body(emulator)["reasoning_effort"] == "low"  # 2,048 tokens = low; GLM has it


def test_claude_code_max_effort_reaches_gemini_as_its_highest_effort(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    with anthropic_client(gateway).messages.stream(
        model="databricks-gemini-3-8-flash",
        max_tokens=4096,
        thinking={"type": "adaptive"},
        output_config={"effort": "max"},
        messages=[{"role": "user", "content": THINK}],
    ) as events:
        message = events.get_final_message()
    assert message.content[0].type == "thinking" and message.content[0].thinking
    sent = last_upstream_body(emulator)
    assert sent["reasoning_effort"] == "high" and "thinking" not in sent and "output_config" not in sent


def test_codex_with_gemini_sends_one_system_instruction_and_shows_reasoning_items(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    response = openai_client(gateway).responses.create(
        model="databricks-gemini-3-5-flash",
        reasoning={"effort": "xhigh", "summary": "auto"},
        input=[
            {"role": "developer", "content": "You are Codex."},
            {"role": "developer", "content": "Sandbox: workspace-write."},
            {"role": "user", "content": THINK},
        ],
    )
    assert [item.type for item in response.output] == ["reasoning", "message"]
    assert response.output[0].summary[0].text
    sent = last_upstream_body(emulator)
    assert sent["reasoning_effort"] == "high"  # Gemini 3.5 Flash: minimal … high
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]
    assert "You are Codex." in sent["messages"][0]["content"]
    assert "Sandbox: workspace-write." in sent["messages"][0]["content"]


def test_chat_reasoning_effort_reaches_older_claude_as_a_thinking_budget(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    done = openai_client(gateway).chat.completions.create(
        model="databricks-claude-sonnet-4-5",
        max_tokens=8192,
        reasoning_effort="medium",
        messages=[{"role": "user", "content": THINK}],
    )
    assert done.choices[0].message.model_extra["reasoning_content"]
    sent = last_upstream_body(emulator)
    assert sent["thinking"] == {"type": "enabled", "budget_tokens": 8191}  # medium = 8,192, below max_tokens
    assert "output_config" not in sent


def test_claude_code_budget_reaches_adaptive_only_claude_as_an_effort(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    message = anthropic_client(gateway).messages.create(
        model="databricks-claude-opus-5-5",
        max_tokens=20_000,
        thinking={"type": "enabled", "budget_tokens": 16_000},
        extra_body={"temperature": 1.0},
        messages=[{"role": "user", "content": THINK}],
    )
    assert message.content[0].type == "thinking"
    sent = last_upstream_body(emulator)
    assert sent["thinking"] == {"type": "adaptive"} and sent["output_config"] == {"effort": "medium"}
    assert "temperature" not in sent


# -- Kimi K3 tool-call ids, every inbound API ---------------------------------------------------------------


def _kimi_tool_message(emulator: EmulatorControl) -> dict[str, Any]:
    sent = last_upstream_body(emulator)
    return next(m for m in sent["messages"] if m["role"] == "tool")


def _answered_call_ids(emulator: EmulatorControl) -> list[str]:
    """The call ids the last upstream request answers, in whichever API it went (routing decides)."""
    sent = last_upstream_body(emulator)
    items = [i for key in ("messages", "input") if isinstance(sent.get(key), list) for i in sent[key]]
    blocks = [b for i in items if isinstance(i.get("content"), list) for b in i["content"]]
    answers = [
        x
        for x in (*items, *blocks)
        if isinstance(x, dict)
        and (x.get("role") == "tool" or x.get("type") in ("tool_result", "function_call_output"))
    ]
    return [str(x.get("tool_call_id") or x.get("tool_use_id") or x.get("call_id")) for x in answers]


def test_kimi_call_ids_round_trip_through_chat(gateway: RunningGateway, emulator: EmulatorControl) -> None:
    client = openai_client(gateway)
    tools = [{"type": "function", "function": BASH_TOOL}]
    history: list[Any] = [{"role": "user", "content": RUN}]
    first = client.chat.completions.create(model=KIMI, messages=history, tools=tools)
    call = first.choices[0].message.tool_calls[0]
    assert call.id == "functions.bash:0"
    history += [
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "hi"},
    ]
    second = client.chat.completions.create(model=KIMI, messages=history, tools=tools)
    assert second.choices[0].finish_reason == "stop"
    assert _kimi_tool_message(emulator) == {
        "role": "tool",
        "tool_call_id": "functions.bash:0",
        "content": "hi",
        "name": "bash",
    }


def test_kimi_call_ids_round_trip_through_responses(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    client = openai_client(gateway)
    tools = [{"type": "function", **BASH_TOOL}]
    first = client.responses.create(model=KIMI, input=RUN, tools=tools)
    call = next(item for item in first.output if item.type == "function_call")
    assert call.call_id == "functions.bash:0"
    replay = [
        {"role": "user", "content": RUN},
        {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
        {"type": "function_call_output", "call_id": call.call_id, "output": "hi"},
    ]
    second = client.responses.create(model=KIMI, input=replay, tools=tools)
    assert second.status == "completed"
    assert _answered_call_ids(emulator) == ["functions.bash:0"]


def test_kimi_call_ids_round_trip_through_messages(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    client = anthropic_client(gateway)
    tools = [
        {"name": "bash", "description": BASH_TOOL["description"], "input_schema": BASH_TOOL["parameters"]}
    ]
    history: list[Any] = [{"role": "user", "content": RUN}]
    first = client.messages.create(model=KIMI, max_tokens=1024, messages=history, tools=tools)
    use = next(block for block in first.content if block.type == "tool_use")
    assert use.id == "functions.bash:0"
    history += [
        {"role": "assistant", "content": [block.model_dump(exclude_none=True) for block in first.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "hi"}]},
    ]
    second = client.messages.create(model=KIMI, max_tokens=1024, messages=history, tools=tools)
    assert second.stop_reason == "end_turn"
    assert _answered_call_ids(emulator) == ["functions.bash:0"]


# -- Claude on Messages: server tools Databricks does not run ------------------------------------------------


def test_claude_code_web_search_tool_is_left_out_instead_of_failing(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    message = anthropic_client(gateway).messages.create(
        model="databricks-claude-sonnet-4-5",
        max_tokens=256,
        tools=[{"type": "web_search_20250305", "name": "web_search", "max_uses": 2}],
        messages=[{"role": "user", "content": "hi"}],
    )
    assert message.content[0].text.startswith("Hello from databricks-claude-sonnet-4-5")
    assert "tools" not in last_upstream_body(emulator)


# -- Gemini CLI's sampling defaults (temperature, topP, topK on every request) ---------------------------


@pytest.mark.parametrize("model", ["databricks-gemini-3-8-flash", "databricks-gpt-5-2"])
def test_gemini_cli_sampling_defaults_reach_models_that_refuse_them_without_them(
    gateway: RunningGateway, emulator: EmulatorControl, model: str
) -> None:
    body = g.request("say hi")
    body["generationConfig"] = {"temperature": 0, "topP": 1, "topK": 64}
    answer = call(gateway.url, "POST", g.path(model, "generateContent"), body)
    assert answer.status == 200, answer.body
    assert g.text(answer).startswith(f"Hello from {model}")
    sent = last_upstream_body(emulator)
    assert not {"temperature", "top_p", "topP", "topK"} & {*sent, *sent.get("generationConfig", {})}
