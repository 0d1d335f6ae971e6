"""CPU per agent-sized Gemini request body on each way brickgate sends it upstream, in process: relayed on
the Gemini API (parse, shape check, rename, repairs, write) or translated to another model's API (parse,
shape check, decode, encode, repairs, write), next to ``orjson.loads`` + ``orjson.dumps`` of the same bytes,
the "parse once, write once" reference (issue 17).

The body is Gemini CLI 0.61's second request of a session (bench/recorded/gemini_cli_turn.json: its system
instruction, 15 tool declarations, a signed function call and its response; recorded relayed through the
gateway to the emulator, the temporary path replaced), its history grown with more call/response turns to
each size. The minimum over repetitions is reported: on a busy machine other processes only ever add time.

    python -m bench.request_cost [--sizes 20,200,1000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import copy
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from bench.translation_cost import GEMINI_3, model
from brickgate.gateway.inference import fields_for
from brickgate.gateway.request_shape import shape_problem
from brickgate.quirks import RepairMemory, repair_request
from brickgate.routing import renamed_body
from brickgate.wire.contract import Api
from brickgate.wire.registry import WIRES

RECORDED = Path(__file__).resolve().parent / "recorded" / "gemini_cli_turn.json"
TARGETS: dict[str, tuple[Api, Any]] = {
    "relayed on the Gemini API (Gemini 3)": ("gemini", GEMINI_3),
    "translated to Chat (Llama)": ("chat", model("databricks-meta-llama-3-3-70b-instruct")),
    "translated to Messages (Claude)": ("messages", model("databricks-claude-sonnet-4-5")),
    "translated to Responses (GPT-5.2)": ("responses", model("databricks-gpt-5-2")),
}


def grown(body: dict[str, Any], size: int) -> bytes:
    """``body`` with its call/response turn repeated (new ids, ~4 KB of output each) to ~``size`` bytes."""
    call, answer = body["contents"][1], body["contents"][2]
    doc = copy.deepcopy(body)
    output = "line of tool output that an agent read back\n" * 90
    n = 0
    while len(raw := orjson.dumps(doc)) < size:
        n += 1
        turn = copy.deepcopy(call)
        turn["parts"][0]["functionCall"]["id"] = f"run_shell_command_{n}"
        reply = copy.deepcopy(answer)
        reply["parts"][0]["functionResponse"]["id"] = f"run_shell_command_{n}"
        reply["parts"][0]["functionResponse"]["response"] = {"output": f"{n}: {output}"}
        doc["contents"][1:1] = [turn, reply]
    return raw


def reference(raw: bytes) -> int:
    return len(orjson.dumps(orjson.loads(raw)))


def upstream_body(raw: bytes, api: Api, target: Any, memory: RepairMemory) -> int:
    """What the gateway does to a Gemini caller's body before the upstream write (gateway/inference.py,
    Workspace._relay / Workspace._send), up to the bytes on the wire."""
    body = orjson.loads(raw)
    assert shape_problem(body, "gemini") is None
    if api == "gemini":
        out = repair_request(renamed_body(body, api, target.id), target, api, memory).body
    else:
        request = WIRES["gemini"].decode_request({**body, "model": "gemini-cli-name"})
        request = replace(request, extra=fields_for(api, request.extra), stream=True)
        out = repair_request(WIRES[api].encode_request(request, target.id), target, api, memory).body
    return len(orjson.dumps(out))


def cpu_us(work: Callable[[], int], rounds: int, repeats: int) -> float:
    for _ in range(3):
        work()
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        for _ in range(rounds):
            work()
        best = min(best, (time.process_time() - started) / rounds * 1e6)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,200,1000", help="body sizes in KB")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    body = orjson.loads(RECORDED.read_bytes())
    memory = RepairMemory()
    for kb in (int(s) for s in args.sizes.split(",")):
        raw = grown(body, kb * 1000)
        rounds = max(5, 2000 // kb)
        ref = cpu_us(lambda r=raw: reference(r), rounds, args.repeats)  # type: ignore[misc]
        print(f"{len(raw) / 1000:.0f} KB Gemini CLI body: orjson loads+dumps {ref:8.0f} µs", flush=True)
        for name, (api, target) in TARGETS.items():
            us = cpu_us(
                lambda r=raw, a=api, t=target: upstream_body(r, a, t, memory),  # type: ignore[misc]
                rounds,
                args.repeats,
            )
            print(f"  {name:<40} {us:8.0f} µs  {us / ref:5.2f}x the reference", flush=True)


if __name__ == "__main__":
    main()
