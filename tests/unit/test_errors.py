"""Errors are for people: an uncaught one still shows what to do."""

from __future__ import annotations

import subprocess
import sys

from brickgate.errors import ModelNotFound, UpstreamRejected


def test_str_of_an_error_ends_with_its_hint() -> None:
    err = UpstreamRejected("Databricks rejected the request (HTTP 400): nope", "Check the field it names.")
    assert str(err) == "Databricks rejected the request (HTTP 400): nope\nCheck the field it names."
    assert err.message == "Databricks rejected the request (HTTP 400): nope"


def test_an_error_without_a_hint_is_its_message() -> None:
    assert str(UpstreamRejected("plain")) == "plain"


def test_an_uncaught_error_in_a_script_prints_the_fix() -> None:
    script = (
        "from brickgate.errors import ModelNotFound\nraise ModelNotFound('gpt-9', ['databricks-gpt-5-2'])"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert "Did you mean databricks-gpt-5-2?" in result.stderr
    assert str(ModelNotFound("x")).endswith("Run `brickgate models` to see the models of this workspace.")
