"""The byte-level item-id fix gives exactly what parsing, repairing and re-serialising gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brickgate.quirks import stream_repair
from brickgate.wire.sse import SSEDecoder
from tests.unit.quirks.factory import GPT

FIXTURES = Path(__file__).parents[1] / "wire" / "fixtures"
LONG_ID = "msg_" + "9" * 188  # Databricks' ~192-char delta ids


def raw_events(name: str) -> list[bytes]:
    return [e for e in (FIXTURES / name).read_bytes().split(b"\n\n") if e.strip()]


def data_of(raw: bytes) -> dict[str, object]:
    (event,) = SSEDecoder().feed(raw + b"\n\n")
    parsed: dict[str, object] = json.loads(event.data)
    return parsed


@pytest.mark.parametrize("fixture", ["responses_text.sse", "responses_reasoning_tool.sse"])
def test_byte_fix_matches_the_parsed_fix_event_for_event(fixture: str) -> None:
    by_bytes, by_parse = stream_repair(GPT, "responses"), stream_repair(GPT, "responses")
    for raw in raw_events(fixture):
        expected = by_parse.event(data_of(raw))
        fixed = by_bytes.raw_event(raw)
        if fixed is None:  # no item_id: the relay parses it, and so does the reference
            by_bytes.event(data_of(raw))
            continue
        assert data_of(fixed) == expected
    assert by_bytes.applied == by_parse.applied
    if fixture == "responses_text.sse":  # recorded with Databricks' mismatched delta ids (§3.7)
        assert "rewrite_item_ids" in by_bytes.applied


def test_unannounced_long_item_id_is_shortened_in_place() -> None:
    raw = b'event: response.output_text.delta\ndata: {"item_id":"%s","output_index":3,"delta":"x"}' % (
        LONG_ID.encode()
    )
    fixed = stream_repair(GPT, "responses").raw_event(raw)
    assert fixed is not None
    item_id = data_of(fixed)["item_id"]
    assert isinstance(item_id, str) and len(item_id) <= 64 and item_id.startswith("msg_")


def test_quoted_item_id_inside_text_is_not_touched() -> None:
    repair = stream_repair(GPT, "responses")
    repair.event({"type": "response.output_item.added", "output_index": 0, "item": {"id": "msg_a"}})
    raw = b'data: {"delta":"say \\"item_id\\":\\"zzz\\"","item_id":"msg_b","output_index":0}'
    fixed = repair.raw_event(raw)
    assert fixed is not None
    doc = data_of(fixed)
    assert doc["item_id"] == "msg_a"
    assert doc["delta"] == 'say "item_id":"zzz"'


def test_event_without_item_id_is_left_to_the_parser() -> None:
    assert stream_repair(GPT, "responses").raw_event(b'data: {"type":"response.created"}') is None


def test_a_learned_fix_applies_to_every_delta_of_the_item() -> None:
    repair = stream_repair(GPT, "responses")
    repair.event({"type": "response.output_item.added", "output_index": 0, "item": {"id": "msg_a"}})
    for n in range(3):
        raw = b'data: {"item_id":"msg_wrong","output_index":0,"delta":"%d"}' % n
        fixed = repair.raw_event(raw)
        assert fixed is not None and data_of(fixed)["item_id"] == "msg_a"
    assert repair.applied == ("rewrite_item_ids",)
