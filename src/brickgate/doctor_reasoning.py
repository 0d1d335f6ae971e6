"""`brickgate doctor`'s reasoning probe: ask a model that claims reasoning for it, check that it came back.

The ask is the canonical ``reasoning_effort`` in the model's own API; the reasoning-knob table
(quirks/reasoning_knobs.py) turns it into what the model takes (a Claude budget, adaptive thinking, the
nearest effort it has). What counts as "came back": a reasoning part with text, a signature (adaptive Claude
returns its thinking empty, signed) or an encrypted payload (Grok), or reasoning tokens in the usage. A
model the table marks as reasoning unseen (it accepts the knob but shows nothing, research
databricks-2026.md §1.4) passes when the ask is answered.
"""

from __future__ import annotations

from brickgate.catalog.model import Model
from brickgate.event_stream import Completion
from brickgate.protocol import ReasoningPart, Request
from brickgate.quirks.reasoning_knobs import REASONING_KNOBS
from brickgate.workspace import Workspace

# Mentions thinking: the emulator's scripted models (like real ones) reason when asked to think.
REASONING_PROMPT = "Think it through step by step: what is 6 times 7? Answer with the number only."
REASONING_EFFORT = "medium"
# room for a Claude thinking budget (kept below max_tokens) and the answer; below every OTPM in §3.1
REASONING_MAX_TOKENS = 4000


class ReasoningMissing(RuntimeError):
    """The model answered, but without the reasoning it was asked for."""


def claims_reasoning(model: Model) -> bool:
    """A pay-per-token model that says it reasons (its profile, or a row in the reasoning-knob table). An
    external or custom endpoint's family is a guess from its name: its claim is not probed."""
    if model.source in ("external", "custom"):
        return False
    return model.supports_reasoning or REASONING_KNOBS.for_model(model) is not None


def shows_reasoning(model: Model) -> bool:
    knobs = REASONING_KNOBS.for_model(model)
    return knobs is None or knobs.visible


def reasoning_came_back(done: Completion) -> bool:
    parts = [p for p in done.response.message.parts if isinstance(p, ReasoningPart)]
    shown = any(p.text.strip() or p.signature or p.redacted for p in parts)
    return shown or done.usage.reasoning_tokens > 0


async def reasoning_completion(ws: Workspace, model: Model) -> Completion:
    """The model's answer to a question asked with reasoning on; ``ReasoningMissing`` when none came back
    from a model that shows its reasoning."""
    request = Request.of(
        model.id, REASONING_PROMPT, reasoning_effort=REASONING_EFFORT, max_tokens=REASONING_MAX_TOKENS
    )
    done = await ws.complete(model, request, stream=True)
    if shows_reasoning(model) and not reasoning_came_back(done):
        raise ReasoningMissing(
            f"asked for reasoning (effort {REASONING_EFFORT}, {model.api} API), but none came back"
        )
    return done
