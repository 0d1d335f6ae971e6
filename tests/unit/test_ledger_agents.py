"""Which agent sent a request: names and versions from headers, and nothing else a header holds."""

from __future__ import annotations

import pytest

from brickgate.ledger.agents import agent_of, from_user_agent, library_agent


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        ("claude-cli/2.1.330 (external, cli)", ("claude-code", "2.1.330")),
        ("codex_exec/0.169.0 (Debian 12.0.0; x86_64) dumb (codex-exec; 0.169.0)", ("codex", "0.169.0")),
        ("opencode/1.18.33 ai-sdk/provider-utils/3.0.0 runtime/bun/1.2.0", ("opencode", "1.18.33")),
        ("OpenAI/Python 3.57.0", ("openai-python", "3.57.0")),
        ("Anthropic/Python 2.14.0", ("anthropic-python", "2.14.0")),
        ("curl/8.5.0", ("curl", "8.5.0")),
        ("Mozilla/5.0 (X11; Linux x86_64)", ("mozilla", "5.0")),
        ("", (None, None)),
    ],
)
def test_agent_is_named_from_the_user_agent(user_agent: str, expected: tuple[str | None, str | None]) -> None:
    assert from_user_agent(user_agent) == expected


def test_the_brickgate_agent_header_wins_over_the_user_agent() -> None:
    headers = [(b"user-agent", b"OpenAI/Python 3.57.0"), (b"x-brickgate-agent", b"Aider/0.86.1")]
    assert agent_of(headers) == ("aider", "0.86.1")


def test_an_agent_header_that_is_not_a_name_falls_back_to_the_user_agent() -> None:
    headers = [
        (b"x-brickgate-agent", b"Bearer dapi0123456789abcdef0123"),
        (b"user-agent", b"claude-cli/2.1.3"),
    ]
    assert agent_of(headers) == ("claude-code", "2.1.3")


def test_a_user_agent_holding_a_secret_keeps_only_a_product_name() -> None:
    name, version = from_user_agent("dapi0123456789abcdef0123456789ab token=sk-secret-value")
    assert name is None and version is None


def test_no_agent_headers_means_no_agent() -> None:
    assert agent_of([(b"content-type", b"application/json")]) == (None, None)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["/usr/local/bin/brickgate", "run", "-m", "x", "hi"], "brickgate run"),
        (["/usr/local/bin/brickgate", "--profile", "dev", "chat", "-m", "x"], "brickgate chat"),
        (["/venv/lib/python3.11/site-packages/brickgate/cli/main.py", "doctor"], "brickgate doctor"),
        (["my_script.py"], "python"),
        ([], "python"),
    ],
)
def test_library_calls_are_named_for_the_brickgate_command_or_python(argv: list[str], expected: str) -> None:
    assert library_agent(argv) == expected
