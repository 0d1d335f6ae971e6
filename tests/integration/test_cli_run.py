"""`brickgate run` and `brickgate chat` as real subprocesses against the emulator."""

from __future__ import annotations

import json
import sys

import pexpect

from brickgate.emulator.control_client import EmulatorControl
from tests.cli_harness import CLI, output_of, run_cli


def env_for(emulator: EmulatorControl) -> dict[str, str]:
    return {"DATABRICKS_HOST": emulator.url, "DATABRICKS_TOKEN": emulator.token}


def test_run_streams_the_answer_to_stdout(emulator: EmulatorControl) -> None:
    result = run_cli("run", "-m", "claude-sonnet-4-5", "Hello there", env=env_for(emulator))
    assert result.returncode == 0, output_of(result)
    assert result.stdout.strip() == "Hello from databricks-claude-sonnet-4-5 (claude)! You said: Hello there"
    assert "via messages" in result.stderr


def test_run_json_reports_text_usage_cost_model_api_surface(emulator: EmulatorControl) -> None:
    result = run_cli("run", "-m", "databricks/gemini-2-5-pro", "--json", "Hi", env=env_for(emulator))
    assert result.returncode == 0, output_of(result)
    doc = json.loads(result.stdout)
    assert doc["text"].startswith("Hello from databricks-gemini-2-5-pro")
    assert doc["model"] == "databricks-gemini-2-5-pro"
    assert doc["api"] == "chat"
    assert doc["surface"] in ("ai-gateway", "serving-endpoints")
    assert doc["usage"]["output_tokens"] > 0
    assert doc["cost"]["usd"] > 0
    assert "flatten_array_content" in doc["repairs"]
    assert emulator.token not in result.stdout + result.stderr


def test_run_reads_the_prompt_from_stdin_with_dash(emulator: EmulatorControl) -> None:
    result = run_cli("run", "-m", "gpt-5-2", "-", env=env_for(emulator), stdin="from a pipe")
    assert result.returncode == 0, output_of(result)
    assert "You said: from a pipe" in result.stdout


def test_run_system_prompt_and_max_tokens_reach_the_upstream(emulator: EmulatorControl) -> None:
    result = run_cli(
        "run",
        "-m",
        "gpt-oss-120b",
        "--system",
        "Be terse.",
        "--max-tokens",
        "50",
        "Hi",
        env=env_for(emulator),
    )
    assert result.returncode == 0, output_of(result)
    (sent,) = [r["body"] for r in emulator.requests() if r["path"].endswith("chat/completions")]
    assert sent["messages"][0] == {"role": "system", "content": "Be terse."}
    assert sent["max_tokens"] == 50


def test_run_unknown_model_says_did_you_mean(emulator: EmulatorControl) -> None:
    result = run_cli("run", "-m", "claude-sonet-4-5", "Hi", env=env_for(emulator))
    assert result.returncode == 1
    assert "did you mean databricks-claude-sonnet-4-5" in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_run_shows_rate_limit_retries(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "429", "retry_after": 1, "count": 1})
    result = run_cli("run", "-m", "meta-llama-3-3-70b-instruct", "Hi", env=env_for(emulator))
    assert result.returncode == 0, output_of(result)
    assert "Rate limited by provider — retrying in 1s (attempt 2)" in result.stderr


def test_run_reports_a_cut_stream_without_traceback(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "cut_stream", "after_events": 2})
    result = run_cli("run", "-m", "gemma-3-12b", "Hello there", env=env_for(emulator))
    assert result.returncode == 1
    assert "incomplete" in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_run_empty_prompt_is_refused(emulator: EmulatorControl) -> None:
    result = run_cli("run", "-m", "gemma-3-12b", "-", env=env_for(emulator), stdin="   ")
    assert result.returncode == 1
    assert "prompt is empty" in result.stderr


def test_chat_from_a_stdin_script_keeps_history_and_switches_models(emulator: EmulatorControl) -> None:
    script = "Hello there\n/model gpt-5-2\nSecond question\n/clear\n/exit\n"
    result = run_cli("chat", "-m", "claude-haiku-4-5", env=env_for(emulator), stdin=script)
    assert result.returncode == 0, output_of(result)
    assert "Hello from databricks-claude-haiku-4-5" in result.stdout
    assert "Switched to databricks-gpt-5-2" in result.stdout
    assert "Hello from databricks-gpt-5-2" in result.stdout
    assert "Conversation cleared." in result.stdout
    responses = [r["body"] for r in emulator.requests() if r["path"].endswith("responses")]
    # the second turn carries the first exchange: 2 earlier messages + the new one
    assert len(responses[0]["input"]) == 3


def test_chat_help_lists_the_commands(emulator: EmulatorControl) -> None:
    result = run_cli("chat", "-m", "gpt-5-2", env=env_for(emulator), stdin="/help\n/exit\n")
    assert result.returncode == 0, output_of(result)
    assert "Unknown command" not in result.stdout
    for command in ("/model NAME", "/clear", "/exit"):
        assert f"  {command} " in result.stdout
    assert not [r for r in emulator.requests() if r["path"].endswith("responses")]  # nothing was sent


def test_chat_in_a_terminal_shows_the_footer(emulator: EmulatorControl) -> None:
    child = pexpect.spawn(
        sys.executable,
        [*CLI[1:], "chat", "-m", "meta-llama-3-3-70b-instruct"],
        env={"PATH": "/usr/bin:/bin", **env_for(emulator), **_home_env()},
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 160),
    )
    child.expect("you>")
    child.sendline("Hello there")
    child.expect("Hello from databricks-meta-llama-3-3-70b-instruct")
    child.expect(r"databricks-meta-llama-3-3-70b-instruct · \d+ in / \d+ out · \$")
    child.expect("you>")
    child.sendline("/exit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def _home_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k.startswith(("BRICKGATE_", "DATABRICKS_CONFIG"))}


def test_surface_flag_forces_serving_endpoints(emulator: EmulatorControl) -> None:
    result = run_cli(
        "--surface", "serving-endpoints", "run", "-m", "gpt-5-2", "--json", "Hi", env=env_for(emulator)
    )
    assert result.returncode == 0, output_of(result)
    assert json.loads(result.stdout)["surface"] == "serving-endpoints"
    assert [r["path"] for r in emulator.requests()] == ["/serving-endpoints/responses"]


def test_unknown_surface_is_refused_with_the_choices(emulator: EmulatorControl) -> None:
    result = run_cli("--surface", "gateway", "run", "-m", "gpt-5-2", "Hi", env=env_for(emulator))
    assert result.returncode == 1
    assert "auto, serving-endpoints, ai-gateway" in result.stderr


def test_chat_prints_errors_with_brackets_verbatim_and_keeps_going(emulator: EmulatorControl) -> None:
    emulator.fault({"kind": "400", "message": "field [/messages] is invalid"})
    script = "Hello\n/model [/nope]\n/[/what]\nHello again\n/exit\n"
    result = run_cli("chat", "-m", "meta-llama-3-3-70b-instruct", env=env_for(emulator), stdin=script)
    assert result.returncode == 0, output_of(result)
    assert "field [/messages] is invalid" in result.stderr
    assert "Model '[/nope]' is not served" in result.stderr
    assert "Unknown command /[/what]" in result.stdout
    assert "Hello from databricks-meta-llama-3-3-70b-instruct" in result.stdout
