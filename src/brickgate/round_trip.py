"""One tool round trip through any model: offer a shell tool, take the call, answer it, read the reply.

The demo and the doctor both use it; nothing is executed — the tool's output is given, so the round trip
shows the model and brickgate handle a call and its result, not that a shell works.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from brickgate.catalog.model import Model
from brickgate.protocol import Message, Request, Tool, ToolResultPart
from brickgate.routing import choose
from brickgate.workspace import Workspace

SHELL = Tool(
    name="bash",
    description="Run a shell command and return its output.",
    parameters={"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]},
)
PROMPT = "Please run the marker command and tell me what it printed."
TOOL_OUTPUT = "brickgate-tool-ok"  # what `echo brickgate-tool-ok` prints


class NoToolCall(RuntimeError):
    pass


@dataclass(frozen=True)
class RoundTrip:
    model: Model
    surface: str
    api: str  # the API the model was called with
    path: str  # and where
    call: str
    answer: str
    repairs: tuple[str, ...]
    seconds: float
    cost_usd: float


async def tool_round_trip(
    ws: Workspace, model: Model, prompt: str = PROMPT, output: str = TOOL_OUTPUT
) -> RoundTrip:
    """Ask for a tool call, hand back ``output`` as its result, and return the model's answer."""
    started = time.perf_counter()
    first = Request.of(model.id, prompt, tools=(SHELL,))
    asked = await ws.complete(model, first, stream=True)
    calls = asked.response.tool_calls
    if not calls:
        raise NoToolCall(f"{model.id} answered without calling the tool: {asked.text[:80]!r}")
    call = calls[0]
    result = Message(role="tool", parts=(ToolResultPart(tool_call_id=call.id, content=output),))
    second = Request(
        model=model.id, messages=(*first.messages, asked.response.message, result), tools=(SHELL,)
    )
    answered = await ws.complete(model, second, stream=True)
    route = choose(model, None, answered.surface, pin=answered.api)
    return RoundTrip(
        model=model,
        surface=answered.surface,
        api=answered.api,
        path=route.path(model.id, stream=True),
        call=f"{call.name}({call.arguments})",
        answer=answered.text,
        repairs=tuple(dict.fromkeys(asked.repairs + answered.repairs)),
        seconds=time.perf_counter() - started,
        cost_usd=asked.cost.usd + answered.cost.usd,
    )
