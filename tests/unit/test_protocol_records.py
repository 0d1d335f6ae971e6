"""The canonical types are records: frozen to the type checker, cheap to build, equal and hashed by value."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from brickgate.protocol import Request, TextPart, ToolCallPart, Usage

ROOT = Path(__file__).resolve().parents[2]


def test_records_compare_and_hash_by_value() -> None:
    a = ToolCallPart(id="call_1", name="bash", arguments="{}")
    b = ToolCallPart(id="call_1", name="bash", arguments="{}")
    assert a == b and hash(a) == hash(b)
    assert {Usage(input_tokens=3), Usage(input_tokens=3)} == {Usage(input_tokens=3)}


def test_replace_gives_a_new_record_and_leaves_the_old_one() -> None:
    request = Request.of("m", "hi")
    streamed = dataclasses.replace(request, stream=False, extra={"seed": 1})
    assert (request.stream, request.extra) == (True, {})
    assert (streamed.stream, streamed.extra, streamed.messages) == (False, {"seed": 1}, request.messages)


def test_records_take_keywords_only() -> None:
    with pytest.raises(TypeError):
        TextPart("hi")  # type: ignore[misc]


def test_the_type_checker_refuses_assigning_a_field(tmp_path: Path) -> None:
    snippet = tmp_path / "assigns.py"
    snippet.write_text(
        "from brickgate.protocol import Message\n"
        "message = Message.of('user', 'hi')\n"
        "message.name = 'someone'\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(snippet)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 1, result.stdout
    assert 'assigns.py:3: error: Property "name" defined in "Message" is read-only' in result.stdout
