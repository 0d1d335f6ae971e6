"""Fault injection: each kind is observable, consumed in order, filtered by model/path/scope."""

from __future__ import annotations

import time

from brickgate.emulator import EmulatorConfig, start_in_thread
from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import Reply, get, post

CHAT = "/serving-endpoints/chat/completions"
MODEL = "databricks-gpt-5-2"


def ask(emulator: EmulatorControl, model: str = MODEL, stream: bool = False) -> Reply:
    body = {"model": model, "messages": [{"role": "user", "content": "hello there friend"}], "stream": stream}
    return post(emulator.url + CHAT, body, emulator.token)


def test_429_with_retry_after(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "429", "retry_after": 2})
    reply = ask(emulator)
    assert (reply.status, reply.headers["retry-after"]) == (429, "2")
    assert reply.json()["error_code"] == "REQUEST_LIMIT_EXCEEDED"
    assert reply.json()["message"].startswith(f"Exceeded workspace QPS rate limit for {MODEL}.")


def test_429_without_retry_after(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "429", "retry_after": None})
    reply = ask(emulator)
    assert reply.status == 429 and "retry-after" not in reply.headers


def test_faults_are_consumed_in_order_then_requests_succeed(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "503"}, {"kind": "500", "count": 2})
    assert [ask(emulator).status for _ in range(4)] == [503, 500, 500, 200]


def test_502_uses_databricks_error_shape(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "502"})
    reply = ask(emulator)
    assert reply.status == 502 and reply.json()["error_code"] == "BAD_GATEWAY"


def test_model_filter_only_hits_that_endpoint(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "500", "model": "databricks-claude-sonnet-4-5"})
    assert ask(emulator).status == 200
    assert ask(emulator, "databricks-claude-sonnet-4-5").status == 500


def test_path_filter_only_hits_that_path(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "500", "path": "/serving-endpoints/responses"})
    assert ask(emulator).status == 200
    body = {"model": MODEL, "input": "hi"}
    assert post(emulator.url + "/serving-endpoints/responses", body, emulator.token).status == 500


def test_html_error_answers_an_html_page(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "html_error", "status": 504})
    reply = ask(emulator)
    assert reply.status == 504 and reply.headers["content-type"].startswith("text/html")
    assert reply.raw.startswith(b"<html>")


def test_slow_first_byte_delays_the_answer(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "slow_first_byte", "seconds": 0.4})
    started = time.monotonic()
    assert ask(emulator).status == 200
    assert time.monotonic() - started >= 0.4


def test_cut_stream_drops_the_connection_before_the_terminal_event(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "cut_stream", "after_events": 3})
    reply = ask(emulator, stream=True)
    assert reply.cut
    assert reply.raw.count(b"data: ") == 3
    assert b"[DONE]" not in reply.raw


def test_cut_stream_does_not_apply_to_non_streaming_requests(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "cut_stream", "after_events": 1})
    assert ask(emulator).status == 200
    assert ask(emulator, stream=True).cut


def test_malformed_sse_inserts_an_unparseable_event(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "malformed_sse"})
    events = [data for _, data in ask(emulator, stream=True).sse()]
    assert events[1].startswith('{"id": "chatcmpl-broken"')
    assert events[-1] == "[DONE]"


def test_listing_is_untouched_by_inference_faults(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "503"})
    assert get(emulator.url + "/api/2.0/serving-endpoints", emulator.token).status == 200
    assert emulator.stats()["faults_pending"] == 1


def test_scope_all_faults_hit_the_listing(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "429", "scope": "all", "retry_after": 1})
    assert get(emulator.url + "/api/2.0/serving-endpoints", emulator.token).status == 429


def test_reset_clears_pending_faults(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "500", "count": 5})
    emulator.reset()
    assert ask(emulator).status == 200


def test_failed_requests_are_recorded_with_their_status(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "429"})
    ask(emulator)
    assert [r["status"] for r in emulator.requests()] == [429]


def test_bad_fault_kind_is_refused_with_a_clear_message(emulator: EmulatorControl) -> None:
    reply = post(emulator.url + "/_emulator/faults", [{"kind": "explode"}])
    assert reply.status == 400 and "fault kind must be one of" in reply.json()["message"]


def test_without_ai_gateway_gateway_paths_are_404_invalid_path() -> None:
    with start_in_thread(EmulatorConfig(ai_gateway=False)) as emu:
        body = {"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}
        reply = post(emu.url + "/ai-gateway/mlflow/v1/chat/completions", body, emu.token)
        serving = post(emu.url + CHAT, body, emu.token)
    assert reply.status == 404
    assert reply.json() == {"error_code": "ENDPOINT_NOT_FOUND", "message": "Invalid path"}
    assert serving.status == 200


def test_unserved_gateway_path_is_404_invalid_path(emulator: EmulatorControl) -> None:
    reply = post(emulator.url + "/ai-gateway/open-responses", {"model": MODEL}, emulator.token)
    assert (reply.status, reply.json()["error_code"]) == (404, "ENDPOINT_NOT_FOUND")


def test_budget_block_is_a_429_that_names_the_budget_without_retry_after(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "budget_block"})
    reply = ask(emulator)
    assert (reply.status, reply.json()["error_code"]) == (429, "RESOURCE_EXHAUSTED")
    assert "budget" in reply.json()["message"] and "retry-after" not in reply.headers


def test_budget_block_status_can_be_chosen(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "budget_block", "status": 403})
    assert ask(emulator).status == 403


def test_guardrail_refusals_use_the_documented_texts(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "guardrail_input"}, {"kind": "guardrail_output"})
    first, second = ask(emulator).json(), ask(emulator).json()
    assert first == {
        "error_code": "BAD_REQUEST",
        "message": "Request blocked by input guardrail 'emulator-guardrail'.",
    }
    assert second["message"] == "Response blocked by output guardrail 'emulator-guardrail'."
