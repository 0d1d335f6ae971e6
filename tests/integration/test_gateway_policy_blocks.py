"""Workspace policies that refuse a request, and a rate limit that is really the request's own max_tokens.

- A budget with ``BLOCK_USAGE`` or a guardrail (research databricks-2026.md §3.2/§3.3: status and text
  UNCONFIRMED; api §2.10 has the guardrail texts) is reported as what it is, with what to do, never retried,
  and reaches gateway callers in their API's error shape (a budget block as 403, not a 429 to retry).
- Databricks reserves max_tokens against the model's output tokens per minute before admitting a request
  (2026 §3.1): the 429 for a huge max_tokens says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from brickgate.auth import Credentials
from brickgate.emulator.control_client import EmulatorControl
from brickgate.errors import UpstreamBlocked, UpstreamRateLimited
from brickgate.gateway.server import RunningGateway
from brickgate.protocol import Request
from brickgate.upstream import RetryPolicy
from brickgate.workspace import Workspace
from tests.cli_harness import output_of, run_cli
from tests.gateway_harness import DIALECTS, call, running_gateway
from tests.unit.quirks.upstream_http import CHAT_PATH, post

anthropic = pytest.importorskip("anthropic")
openai = pytest.importorskip("openai")

MODEL = "databricks-glm-5-3"
BIG_OUTPUT_MODEL = "databricks-deepseek-v4-1-flash-1017"  # 40,000 output tokens per minute, 384,000 cap
HI = [{"role": "user", "content": "hi"}]


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


@pytest.fixture
def workspace(emulator: EmulatorControl) -> Iterator[Workspace]:
    retry = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05)
    with Workspace(credentials=Credentials.pat(emulator.url, emulator.token), retry=retry) as ws:
        yield ws


def inference_calls(emulator: EmulatorControl) -> int:
    return len(emulator.requests())


# -- budgets ---------------------------------------------------------------------------------------


def test_a_blocking_budget_answers_with_a_429_that_names_it(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "budget_block"})
    answer = post(emulator, CHAT_PATH, {"model": MODEL, "messages": HI})
    assert answer.status == 429
    assert "budget" in answer.json()["message"]


def test_a_budget_block_is_reported_as_such_and_not_retried(
    workspace: Workspace, emulator: EmulatorControl
) -> None:
    emulator.fault({"kind": "budget_block", "count": 4})
    with pytest.raises(UpstreamBlocked) as err:
        workspace.complete_sync(MODEL, "hi")
    assert err.value.reason == "budget"
    assert "budget" in err.value.message and "raise the budget" in (err.value.hint or "")
    assert not isinstance(err.value, UpstreamRateLimited)
    assert inference_calls(emulator) == 1


@pytest.mark.parametrize("api", sorted(DIALECTS))
def test_gateway_callers_get_a_budget_block_as_a_403_in_their_shape(
    gateway: RunningGateway, emulator: EmulatorControl, api: str
) -> None:
    emulator.fault({"kind": "budget_block", "count": 4})
    dialect = DIALECTS[api]
    answer = call(gateway.url, "POST", dialect.path, dialect.request(MODEL, "hi", stream=True))
    assert answer.status == 403
    assert "retry-after" not in answer.headers
    error = answer.json()["error"]
    if api == "messages":
        assert (answer.json()["type"], error["type"]) == ("error", "permission_error")
    else:
        assert (error["type"], error["code"]) == ("permission_error", "budget_exceeded")
    assert "budget" in error["message"] and "raise the budget" in error["message"]
    assert inference_calls(emulator) == 1


def test_the_sdks_do_not_retry_a_budget_block(gateway: RunningGateway, emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "budget_block", "count": 10})
    oa = openai.OpenAI(base_url=gateway.url + "/v1", api_key="any", max_retries=2)
    with pytest.raises(openai.PermissionDeniedError):
        oa.chat.completions.create(model=MODEL, messages=HI)
    claude = anthropic.Anthropic(base_url=gateway.url, api_key="any", max_retries=2)
    with pytest.raises(anthropic.PermissionDeniedError):
        claude.messages.create(model=MODEL, max_tokens=100, messages=HI)
    assert inference_calls(emulator) == 2


def test_the_cli_says_what_a_budget_block_means(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "budget_block", "count": 4})
    env = {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}
    result = run_cli("run", "-m", "glm-5-3", "hi", env=env)
    assert result.returncode != 0
    out = output_of(result)
    assert "usage budget is exhausted" in out and "raise the budget" in out and "Traceback" not in out
    assert "retrying in" not in out.lower()  # no "Rate limited — retrying in Ns" notice


# -- guardrails ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "blocked", "hint"),
    [("guardrail_input", "request", "change the prompt"), ("guardrail_output", "answer", "Rephrase")],
)
def test_a_guardrail_refusal_is_reported_as_such_and_not_retried(
    workspace: Workspace, emulator: EmulatorControl, kind: str, blocked: str, hint: str
) -> None:
    emulator.fault({"kind": kind, "count": 4})
    with pytest.raises(UpstreamBlocked) as err:
        workspace.complete_sync(MODEL, "hi")
    assert err.value.reason == "guardrail" and err.value.status == 400
    assert f"blocked the {blocked} with a guardrail" in err.value.message
    assert "emulator-guardrail" in err.value.message and hint in (err.value.hint or "")
    assert inference_calls(emulator) == 1


@pytest.mark.parametrize("api", sorted(DIALECTS))
def test_gateway_callers_get_a_guardrail_refusal_as_a_400_in_their_shape(
    gateway: RunningGateway, emulator: EmulatorControl, api: str
) -> None:
    emulator.fault({"kind": "guardrail_input"})
    dialect = DIALECTS[api]
    answer = call(gateway.url, "POST", dialect.path, dialect.request(MODEL, "hi", stream=False))
    assert answer.status == 400
    error = answer.json()["error"]
    assert "Request blocked by input guardrail 'emulator-guardrail'" in error["message"]
    if api != "messages":
        assert error["code"] == "guardrail_blocked"


def test_a_thinking_budget_refusal_is_not_a_budget_block(
    workspace: Workspace, emulator: EmulatorControl
) -> None:
    # brickgate keeps a budget below max_tokens (quirks/reasoning_knobs.py): the refusal is injected
    refusal = "`max_tokens` must be greater than `thinking.budget_tokens`"
    emulator.fault({"kind": "400", "model": "databricks-claude-sonnet-4-5", "message": refusal})
    request = Request.of("databricks-claude-sonnet-4-5", "hi", max_tokens=1000, reasoning_budget=2000)
    with pytest.raises(Exception) as err:
        workspace.complete_sync("databricks-claude-sonnet-4-5", request)
    assert "budget_tokens" in str(err.value) and not isinstance(err.value, UpstreamBlocked)


# -- max_tokens reserved against the output-token limit ---------------------------------------------------


def test_a_huge_max_tokens_is_refused_at_once_with_a_429(emulator: EmulatorControl) -> None:
    answer = post(emulator, CHAT_PATH, {"model": BIG_OUTPUT_MODEL, "max_tokens": 100_000, "messages": HI})
    assert answer.status == 429
    assert "retry-after" not in answer.text.lower()


def test_the_429_for_a_huge_max_tokens_says_to_lower_it(workspace: Workspace) -> None:
    request = Request.of(BIG_OUTPUT_MODEL, "hi", max_tokens=100_000)
    with pytest.raises(UpstreamRateLimited) as err:
        workspace.complete_sync(BIG_OUTPUT_MODEL, request)
    hint = err.value.hint or ""
    assert "100,000" in hint and "output-tokens-per-minute" in hint and "lower max_tokens" in hint


@pytest.mark.parametrize("api", sorted(DIALECTS))
def test_gateway_callers_read_the_reservation_hint(gateway: RunningGateway, api: str) -> None:
    dialect = DIALECTS[api]
    body = dialect.request(BIG_OUTPUT_MODEL, "hi", stream=False)
    body["max_output_tokens" if api == "responses" else "max_tokens"] = 100_000
    answer = call(gateway.url, "POST", dialect.path, body)
    assert answer.status == 429
    assert "lower max_tokens" in answer.json()["error"]["message"]


def test_a_plain_rate_limit_with_a_small_max_tokens_gets_the_plain_hint(
    workspace: Workspace, emulator: EmulatorControl
) -> None:
    emulator.fault({"kind": "429", "count": 4})
    with pytest.raises(UpstreamRateLimited) as err:
        workspace.complete_sync(MODEL, Request.of(MODEL, "hi", max_tokens=1000))
    assert "max_tokens" not in (err.value.hint or "")
