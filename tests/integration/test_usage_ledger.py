"""The usage ledger through `brickgate serve`: every request recorded once, with exactly the usage the
upstream returned (read from the upstream's own bytes by a tap in front of the emulator), by two gateway
processes writing one ledger at the same time, and reported by `brickgate usage`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from brickgate.emulator.control_client import EmulatorControl
from brickgate.ledger import ledger_path
from tests.cli_harness import output_of, run_cli
from tests.e2e.agents_harness import GATEWAY_KEY, start_serve
from tests.gateway_harness import FAMILY_MODELS, Chat, call, running_gateway
from tests.ledger_harness import ledger_rows, traffic, usage_json, wait_for_rows
from tests.usage_tap import UsageTap

KEYED = {"authorization": f"Bearer {GATEWAY_KEY}"}


def _expected_usd(models: list[dict[str, Any]], by_model: dict[str, dict[str, int]]) -> float:
    """List price x the tokens the upstream reported, per model (cache rates fall back to the input rate)."""
    prices = {m["id"]: m for m in models}
    total = 0.0
    for model, tokens in by_model.items():
        p = prices[model]
        read = p["cache_read_dbu_per_mtok"] or p["input_dbu_per_mtok"]
        write = p["cache_write_dbu_per_mtok"] or p["input_dbu_per_mtok"]
        uncached = tokens["input"] - tokens["cache_read"] - tokens["cache_write"]
        dbu = (
            uncached * p["input_dbu_per_mtok"]
            + tokens["output"] * p["output_dbu_per_mtok"]
            + tokens["cache_read"] * read
            + tokens["cache_write"] * write
        ) / 1e6
        total += dbu * p["usd_per_dbu"]
    return total


@pytest.mark.slow
def test_usage_matches_the_upstreams_usage_across_two_gateway_processes(
    emulator: EmulatorControl, isolated_env: Path
) -> None:
    with UsageTap(emulator.url) as tap:
        gateways = [start_serve(tap.url, emulator.token, isolated_env) for _ in range(2)]
        try:
            answers = traffic(gateways[0].url, {**KEYED, "user-agent": "claude-cli/9.9.9 (test)"})
            answers += traffic(gateways[1].url, {**KEYED, "x-brickgate-agent": "ledger-test/1.0"})
        finally:
            for gateway in gateways:
                gateway.stop()  # Ctrl-C: the ledger thread writes what is still queued
        upstream = tap.totals()
        per_model = _upstream_by_model(tap)

    assert [a.status for a in answers] == [200] * len(answers)
    assert upstream.requests == len(answers)
    report = usage_json()
    totals = report["totals"]
    recorded_input = totals["input_tokens"] + totals["cache_read_tokens"] + totals["cache_write_tokens"]
    assert (totals["requests"], totals["errors"]) == (upstream.requests, 0)
    assert recorded_input == upstream.input_tokens
    assert totals["output_tokens"] == upstream.output_tokens
    assert (totals["cache_read_tokens"], totals["cache_write_tokens"]) == (
        upstream.cache_read_tokens,
        upstream.cache_write_tokens,
    )
    assert upstream.cache_read_tokens and upstream.cache_write_tokens  # Claude's prompt cache was exercised

    by_model = {g["key"]: g for g in usage_json("--by", "model")["groups"]}
    assert set(by_model) == set(per_model)
    for model, tokens in per_model.items():
        g = by_model[model]
        assert g["input_tokens"] + g["cache_read_tokens"] + g["cache_write_tokens"] == tokens["input"], model
        assert g["output_tokens"] == tokens["output"], model
    listed = json.loads(run_cli("models", "--json", env=_workspace_env(emulator)).stdout)
    assert totals["cost_usd"] == pytest.approx(_expected_usd(listed, per_model), rel=1e-9)

    agents = {g["key"]: g["requests"] for g in usage_json("--by", "agent")["groups"]}
    assert agents == {"claude-code": len(answers) // 2, "ledger-test": len(answers) // 2}
    routes = {row["route"] for row in ledger_rows(isolated_env)}
    assert routes == {"fast", "translated"}


def _upstream_by_model(tap: UsageTap) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for a in tap.answers:
        slot = found.setdefault(a.model, {"input": 0, "output": 0, "cache_read": 0, "cache_write": 0})
        slot["input"] += a.input_tokens
        slot["output"] += a.output_tokens
        slot["cache_read"] += a.cache_read_tokens
        slot["cache_write"] += a.cache_write_tokens
    return found


def _workspace_env(emulator: EmulatorControl) -> dict[str, str]:
    return {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}


def test_usage_groups_by_status_and_shows_failures(emulator: EmulatorControl, isolated_env: Path) -> None:
    emulator.fault({"kind": "400", "model": FAMILY_MODELS["llama"]})
    with running_gateway(emulator.url, emulator.token) as gw:
        ok = call(gw.url, "POST", Chat.path, Chat().request(FAMILY_MODELS["gpt-oss"], "hi", stream=False))
        refused = call(gw.url, "POST", Chat.path, Chat().request(FAMILY_MODELS["llama"], "hi", stream=False))
        unknown = call(gw.url, "POST", Chat.path, Chat().request("no-such-model", "hi", stream=False))
        wait_for_rows(isolated_env, 3)
    assert (ok.status, refused.status, unknown.status) == (200, 400, 404)
    report = usage_json("--by", "status")
    assert {g["key"]: g["requests"] for g in report["groups"]} == {"200": 1, "400": 1, "404": 1}
    assert report["totals"]["errors"] == 2
    assert report["totals"]["error_rate"] == pytest.approx(2 / 3)


def test_usage_table_and_csv_agree_with_json(emulator: EmulatorControl, isolated_env: Path) -> None:
    with running_gateway(emulator.url, emulator.token) as gw:
        traffic(gw.url, families=["claude", "llama"])
        wait_for_rows(isolated_env, 12)
    table = run_cli("usage", "--by", "model")
    assert table.returncode == 0, output_of(table)
    assert "databricks-claude-sonnet-4-5" in table.stdout and "total" in table.stdout
    assert "daily spend" in table.stdout and "█" in table.stdout
    rows = list(csv.DictReader(io.StringIO(run_cli("usage", "--csv").stdout)))
    report = usage_json()
    assert rows[-1]["model"] == "total"
    assert int(rows[-1]["requests"]) == report["totals"]["requests"] == 12
    assert int(rows[-1]["output_tokens"]) == report["totals"]["output_tokens"]
    assert [r["model"] for r in rows[:-1]] == [g["key"] for g in report["groups"]]


def test_usage_before_anything_was_recorded_says_so() -> None:
    result = run_cli("usage")
    assert result.returncode == 0, output_of(result)
    assert "No requests recorded since" in result.stdout
    assert usage_json()["totals"]["requests"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "last week"), "--since 'last week' is neither a duration nor a date"),
        (("--by", "colour"), "--by 'colour' is not a grouping"),
        (("--json", "--csv"), "--json and --csv cannot be combined"),
    ],
)
def test_usage_bad_options_are_clear_errors(args: tuple[str, ...], message: str) -> None:
    result = run_cli("usage", *args)
    assert result.returncode == 1
    # with --json the error is a JSON object on stdout, as for every --json command
    where = json.loads(result.stdout)["error"]["message"] if "--json" in args else result.stderr
    assert message in where and "Traceback" not in output_of(result)


def test_a_corrupt_ledger_makes_usage_say_what_to_do(isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True)
    ledger_path(isolated_env).write_bytes(b"garbage" * 1000)
    result = run_cli("usage")
    assert result.returncode == 1
    assert "not a ledger file" in result.stderr and "Move the file away" in result.stderr
    assert "Traceback" not in output_of(result)


def test_usage_command_is_registered_with_help() -> None:
    result = run_cli("usage", "--help")
    assert result.returncode == 0 and "--since" in result.stdout and "--by" in result.stdout
