"""CPU per streamed answer of each way brickgate turns an upstream stream into the caller's, in process:
the relay (bytes through, repairs applied) or the translation (decode, repair, encode), fed the mock's
pre-encoded streams one event per read. No sockets, no HTTP: what differs between routes, measured apart
from what every route pays (bench/run.py measures that whole).

The minimum over repetitions is reported: on a busy machine other processes only ever add time.

    python -m bench.translation_cost [--answers 300] [--repeats 15]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any

from bench.fixtures import Stream, stream_events
from brickgate.catalog.discovery import model_for_family
from brickgate.catalog.families import USD_PER_DBU, family_for
from brickgate.catalog.model import Model
from brickgate.event_stream import EventStream
from brickgate.quirks import RepairMemory, stream_repair
from brickgate.relay import RawRelay
from brickgate.wire.contract import Api
from brickgate.wire.registry import WIRES

DELTAS = 32


def model(name: str, api: Api | None = None) -> Model:
    found = model_for_family(name, family_for(name), usd_per_dbu=USD_PER_DBU)
    return found if api is None else replace(found, api=api)


LLAMA = model("databricks-meta-llama-3-3-70b-instruct")
GEMINI_3 = model("databricks-gemini-3-5-flash")


class Upstream:
    """An answer already read: one chunk per event, as the mock writes them."""

    status = 200
    headers: dict[str, str] = {}

    def __init__(self, events: tuple[bytes, ...]) -> None:
        self.events = events

    async def chunks(self) -> AsyncIterator[bytes]:
        for event in self.events:
            yield event

    async def read(self, limit: int = 0) -> bytes:
        return b"".join(self.events)

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class Route:
    name: str
    caller: Api
    model: Model
    upstream: Api  # the API the model is called with
    stream: Stream  # the upstream's bytes

    async def answer(self, events: tuple[bytes, ...]) -> int:
        memory = RepairMemory()
        repair = stream_repair(self.model, self.upstream, memory)
        if self.caller == self.upstream:  # the fast path: relayed
            relay = RawRelay(
                Upstream(events),
                model=self.model,
                api=self.upstream,
                surface="ai-gateway",
                repairs=(),
                repair=repair,
            )
            return sum([len(chunk) async for chunk in relay.chunks()])
        stream = EventStream(
            upstream=Upstream(events),
            body=None,
            model=self.model,
            api=self.upstream,
            surface="ai-gateway",
            repairs=(),
            repair=repair,
            prompt_chars=300,
        )
        stream.keep_response = False
        encoder = WIRES[self.caller].stream_encoder("caller-name", {})
        size = 0
        async for batch in stream.batches():
            size += sum(len(encoder.encode(event)) for event in batch)
        return size + len(encoder.finish())


ROUTES = (
    # what Gemini callers pay: relayed on a Gemini 3 model, translated on every other
    Route("gemini -> gemini-3 over Gemini (relay)", "gemini", GEMINI_3, "gemini", "gemini"),
    Route("gemini -> llama over Chat", "gemini", LLAMA, "chat", "chat"),
    # the same for the existing APIs, for scale
    Route("chat -> llama over Chat (relay)", "chat", LLAMA, "chat", "chat"),
    Route("messages -> llama over Chat", "messages", LLAMA, "chat", "chat"),
    # other callers on a Gemini 3 model: over Chat (today) or over the Gemini API
    Route("chat -> gemini-3 over Chat (relay + repair)", "chat", GEMINI_3, "chat", "gemini-chat"),
    Route("chat -> gemini-3 over Gemini", "chat", model(GEMINI_3.id, "gemini"), "gemini", "gemini"),
    Route("messages -> gemini-3 over Chat", "messages", GEMINI_3, "chat", "gemini-chat"),
    Route("messages -> gemini-3 over Gemini", "messages", model(GEMINI_3.id, "gemini"), "gemini", "gemini"),
    Route("responses -> gemini-3 over Chat", "responses", GEMINI_3, "chat", "gemini-chat"),
    Route("responses -> gemini-3 over Gemini", "responses", model(GEMINI_3.id, "gemini"), "gemini", "gemini"),
)


def cpu_per_answer(answer: Callable[[], Coroutine[Any, Any, int]], answers: int, repeats: int) -> float:
    """Microseconds of CPU per answer: the least over ``repeats`` runs of ``answers`` answers each."""

    async def run() -> float:
        for _ in range(20):  # warm: imports, caches, the repair plan
            await answer()
        best = float("inf")
        for _ in range(repeats):
            started = time.process_time()
            for _ in range(answers):
                await answer()
            best = min(best, (time.process_time() - started) / answers * 1e6)
        return best

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    print(f"CPU per answer of {DELTAS} text deltas (µs, least of {args.repeats} x {args.answers})")
    for route in ROUTES:
        events = stream_events(route.stream, DELTAS)
        us = cpu_per_answer(lambda r=route, e=events: r.answer(e), args.answers, args.repeats)  # type: ignore[misc]
        print(f"  {route.name:<46} {us:8.0f} µs/answer  {us / DELTAS:6.1f} µs/delta", flush=True)


if __name__ == "__main__":
    main()
