"""The library against the emulator over real HTTP: every family, streaming or not, tools, retries, faults."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from brickgate import (
    CredentialsRejected,
    ModelNotFound,
    Request,
    StreamInterrupted,
    TextDelta,
    Tool,
    ToolResultPart,
    UpstreamRateLimited,
    UpstreamRejected,
    UpstreamUnavailable,
    Workspace,
)
from brickgate.auth import Credentials
from brickgate.emulator import EmulatorConfig, start_in_thread
from brickgate.emulator.control_client import EmulatorControl
from brickgate.protocol import Message
from brickgate.upstream import RetryPolicy

FAMILY_MODELS = {
    "claude": "databricks-claude-sonnet-4-5",
    "gpt": "databricks-gpt-5-2",
    "codex": "databricks-gpt-5-1-codex-max",
    "gemini": "databricks-gemini-2-5-pro",
    "gemini3": "databricks-gemini-3-pro",
    "llama": "databricks-meta-llama-3-3-70b-instruct",
    "qwen": "databricks-qwen3-next-80b-a3b-instruct",
    "gpt-oss": "databricks-gpt-oss-120b",
    "gemma": "databricks-gemma-3-12b",
    "external": "my-openai-proxy",
    "custom": "my-custom-chat",
}
BASH = Tool(
    name="bash",
    description="Run a shell command",
    parameters={"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]},
)
FAST_RETRY = RetryPolicy(base_delay=0.05, max_delay=0.2, max_total_seconds=10)


@pytest.fixture
def ws(emulator: EmulatorControl) -> Iterator[Workspace]:
    workspace = Workspace(credentials=Credentials.pat(emulator.url, emulator.token), retry=FAST_RETRY)
    yield workspace
    workspace.close()


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "json"])
@pytest.mark.parametrize("family", sorted(FAMILY_MODELS))
def test_every_family_answers(ws: Workspace, family: str, stream: bool) -> None:
    done = ws.complete_sync(FAMILY_MODELS[family], "Hello there", stream=stream)
    assert done.text.startswith(f"Hello from {FAMILY_MODELS[family]}")
    assert done.response.finish_reason == "stop"
    assert done.usage.output_tokens > 0


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "json"])
@pytest.mark.parametrize("family", sorted(FAMILY_MODELS))
def test_every_family_completes_a_two_turn_tool_round_trip(ws: Workspace, family: str, stream: bool) -> None:
    model = FAMILY_MODELS[family]
    first = Request.of(model, "Please run the marker command", tools=(BASH,))
    asked = ws.complete_sync(model, first, stream=stream)
    assert asked.response.finish_reason == "tool-calls"
    (call,) = asked.response.tool_calls
    assert call.name == "bash"
    assert "echo brickgate-tool-ok" in call.arguments

    result = Message(
        role="tool", parts=(ToolResultPart(tool_call_id=call.id, content="brickgate-tool-ok\n"),)
    )
    second = Request(model=model, messages=(*first.messages, asked.response.message, result), tools=(BASH,))
    answered = ws.complete_sync(model, second, stream=stream)
    assert "brickgate-tool-ok" in answered.text
    assert answered.response.finish_reason == "stop"


def test_model_routes_to_its_family_api(ws: Workspace) -> None:
    apis = {family: ws.model(name).api for family, name in FAMILY_MODELS.items()}
    assert apis["claude"] == "messages"
    assert apis["gpt"] == apis["codex"] == "responses"
    assert {apis[f] for f in ("gemini", "llama", "qwen", "gpt-oss", "gemma", "custom")} == {"chat"}


def test_streaming_yields_text_as_it_arrives(ws: Workspace) -> None:
    deltas = [e for e in ws.stream_sync(FAMILY_MODELS["llama"], "Hi")]
    texts = [e.text for e in deltas if isinstance(e, TextDelta)]
    assert len(texts) > 1  # several chunks, not one buffered blob
    assert "".join(texts).startswith("Hello from")


def test_repairs_applied_are_reported(ws: Workspace) -> None:
    done = ws.complete_sync(FAMILY_MODELS["gemini"], "Hi", stream=True)
    assert "drop_stream_options" in done.repairs
    assert "flatten_array_content" in done.repairs


def test_cost_comes_from_usage_and_list_prices(ws: Workspace) -> None:
    done = ws.complete_sync(FAMILY_MODELS["claude"], "Hi")
    m = done.model
    expected = (
        done.usage.input_tokens * m.input_dbu_per_mtok
        + done.usage.output_tokens * m.output_dbu_per_mtok
        + done.usage.cache_read_tokens * m.cache_read_dbu_per_mtok
        + done.usage.cache_write_tokens * m.cache_write_dbu_per_mtok
    ) / 1e6
    assert done.cost.dbu == pytest.approx(expected)
    assert done.cost.usd == pytest.approx(expected * 0.07)
    assert done.cost.usd > 0


@pytest.mark.parametrize("retry_after", [1, None], ids=["retry-after", "no-retry-after"])
def test_rate_limit_is_retried_within_budget(
    ws: Workspace, emulator: EmulatorControl, retry_after: int | None
) -> None:
    emulator.fault({"kind": "429", "retry_after": retry_after, "count": 2})
    seen = []
    done = ws.complete_sync(FAMILY_MODELS["gpt"], "Hi", on_retry=seen.append)
    assert done.text.startswith("Hello from")
    assert [n.status for n in seen] == [429, 429]
    if retry_after:
        assert all(n.delay == retry_after for n in seen)


def test_rate_limit_beyond_budget_raises_with_retry_after(emulator: EmulatorControl) -> None:
    tight = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.01)
    emulator.fault({"kind": "429", "retry_after": None, "count": 5})
    creds = Credentials.pat(emulator.url, emulator.token)
    with Workspace(credentials=creds, retry=tight) as ws, pytest.raises(UpstreamRateLimited) as err:
        ws.complete_sync(FAMILY_MODELS["llama"], "Hi")
    assert err.value.status == 429
    assert err.value.error_code == "REQUEST_LIMIT_EXCEEDED"


def test_stream_cut_midway_raises_and_is_not_retried(ws: Workspace, emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "cut_stream", "after_events": 3})
    with pytest.raises(StreamInterrupted) as err:
        list(ws.stream_sync(FAMILY_MODELS["claude"], "Hello there"))
    assert "stopped mid-answer" in err.value.message or "broke off" in err.value.message
    inference = [r for r in emulator.requests() if "messages" in r["path"]]
    assert len(inference) == 1


def test_unknown_model_suggests_close_matches(ws: Workspace) -> None:
    with pytest.raises(ModelNotFound) as err:
        ws.model("claude-sonet-4-5")
    assert "databricks-claude-sonnet-4-5" in err.value.suggestions


def test_rejected_token_is_a_credentials_error(emulator: EmulatorControl) -> None:
    with Workspace(credentials=Credentials.pat(emulator.url, emulator.token)) as ws:
        model = ws.model(FAMILY_MODELS["llama"])  # listing works with the good token
    bad_creds = Credentials.pat(emulator.url, "dapi-wrong")
    with Workspace(credentials=bad_creds) as bad, pytest.raises(CredentialsRejected):
        asyncio.run(bad.complete(model, "Hi"))


def test_workspace_without_ai_gateway_falls_back_to_serving_endpoints() -> None:
    with (
        start_in_thread(EmulatorConfig(ai_gateway=False)) as emu,
        Workspace(credentials=Credentials.pat(emu.url, emu.token)) as ws,
    ):
        first = ws.complete_sync(FAMILY_MODELS["gpt"], "Hi")
        second = ws.complete_sync(FAMILY_MODELS["claude"], "Hi")
    assert first.surface == second.surface == "serving-endpoints"
    assert first.text.startswith("Hello from")


def test_ai_gateway_is_preferred_when_present(ws: Workspace, emulator: EmulatorControl) -> None:
    done = ws.complete_sync(FAMILY_MODELS["claude"], "Hi")
    assert done.surface == "ai-gateway"
    paths = [r["path"] for r in emulator.requests()]
    assert "/ai-gateway/anthropic/v1/messages" in paths


def test_forced_surface_is_honoured(emulator: EmulatorControl) -> None:
    creds = Credentials.pat(emulator.url, emulator.token)
    with Workspace(credentials=creds, surface="serving-endpoints") as ws:
        done = ws.complete_sync(FAMILY_MODELS["gpt"], "Hi")
    assert done.surface == "serving-endpoints"
    assert [r["path"] for r in emulator.requests()] == ["/serving-endpoints/responses"]


def test_config_can_send_claude_over_chat_completions(emulator: EmulatorControl, isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True, exist_ok=True)
    (isolated_env / "config.toml").write_text('[models."databricks-claude-sonnet-4-5"]\napi = "chat"\n')
    with Workspace(credentials=Credentials.pat(emulator.url, emulator.token)) as ws:
        model = FAMILY_MODELS["claude"]
        first = Request.of(model, "Please run the marker command", tools=(BASH,))
        asked = ws.complete_sync(model, first, stream=True)
        (call,) = asked.response.tool_calls
        result = Message(
            role="tool", parts=(ToolResultPart(tool_call_id=call.id, content="brickgate-tool-ok"),)
        )
        second = Request(
            model=model, messages=(*first.messages, asked.response.message, result), tools=(BASH,)
        )
        answered = ws.complete_sync(model, second, stream=True)
    assert asked.api == answered.api == "chat"
    assert "brickgate-tool-ok" in answered.text
    chat_calls = [r for r in emulator.requests() if r["path"].endswith("chat/completions")]
    assert len(chat_calls) == 2
    replayed = chat_calls[1]["body"]["messages"][1]
    assert replayed.get("content") != ""  # Claude refuses empty text next to tool calls


def claude_request_bodies(emulator: EmulatorControl, isolated_env: Path, config: str) -> list[str]:
    """What Claude's endpoint received for one request with a system prompt, under ``config``."""
    isolated_env.mkdir(parents=True, exist_ok=True)
    (isolated_env / "config.toml").write_text(config)
    with Workspace(credentials=Credentials.pat(emulator.url, emulator.token)) as ws:
        model = FAMILY_MODELS["claude"]
        done = ws.complete_sync(model, Request.of(model, "Hi", system="You are terse."))
    assert done.text
    return [str(r["body"]) for r in emulator.requests()]


def test_claude_gets_cache_breakpoints_by_default(emulator: EmulatorControl, isolated_env: Path) -> None:
    (body,) = claude_request_bodies(emulator, isolated_env, "")
    assert "cache_control" in body


def test_a_config_override_of_prompt_caching_changes_what_is_sent(
    emulator: EmulatorControl, isolated_env: Path
) -> None:
    config = '[models."databricks-claude-sonnet-4-5"]\nsupports_prompt_caching = false\n'
    (body,) = claude_request_bodies(emulator, isolated_env, config)
    assert "cache_control" not in body


def test_two_workspaces_do_not_share_what_answers_taught_them(emulator: EmulatorControl) -> None:
    creds = Credentials.pat(emulator.url, emulator.token)
    model = FAMILY_MODELS["gemini3"]
    first = Request.of(model, "Please run the marker command", tools=(BASH,))
    with Workspace(credentials=creds) as mine, Workspace(credentials=creds) as other:
        asked = mine.complete_sync(model, first)
        (call,) = asked.response.tool_calls
        result = Message(role="tool", parts=(ToolResultPart(tool_call_id=call.id, content="ok"),))
        second = Request(
            model=model, messages=(*first.messages, asked.response.message, result), tools=(BASH,)
        )
        # Gemini 3's signature came back in the answer's content array; only `mine` saw that answer.
        with pytest.raises(UpstreamRejected, match="missing a thought_signature"):
            other.complete_sync(model, second)
        assert mine.complete_sync(model, second).text


def test_one_workspace_serves_several_event_loops(ws: Workspace) -> None:
    """Scripts call asyncio.run more than once, and mix it with the sync helpers."""
    model = FAMILY_MODELS["llama"]
    first = asyncio.run(ws.complete(model, "Hi"))
    second = asyncio.run(ws.complete(model, "Hi"))
    third = ws.complete_sync(model, "Hi")
    fourth = asyncio.run(ws.complete(model, "Hi"))
    assert all(d.text.startswith("Hello from") for d in (first, second, third, fourth))


def test_a_200_answer_that_is_not_json_is_an_upstream_error(ws: Workspace, emulator: EmulatorControl) -> None:
    model = ws.model(FAMILY_MODELS["llama"])
    emulator.fault({"kind": "html_error", "status": 200})
    with pytest.raises(UpstreamUnavailable) as err:
        ws.complete_sync(model, "Hi")
    assert "not JSON" in err.value.message
    assert err.value.hint


def _refuse_temperature_once(emulator: EmulatorControl) -> Request:
    refusal = 'Bad request: json: unknown field "temperature"'
    emulator.fault({"kind": "400", "model": FAMILY_MODELS["custom"], "message": refusal})
    return Request.of(FAMILY_MODELS["custom"], "Hi", temperature=0.2)


def test_a_refused_field_is_dropped_and_the_request_retried_once(
    ws: Workspace, emulator: EmulatorControl
) -> None:
    request = _refuse_temperature_once(emulator)
    done = ws.complete_sync(FAMILY_MODELS["custom"], request)
    assert done.text.startswith("Hello from")
    assert "drop_unknown_field:temperature" in done.repairs
    bodies = [r["body"] for r in emulator.requests()]
    assert ["temperature" in b for b in bodies] == [True, False]


def test_a_refused_field_is_not_sent_again_to_that_model(ws: Workspace, emulator: EmulatorControl) -> None:
    request = _refuse_temperature_once(emulator)
    ws.complete_sync(FAMILY_MODELS["custom"], request)
    again = ws.complete_sync(FAMILY_MODELS["custom"], request)
    assert "drop_unknown_field:temperature" in again.repairs
    bodies = [r["body"] for r in emulator.requests()]
    assert len(bodies) == 3  # the refusal, its retry, then one request: no second refusal to pay for
    assert "temperature" not in bodies[2]


def test_leaving_an_async_with_stream_early_closes_the_upstream_answer(
    ws: Workspace, emulator: EmulatorControl
) -> None:
    emulator.fault({"kind": "long_stream", "repeat": 500, "seconds": 0.02})  # a stream of 10+ s

    async def run() -> tuple[int, int]:
        async with ws.stream(FAMILY_MODELS["llama"], "Hi") as events:
            async for event in events:
                if isinstance(event, TextDelta):
                    break
            during = ws._upstream.transport.pool_stats()["in_use"]
        return during, ws._upstream.transport.pool_stats()["in_use"]

    during, after = asyncio.run(run())
    assert (during, after) == (1, 0)


def test_a_stream_opened_without_keeping_the_response_still_reports_usage(ws: Workspace) -> None:
    from brickgate import UsageReport

    async def run() -> list[object]:
        events = await ws.stream(FAMILY_MODELS["claude"], "Hi", keep_response=False)
        seen = [e async for e in events]
        with pytest.raises(RuntimeError, match="keep_response"):
            events.completion()
        return seen

    seen = asyncio.run(run())
    assert any(isinstance(e, TextDelta) for e in seen)
    assert any(isinstance(e, UsageReport) and e.usage.output_tokens > 0 for e in seen)
