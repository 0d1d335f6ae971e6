"""CPU of each step of the translated path on agent-sized bodies, in process (issue 17): what
``InferenceRoute._translate`` and ``Workspace`` do to a request whose caller's API is not the model's, up to
the bytes written upstream, next to ``orjson.loads`` + ``orjson.dumps`` of the same body (the "parse
once, write once" reference). The shape check is left out (the gateway runs it on every path).

Bodies are bench/agent_bodies.py's: Claude Code (Messages) and Codex (Responses) to a Chat model (Llama),
opencode (Chat) to a Messages model (Claude). Steps are timed in interleaved rounds, and the least of each
is reported: on a shared machine other processes only ever add time, and the rounds spread a slow phase
over every step alike. The least also leaves out the garbage collector (a collection lands in some rounds).

    python -m bench.translated_cost [--sizes 20,200,1000] [--rounds 200]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import orjson

from bench.agent_bodies import agent_body, encoded
from bench.translation_cost import model
from brickgate.catalog.model import Model
from brickgate.gateway.inference import fields_for
from brickgate.quirks import RepairMemory, repair_request
from brickgate.wire.contract import Api
from brickgate.wire.registry import WIRES

# agent, its API, the model's API, the model
ROUTES: tuple[tuple[str, Api, Api, Model], ...] = (
    ("claude-code", "messages", "chat", model("databricks-meta-llama-3-3-70b-instruct")),
    ("codex", "responses", "chat", model("databricks-meta-llama-3-3-70b-instruct")),
    ("opencode", "chat", "messages", model("databricks-claude-sonnet-4-5")),
)
STEPS = ("parse", "decode", "encode", "repair", "write", "translated", "reference")


def steps(raw: bytes, api: Api, upstream: Api, target: Model) -> dict[str, Callable[[], Any]]:
    """One callable per step, each fed the previous step's output (made once, here)."""
    memory = RepairMemory()
    body = orjson.loads(raw)
    request = WIRES[api].decode_request(body)
    request = replace(request, extra=fields_for(upstream, request.extra), stream=True)
    out = WIRES[upstream].encode_request(request, target.id)
    repaired = repair_request(out, target, upstream, memory).body

    def translated() -> bytes:
        decoded = WIRES[api].decode_request(orjson.loads(raw))
        decoded = replace(decoded, extra=fields_for(upstream, decoded.extra), stream=True)
        encoded_body = WIRES[upstream].encode_request(decoded, target.id)
        return orjson.dumps(repair_request(encoded_body, target, upstream, memory).body)

    return {
        "parse": lambda: orjson.loads(raw),
        "decode": lambda: WIRES[api].decode_request(body),
        "encode": lambda: WIRES[upstream].encode_request(request, target.id),
        "repair": lambda: repair_request(out, target, upstream, memory),
        "write": lambda: orjson.dumps(repaired),
        "translated": translated,
        "reference": lambda: orjson.dumps(orjson.loads(raw)),
    }


def least_us(work: dict[str, dict[str, Callable[[], Any]]], rounds: int) -> dict[str, dict[str, float]]:
    """The least µs of each step over ``rounds`` interleaved rounds of every step of every route."""
    clock = time.perf_counter_ns
    best = {route: dict.fromkeys(fns, float("inf")) for route, fns in work.items()}
    for _ in range(rounds):
        for route, fns in work.items():
            for step, fn in fns.items():
                started = clock()
                fn()
                best[route][step] = min(best[route][step], (clock() - started) / 1000)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,200,1000", help="body sizes in KB")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    for kb in (int(s) for s in args.sizes.split(",")):
        work = {
            f"{agent} -> {upstream}": steps(
                encoded(agent_body(agent, kb * 1000, model="caller-name")), api, upstream, target
            )
            for agent, api, upstream, target in ROUTES
        }
        best = least_us(work, max(10, args.rounds * 200 // max(kb, 200)))
        print(f"{kb} KB bodies, least µs per step: " + " ".join(f"{s:>10}" for s in STEPS) + "  x ref")
        for route, us in best.items():
            cells = " ".join(f"{us[s]:10.0f}" for s in STEPS)
            print(f"  {route:<30}{cells}  {us['translated'] / us['reference']:5.2f}", flush=True)


if __name__ == "__main__":
    main()
