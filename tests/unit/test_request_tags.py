"""The request-tags header: who sent it, the user's tags from config.toml and the environment, the caller's
own tags winning on a clash, and clear errors for tags that are not a JSON object of strings."""

from __future__ import annotations

import json

import pytest

from brickgate.errors import ConfigError, InvalidRequest
from brickgate.request_tags import ENV, RequestTags, agent_name, configured_tags


def test_every_request_says_brickgate_sent_it() -> None:
    assert configured_tags(None, {}) == {"client": "brickgate"}


def test_config_and_environment_tags_are_added_the_environment_winning() -> None:
    env = {ENV: '{"team": "ml", "ticket": "X-1"}'}
    assert configured_tags({"team": "data", "project": "p"}, env) == {
        "client": "brickgate",
        "team": "ml",
        "project": "p",
        "ticket": "X-1",
    }


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("{team: ml}", "not valid JSON"),
        ('["team"]', "must be a JSON object"),
        ('{"n": 1}', "'n' must be a string"),
    ],
)
def test_bad_environment_tags_are_a_config_error_saying_how_to_fix_them(raw: str, says: str) -> None:
    with pytest.raises(ConfigError) as err:
        configured_tags(None, {ENV: raw})
    assert says in err.value.message
    assert ENV in str(err.value) and '{"team":"data-platform"}' in (err.value.hint or "")


def test_a_config_tag_that_is_not_a_string_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as err:
        configured_tags({"priority": 1}, {})
    assert "[request_tags]" in err.value.message and "'priority'" in err.value.message


@pytest.mark.parametrize(
    ("user_agent", "agent"),
    [
        ("claude-cli/2.1.330 (external, cli)", "claude-cli"),
        ("codex_cli_rs/0.169.0 (Ubuntu 24.4.0; x86_64) xterm", "codex_cli_rs"),
        ("opencode/1.18.33", "opencode"),
        ("OpenAI/Python 3.57.0", "OpenAI"),
        ("", None),
        (None, None),
        ("   ", None),
    ],
)
def test_the_agent_is_the_product_name_its_user_agent_starts_with(user_agent: str | None, agent: str) -> None:
    assert agent_name(user_agent) == agent


def test_a_gateway_request_carries_the_agent_and_the_callers_tags_which_win() -> None:
    tags = RequestTags({"client": "brickgate", "team": "data"})
    header = tags.for_caller("claude-cli/2.1.3", '{"team": "mine", "n": 2}')
    assert header == '{"client":"brickgate","agent":"claude-cli","team":"mine","n":2}'  # compact, one line


def test_library_calls_carry_the_configured_tags_only() -> None:
    assert RequestTags({"client": "brickgate"}).library_header == '{"client":"brickgate"}'


def test_non_ascii_tags_stay_one_ascii_header_line() -> None:
    header = RequestTags({"client": "brickgate", "team": "Zürich\nnord"}).library_header
    assert header.isascii() and "\n" not in header
    assert json.loads(header)["team"] == "Zürich\nnord"


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", '"team"'])
def test_a_caller_header_that_is_not_a_json_object_is_an_invalid_request(raw: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        RequestTags({"client": "brickgate"}).for_caller(None, raw)
    assert "Databricks-Ai-Gateway-Request-Tags" in str(err.value)
