"""The real `google-genai` SDK (pinned 3.6.1) against a real `brickgate serve` subprocess + emulator:
generate, stream, count tokens, the model list and a function-calling round trip, for a Gemini 3 model
(relayed on the Gemini API) and for Claude, GPT and an open model (translated), on both API versions the
SDK speaks (its default v1, and v1beta as Gemini CLI uses); errors arrive as the SDK's typed errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.serve_process import Served, serving

genai = pytest.importorskip("google.genai")
pytestmark = pytest.mark.e2e
types = genai.types
errors = genai.errors

KEY = "genai-e2e-key-4b1d"
MODELS = [
    "databricks-gemini-3-5-flash",  # declares the Gemini API: relayed
    "databricks-claude-sonnet-4-5",
    "databricks-gpt-5-2",
    "databricks-meta-llama-3-3-70b-instruct",
]
SHELL = types.FunctionDeclaration(
    name="bash",
    description="Run a shell command and return its output.",
    parameters_json_schema={
        "type": "object",
        "properties": {"command": {"type": "string"}},
        "required": ["command"],
    },
)


@pytest.fixture(scope="module")
def served(emulator_server: Any) -> Iterator[Served]:
    with serving(emulator_server, env={"BRICKGATE_API_KEY": KEY}) as running:
        yield running


@pytest.fixture(params=["v1", "v1beta"])
def client(served: Served, request: pytest.FixtureRequest) -> Any:
    options = types.HttpOptions(base_url=served.url, api_version=request.param)
    return genai.Client(api_key=KEY, http_options=options)


@pytest.mark.parametrize("model", MODELS)
def test_generate_content(client: Any, emulator: Any, model: str) -> None:
    response = client.models.generate_content(model=model, contents="say hi")
    assert response.text.startswith(f"Hello from {model}")
    assert response.candidates[0].finish_reason == types.FinishReason.STOP
    assert response.usage_metadata.prompt_token_count > 0
    assert response.usage_metadata.candidates_token_count > 0


@pytest.mark.parametrize("model", MODELS)
def test_generate_content_stream(client: Any, emulator: Any, model: str) -> None:
    chunks = list(client.models.generate_content_stream(model=model, contents="say hi"))
    assert len(chunks) > 1
    assert "".join(c.text or "" for c in chunks).startswith(f"Hello from {model}")
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
    assert chunks[-1].usage_metadata.total_token_count > 0


def test_count_tokens(client: Any, emulator: Any) -> None:
    counted = client.models.count_tokens(model="databricks-claude-sonnet-4-5", contents="x" * 4000)
    assert 1000 <= counted.total_tokens <= 1010
    assert emulator.requests() == []


def test_models_list_and_get(client: Any, emulator: Any) -> None:
    names = {m.name for m in client.models.list()}
    assert {f"models/{m}" for m in MODELS} <= names
    model = client.models.get(model="databricks-gemini-3-5-flash")
    assert model.name == "models/databricks-gemini-3-5-flash"
    assert model.input_token_limit > 0 and model.output_token_limit > 0
    assert "generateContent" in model.supported_actions


@pytest.mark.parametrize("model", MODELS)
def test_function_calling_round_trip(client: Any, emulator: Any, model: str) -> None:
    config = types.GenerateContentConfig(
        tools=[types.Tool(function_declarations=[SHELL])],
        automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
    )
    question = types.Content(role="user", parts=[types.Part.from_text(text="please run the marker command")])
    first = client.models.generate_content(model=model, contents=[question], config=config)
    (call,) = first.function_calls
    assert (call.name, call.args) == ("bash", {"command": "echo brickgate-tool-ok"})
    output = f"brickgate-tool-ok via google-genai to {model}"
    answer = types.Part.from_function_response(name=call.name, response={"output": output})
    turns = [question, first.candidates[0].content, types.Content(role="user", parts=[answer])]
    second = client.models.generate_content(model=model, contents=turns, config=config)
    assert output in second.text
    if model.startswith("databricks-gemini-3"):  # the signature went out and came back as bytes
        assert first.candidates[0].content.parts[0].thought_signature


def test_an_unknown_model_is_a_typed_404(client: Any, emulator: Any) -> None:
    with pytest.raises(errors.ClientError) as raised:
        client.models.generate_content(model="databricks-claude-sonet-4-5", contents="hi")
    assert (raised.value.code, raised.value.status) == (404, "NOT_FOUND")
    assert "databricks-claude-sonnet-4-5" in raised.value.message


def test_a_wrong_key_is_a_typed_401(served: Served, emulator: Any) -> None:
    wrong = genai.Client(api_key="not-the-key", http_options=types.HttpOptions(base_url=served.url))
    with pytest.raises(errors.ClientError) as raised:
        wrong.models.generate_content(model="databricks-gemini-3-5-flash", contents="hi")
    assert (raised.value.code, raised.value.status) == (401, "UNAUTHENTICATED")
    assert emulator.requests() == []


def test_the_workspaces_refusal_is_a_typed_400(client: Any, emulator: Any) -> None:
    emulator.fault({"kind": "400", "message": "Bad request: the prompt is too long."})
    with pytest.raises(errors.ClientError) as raised:
        client.models.generate_content(model="databricks-meta-llama-3-3-70b-instruct", contents="hi")
    assert (raised.value.code, raised.value.status) == (400, "INVALID_ARGUMENT")
    assert "the prompt is too long" in raised.value.message


def test_rate_limits_are_a_typed_429(client: Any, emulator: Any) -> None:
    emulator.fault({"kind": "429", "retry_after": 9, "count": 5})
    with pytest.raises(errors.ClientError) as raised:
        client.models.generate_content(model="databricks-gemini-3-5-flash", contents="hi")
    assert (raised.value.code, raised.value.status) == (429, "RESOURCE_EXHAUSTED")


@pytest.mark.parametrize(
    ("model", "events"), [("databricks-gemini-3-5-flash", 2), ("databricks-claude-sonnet-4-5", 5)]
)
def test_a_stream_cut_upstream_is_a_typed_server_error(
    client: Any, emulator: Any, model: str, events: int
) -> None:
    emulator.fault({"kind": "cut_stream", "after_events": events})  # after the first text
    received: list[str] = []
    with pytest.raises(errors.ServerError) as raised:
        for chunk in client.models.generate_content_stream(model=model, contents="say hi"):
            received.append(chunk.text or "")
    assert raised.value.code == 502 and raised.value.status == "UNAVAILABLE"
    assert received  # what arrived before the cut reached the caller
