from __future__ import annotations

import pytest

from brickgate.wire.sse import SSEDecoder, SSEEvent, encode_sse


def feed_all(data: bytes, chunk_size: int | None = None) -> list[SSEEvent]:
    decoder = SSEDecoder()
    size = chunk_size or len(data)
    events: list[SSEEvent] = []
    for start in range(0, len(data), size):
        events += decoder.feed(data[start : start + size])
    return events + decoder.flush()


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_every_line_ending_gives_the_same_events(newline: bytes) -> None:
    data = newline.join([b"event: a", b"data: one", b"", b"data: two", b"", b""])
    assert feed_all(data) == [SSEEvent("a", "one"), SSEEvent(None, "two")]


def test_comment_lines_are_ignored() -> None:
    assert feed_all(b": keep-alive\ndata: x\n: another\n\n") == [SSEEvent(None, "x")]


def test_multi_line_data_joins_with_newlines() -> None:
    assert feed_all(b"data: a\ndata:\ndata: b\n\n") == [SSEEvent(None, "a\n\nb")]


def test_only_one_leading_space_is_stripped_from_a_value() -> None:
    assert feed_all(b"data:x\n\ndata:  y\n\n") == [SSEEvent(None, "x"), SSEEvent(None, " y")]


def test_a_field_name_without_colon_is_an_empty_value() -> None:
    assert feed_all(b"data\ndata\n\n") == [SSEEvent(None, "\n")]


def test_last_event_id_persists_across_events_and_ignores_null() -> None:
    events = feed_all(b"id: 7\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\n")
    assert [e.id for e in events] == ["7", "7", "7"]


def test_event_type_resets_after_each_dispatch() -> None:
    assert feed_all(b"event: ping\ndata: 1\n\ndata: 2\n\n") == [SSEEvent("ping", "1"), SSEEvent(None, "2")]


def test_event_without_data_is_not_dispatched() -> None:
    assert feed_all(b"event: lonely\n\nretry: 5\nunknown: field\n\ndata: ok\n\n") == [SSEEvent(None, "ok")]


def test_events_survive_being_split_at_every_byte() -> None:
    data = b'event: message_start\r\ndata: {"a": 1}\r\n\r\n: c\r\ndata: 2\r\n\r\n'
    assert (
        feed_all(data, chunk_size=1)
        == feed_all(data)
        == [SSEEvent("message_start", '{"a": 1}'), SSEEvent(None, "2")]
    )


def test_crlf_split_between_chunks_is_one_line_ending() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"\n\r") == [SSEEvent(None, "a")]
    assert decoder.feed(b"\ndata: b\r\n\r\n") == [SSEEvent(None, "b")]


def test_utf8_character_split_across_chunks_decodes_whole() -> None:
    data = "data: héllo 🌍\n\n".encode()
    split = data.index("🌍".encode()) + 2
    decoder = SSEDecoder()
    assert decoder.feed(data[:split]) == []
    assert decoder.feed(data[split:]) == [SSEEvent(None, "héllo 🌍")]


def test_leading_byte_order_mark_is_dropped_even_when_split() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"\xef") == []
    assert decoder.feed(b"\xbb\xbfdata: x\n\n") == [SSEEvent(None, "x")]


def test_flush_dispatches_an_event_missing_its_final_blank_line() -> None:
    assert feed_all(b"data: first\n\ndata: [DONE]") == [SSEEvent(None, "first"), SSEEvent(None, "[DONE]")]


def test_flush_of_a_partial_byte_order_mark_gives_nothing() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"\xef\xbb")
    assert decoder.flush() == []


def test_flush_with_nothing_pending_gives_nothing() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"event: x\n")
    assert decoder.flush() == []
    assert decoder.feed(b"") == []


def test_encode_writes_event_line_then_data_line() -> None:
    assert encode_sse(b'{"type":"ping"}', "ping") == b'event: ping\ndata: {"type":"ping"}\n\n'
    assert encode_sse("[DONE]") == b"data: [DONE]\n\n"


def test_encode_splits_multi_line_data_into_data_lines() -> None:
    encoded = encode_sse("a\nb\r\nc", "e")
    assert encoded == b"event: e\ndata: a\ndata: b\ndata: c\n\n"
    assert feed_all(encoded) == [SSEEvent("e", "a\nb\nc")]


def test_encode_rejects_an_event_name_with_a_line_break() -> None:
    with pytest.raises(ValueError, match="line breaks"):
        encode_sse("x", "bad\nname")
