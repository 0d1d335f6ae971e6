"""`brickgate doctor`'s core: probe each model the way agents use it and say what works.

Four probes per model: a plain answer, a streamed answer, a tool round trip, and an image (only where the
model claims image support). All probes of all models run concurrently under one bound, each with its own
timeout, so a hung or rate-limited model cannot stall the rest. Nothing here prints: the CLI renders the
`ModelReport`s.

    reports = await diagnose(ws, ws.models())
    broken = [r.model.id for r in reports if not r.ok]
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from brickgate.catalog.model import Model
from brickgate.errors import BrickgateError, UpstreamError
from brickgate.event_stream import Completion
from brickgate.protocol import ImagePart, Message, Request, TextPart
from brickgate.redact import redact
from brickgate.round_trip import TOOL_OUTPUT, tool_round_trip
from brickgate.routing import declared_apis
from brickgate.workspace import Workspace

ProbeName = Literal["plain", "stream", "tools", "image"]
PROBES: tuple[ProbeName, ...] = ("plain", "stream", "tools", "image")
Outcome = Literal["pass", "fail", "n/a"]
DEFAULT_TIMEOUT = 60.0
DEFAULT_CONCURRENCY = 4  # pay-per-token endpoints have per-workspace rate limits
ERROR_CHARS = 200

PLAIN_PROMPT = "Reply with one short sentence to confirm that you are working."
# Names the exact command, so a real model calls the tool instead of asking what to run.
TOOL_PROMPT = f"Please run the command `echo {TOOL_OUTPUT}` with the bash tool and tell me what it printed."
IMAGE_PROMPT = "What colour is this image? Answer in one word."
RED_SQUARE_PNG = (  # 8x8 red square
    "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR42mP4z8CAFTEMLQkAKP8/wc53yE8AAAAASUVORK5CYII="
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeResult:
    """One probe of one model. `error` is short, redacted and says what the upstream answered."""

    name: ProbeName
    outcome: Outcome
    latency_ms: int | None = None
    error: str | None = None
    surface: str | None = None
    repairs: tuple[str, ...] = ()

    @property
    def ok(self) -> bool | None:
        """True or False; None when the probe does not apply to the model."""
        return None if self.outcome == "n/a" else self.outcome == "pass"

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "latency_ms": self.latency_ms, "error": self.error}


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelReport:
    """Every probe of one model, plus what they learned about its API, surface and repairs."""

    model: Model
    probes: tuple[ProbeResult, ...]

    @property
    def ok(self) -> bool:
        return all(p.ok is not False for p in self.probes)

    @property
    def repairs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r for p in self.probes for r in p.repairs))

    @property
    def surface(self) -> str | None:
        return next((p.surface for p in reversed(self.probes) if p.surface), None)

    def probe(self, name: ProbeName) -> ProbeResult:
        return next(p for p in self.probes if p.name == name)

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model.id,
            "family": self.model.family,
            "api": self.model.api,
            "apis": list(declared_apis(self.model.api_types)),
            "surface": self.surface,
            "retires": self.model.retires,
            "successor": self.model.successor,
            "ok": self.ok,
            "repairs": list(self.repairs),
            "probes": {p.name: p.to_json() for p in self.probes},
        }


class ProbeFailed(Exception):
    """The model answered, but not the way the probe requires."""


@dataclass(frozen=True, slots=True)
class _Passed:
    surface: str
    repairs: tuple[str, ...]


def _answered(done: Completion) -> _Passed:
    if not done.text.strip():
        raise ProbeFailed(f"the answer has no text (finish reason: {done.response.finish_reason})")
    return _Passed(done.surface, done.repairs)


async def _plain(ws: Workspace, model: Model) -> _Passed:
    return _answered(await ws.complete(model, Request.of(model.id, PLAIN_PROMPT), stream=False))


async def _stream(ws: Workspace, model: Model) -> _Passed:
    return _answered(await ws.complete(model, Request.of(model.id, PLAIN_PROMPT), stream=True))


async def _tools(ws: Workspace, model: Model) -> _Passed:
    result = await tool_round_trip(ws, model, TOOL_PROMPT)
    if TOOL_OUTPUT not in result.answer:
        raise ProbeFailed(f"the answer does not mention the tool's output: {result.answer[:80]!r}")
    return _Passed(result.surface, result.repairs)


async def _image(ws: Workspace, model: Model) -> _Passed:
    image = ImagePart(data_base64=RED_SQUARE_PNG, media_type="image/png")
    question = Message(role="user", parts=(TextPart(text=IMAGE_PROMPT), image))
    return _answered(await ws.complete(model, Request(model=model.id, messages=(question,)), stream=False))


_RUNNERS: dict[ProbeName, Callable[[Workspace, Model], Awaitable[_Passed]]] = {
    "plain": _plain,
    "stream": _stream,
    "tools": _tools,
    "image": _image,
}


def applies(model: Model, name: ProbeName) -> bool:
    """Whether a probe makes sense for the model (tools and images only where the model claims them)."""
    if name == "tools":
        return model.supports_tools
    if name == "image":
        return model.supports_images
    return True


def describe_failure(exc: BaseException, timeout: float) -> str:
    """One short, redacted line: the upstream's status and message where there is one."""
    if isinstance(exc, asyncio.TimeoutError):
        text = f"no answer within {timeout:g} s"
    elif isinstance(exc, UpstreamError) and exc.status:
        code = f" {exc.error_code}" if exc.error_code else ""
        text = f"HTTP {exc.status}{code}: {exc.detail or exc.message}"
    elif isinstance(exc, BrickgateError):
        text = exc.message
    elif isinstance(exc, (ProbeFailed, RuntimeError)):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    text = redact(" ".join(text.split()))
    return text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 1] + "…"


async def run_probe(ws: Workspace, model: Model, name: ProbeName, *, timeout: float) -> ProbeResult:
    """Run one probe; every failure (upstream error, timeout, wrong answer) becomes a result."""
    if not applies(model, name):
        return ProbeResult(name=name, outcome="n/a")
    started = time.perf_counter()
    try:
        passed = await asyncio.wait_for(_RUNNERS[name](ws, model), timeout)
    except Exception as exc:  # a diagnosis reports any failure, even a decoder bug, and moves on
        elapsed = round((time.perf_counter() - started) * 1000)
        return ProbeResult(
            name=name, outcome="fail", latency_ms=elapsed, error=describe_failure(exc, timeout)
        )
    elapsed = round((time.perf_counter() - started) * 1000)
    return ProbeResult(
        name=name, outcome="pass", latency_ms=elapsed, surface=passed.surface, repairs=passed.repairs
    )


OnProbe = Callable[[Model, ProbeResult], None]


async def diagnose(
    ws: Workspace,
    models: Sequence[Model],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_probe: OnProbe | None = None,
) -> list[ModelReport]:
    """Probe every model, in the given order. At most `concurrency` probes talk to the workspace at
    once; `on_probe` hears each result as it lands (for a progress bar)."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def probe(model: Model, name: ProbeName) -> ProbeResult:
        if not applies(model, name):
            result = ProbeResult(name=name, outcome="n/a")
        else:
            async with gate:
                result = await run_probe(ws, model, name, timeout=timeout)
        if on_probe is not None:
            on_probe(model, result)
        return result

    per_model = await asyncio.gather(*(asyncio.gather(*(probe(m, n) for n in PROBES)) for m in models))
    return [ModelReport(model=m, probes=tuple(r)) for m, r in zip(models, per_model, strict=True)]
