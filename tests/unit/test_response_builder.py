"""Folding events into the final message: runs of deltas join into one part, whatever their number."""

from __future__ import annotations

from brickgate.protocol import ReasoningDelta, ReasoningPart, ResponseBuilder, TextDelta, TextPart


def test_many_text_deltas_join_into_one_part() -> None:
    builder = ResponseBuilder()
    for i in range(200_000):  # ~1.4 MB of text: adding each delta must not re-copy what came before
        builder.add(TextDelta(text=f"{i % 10}bcdef "))
    (part,) = builder.build().message.parts
    assert isinstance(part, TextPart)
    assert len(part.text) == 1_400_000 and part.text.startswith("0bcdef 1bcdef")


def test_provider_data_of_a_run_is_merged() -> None:
    builder = ResponseBuilder()
    builder.add(TextDelta(text="a", provider_data={"id": "msg_1"}))
    builder.add(TextDelta(text="b", provider_data={"thoughtSignature": "S"}))
    assert builder.build().message.parts == (
        TextPart(text="ab", provider_data={"id": "msg_1", "thoughtSignature": "S"}),
    )


def test_a_signed_reasoning_part_ends_there_and_more_reasoning_starts_another() -> None:
    builder = ResponseBuilder()
    for event in (
        ReasoningDelta(text="think"),
        ReasoningDelta(text="ing", signature="sig"),
        ReasoningDelta(text="again"),
        TextDelta(text="answer"),
    ):
        builder.add(event)
    assert builder.build().message.parts == (
        ReasoningPart(text="thinking", signature="sig"),
        ReasoningPart(text="again"),
        TextPart(text="answer"),
    )
