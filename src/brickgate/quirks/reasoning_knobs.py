"""The caller's reasoning knob, put in the words the model takes (research databricks-2026.md §1.4, api §3.9).

Callers ask in their own API's words: Anthropic ``thinking`` (``enabled`` + ``budget_tokens``, or
``adaptive`` + ``output_config.effort``), Responses ``reasoning.effort``, Chat ``reasoning_effort``. The wire
encoders carry the ask across APIs as they are; this table says what each model accepts, and the repair
rewrites the upstream body to it. Styles: ``effort`` = ``reasoning_effort`` on Chat / ``reasoning.effort``
on Responses (a ``thinking`` object is refused: Gemini answers 400 "Invalid JSON payload"); ``budget`` =
Claude's manual ``thinking: {type: enabled, budget_tokens}`` (on Chat too: Claude on Chat refuses
``reasoning_effort: Extra inputs are not permitted``); ``adaptive`` = ``thinking: {type: adaptive}`` with
``output_config.effort``.

| models (bare-name pattern)            | style    | efforts accepted                | source             |
|---|---|---|---|
| claude-fable-5-1                      | adaptive | low, high, max (always thinks)  | [DIGEST]           |
| claude opus-5-5, sonnet-5-5, fable    | adaptive | low … max (always thinks)       | [KAS]; [LL] TAO    |
| claude opus-4-7+, every other 5.x     | adaptive | none (= no thinking), low … max | [KAS]; api §3.9    |
| claude (older)                        | budget   | any (→ a budget, table below)   | [KAS]              |
| gpt-5-5-pro                           | effort   | medium, high, xhigh             | [KAS]              |
| gpt-6-astra                           | effort   | low … max                       | [KAS]              |
| gpt-5-1                               | effort   | none, low, medium, high         | [KAS]              |
| gpt-5, gpt-5-mini, gpt-5-nano         | effort   | minimal, low, medium, high      | [KAS]              |
| gpt-5-2 and later, gpt-6              | effort   | none, low, medium, high, xhigh  | [KAS]              |
| gemini-3-8-flash                      | effort   | low, medium, high               | [DIGEST]           |
| gemini-3-5-flash-lite, 3-6-flash (*)  | effort   | minimal, low, medium, high      | [KAS]              |
| gemini-2 (*)                          | effort   | low, medium, high               | ASSUMPTION         |
| gemini (3.x)                          | effort   | minimal, low, medium, high      | [KAS]              |
| glm                                   | effort   | low, high, max (`none` refused) | [DIGEST]; [KAS]    |
| kimi-k3                               | effort   | none, low, high, max            | [KAS]; [HALO]      |
| inkling                               | effort   | minimal … max                   | [KAS]              |
| grok                                  | effort   | low … xhigh                     | [KAS]; [HALO]      |
| gpt-oss                               | effort   | low, medium, high               | api §3.9           |

(*) take the knob but show no reasoning (``visible=False``: doctor's reasoning probe expects none).

A value the model lacks becomes the nearest one it has on the ladder none < minimal < low < medium < high <
xhigh < max (a tie goes up: the caller asked for more than the lower one). A budget becomes the largest
effort whose budget (``EFFORT_BUDGET``) fits in it, an effort becomes its budget; a budget is kept below
``max_tokens`` (`` `max_tokens` must be greater than `thinking.budget_tokens` ``) and at least 1,024, or
thinking is left off when ``max_tokens`` leaves no room for it. Models with no row (Codex, DeepSeek, Qwen)
get the caller's knob unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from brickgate.catalog.model import Model
from brickgate.quirks.by_model import ModelTable
from brickgate.wire.contract import Api

JSON = dict[str, Any]
Style = Literal["effort", "budget", "adaptive"]

EFFORT_LADDER = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
# thinking tokens an effort stands for on a budget model, and the effort a budget stands for
EFFORT_BUDGET = {"minimal": 1024, "low": 2048, "medium": 8192, "high": 16384, "xhigh": 32000, "max": 64000}
MIN_BUDGET = 1024  # Claude's smallest budget [KAS]
# output tokens left for the answer when a budget is added to a chat body without max_tokens
ANSWER_ROOM = 8192


@dataclass(frozen=True, slots=True)
class Knobs:
    """How a model takes reasoning: ``style`` and the efforts it accepts, lowest first (``none`` in it =
    reasoning can be turned off)."""

    style: Style
    efforts: tuple[str, ...]
    visible: bool = True  # the reasoning comes back readable (or signed/encrypted) when asked for


_ALL = EFFORT_LADDER
_CLAUDE_ON = ("low", "medium", "high", "xhigh", "max")

REASONING_KNOBS: ModelTable[Knobs] = ModelTable(
    (
        (r"claude-fable-5-1", Knobs("adaptive", ("low", "high", "max"))),
        (r"claude-(opus-5-5|sonnet-5-5|fable)", Knobs("adaptive", _CLAUDE_ON)),
        (r"claude-opus-4-[7-9]|claude-[a-z]+-5", Knobs("adaptive", ("none", *_CLAUDE_ON))),
        (r"claude", Knobs("budget", _ALL)),
        (r"gpt-5-5-pro", Knobs("effort", ("medium", "high", "xhigh"))),
        (r"gpt-6-astra", Knobs("effort", ("low", "medium", "high", "xhigh", "max"))),
        (r"^gpt-5-1(-|$)(?!.*codex)", Knobs("effort", ("none", "low", "medium", "high"))),
        (r"^gpt-5(-mini|-nano)?$", Knobs("effort", ("minimal", "low", "medium", "high"))),
        (r"^gpt-(5-[2-9]|6)(?!.*codex)", Knobs("effort", ("none", "low", "medium", "high", "xhigh"))),
        (r"gemini-3-8-flash", Knobs("effort", ("low", "medium", "high"))),
        (r"gemini-3-(5-flash-lite|6-flash)", Knobs("effort", ("minimal", "low", "medium", "high"), False)),
        # ASSUMPTION: no source shows Gemini 2.x thoughts on Databricks chat (the emulator sends none)
        (r"gemini-2", Knobs("effort", ("low", "medium", "high"), False)),
        (r"gemini", Knobs("effort", ("minimal", "low", "medium", "high"))),
        (r"glm", Knobs("effort", ("low", "high", "max"))),
        (r"kimi-k3", Knobs("effort", ("none", "low", "high", "max"))),
        (r"inkling", Knobs("effort", _ALL[1:])),
        (r"grok", Knobs("effort", ("low", "medium", "high", "xhigh"))),
        (r"gpt-oss", Knobs("effort", ("low", "medium", "high"))),
    )
)


def nearest_effort(effort: str, accepted: tuple[str, ...]) -> str:
    """``effort`` if accepted, else the accepted one nearest on the ladder (a tie goes up; an unknown word
    counts as ``medium``)."""
    if effort in accepted:
        return effort
    at = EFFORT_LADDER.index(effort) if effort in EFFORT_LADDER else EFFORT_LADDER.index("medium")
    return min(accepted, key=lambda e: (abs(EFFORT_LADDER.index(e) - at), -EFFORT_LADDER.index(e)))


def effort_for_budget(budget: int) -> str:
    """The largest effort whose budget fits in ``budget`` (``minimal`` below every one)."""
    fitting = [e for e, tokens in EFFORT_BUDGET.items() if tokens <= budget]
    return fitting[-1] if fitting else "minimal"


@dataclass(frozen=True, slots=True)
class Ask:
    """What the caller asked for: an effort or a budget (``effort == "none"``: no reasoning; neither set:
    reasoning at the model's default level)."""

    effort: str | None = None
    budget: int | None = None

    @property
    def off(self) -> bool:
        return self.effort == "none"

    def as_effort(self) -> str:
        if self.effort is not None:
            return self.effort
        return effort_for_budget(self.budget) if self.budget is not None else "medium"

    def as_budget(self) -> int:
        return self.budget if self.budget is not None else EFFORT_BUDGET.get(self.as_effort(), 8192)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _ask_in_thinking(body: Mapping[str, Any]) -> Ask | None:
    """The ask in Anthropic's words (``thinking`` and ``output_config.effort``), on Messages or Chat."""
    thinking = _mapping(body.get("thinking"))
    effort = _mapping(body.get("output_config")).get("effort")
    kind = thinking.get("type")
    if kind == "disabled":
        return Ask(effort="none")
    budget = thinking.get("budget_tokens")
    if kind == "enabled" and isinstance(budget, int) and not isinstance(budget, bool):
        return Ask(budget=budget)
    if kind in ("enabled", "adaptive") or isinstance(effort, str):
        return Ask(effort=effort if isinstance(effort, str) else None)
    return None


def _ask_in_chat(body: Mapping[str, Any]) -> Ask | None:
    effort = body.get("reasoning_effort")
    if isinstance(effort, str):
        return Ask(effort=effort)
    return _ask_in_thinking(body)


def _without_knobs(body: Mapping[str, Any]) -> JSON:
    """``body`` without any reasoning knob (``output_config`` keeps its other keys, e.g. ``format``)."""
    out = {k: v for k, v in body.items() if k not in ("reasoning_effort", "thinking", "output_config")}
    config = {k: v for k, v in _mapping(body.get("output_config")).items() if k != "effort"}
    if config:
        out["output_config"] = config
    return out


def _claude_knobs(body: Mapping[str, Any], ask: Ask, knobs: Knobs, api: Api) -> JSON:
    """``thinking`` (+ ``output_config.effort``) as a budget or an adaptive Claude takes it."""
    out = _without_knobs(body)
    if ask.off and "none" in knobs.efforts:
        return out
    if knobs.style == "adaptive":
        effort = nearest_effort("low" if ask.off else ask.as_effort(), knobs.efforts)
        out["thinking"] = {"type": "adaptive"}
        out["output_config"] = {**_mapping(out.get("output_config")), "effort": effort}
        return out
    if ask.effort == "minimal":  # the Anthropic encoder's reading too: no thinking
        return out
    limit = out.get("max_tokens")
    if not isinstance(limit, int) or isinstance(limit, bool):
        if api != "chat":
            return out
        # chat's default max_tokens (1,000 for Claude, §3.1) leaves no room for a budget
        limit = ask.as_budget() + ANSWER_ROOM
        out["max_tokens"] = limit
    budget = min(ask.as_budget(), limit - 1)
    if budget >= MIN_BUDGET:
        out["thinking"] = {"type": "enabled", "budget_tokens": budget}
    return out


def _fit_chat(body: JSON, model: Model) -> JSON:
    knobs = REASONING_KNOBS.for_model(model)
    ask = _ask_in_chat(body)
    if knobs is None or ask is None:
        return body
    if knobs.style != "effort":
        fixed = _claude_knobs(body, ask, knobs, "chat")
    else:
        fixed = {**_without_knobs(body), "reasoning_effort": nearest_effort(ask.as_effort(), knobs.efforts)}
    return body if fixed == body else fixed


def _fit_messages(body: JSON, model: Model) -> JSON:
    knobs = REASONING_KNOBS.for_model(model)
    ask = _ask_in_thinking(body)
    if knobs is None or ask is None or knobs.style == "effort":  # GLM/Kimi on Messages: as the caller said
        return body
    fixed = _claude_knobs(body, ask, knobs, "messages")
    return body if fixed == body else fixed


def _fit_responses(body: JSON, model: Model) -> JSON:
    knobs = REASONING_KNOBS.for_model(model)
    reasoning = _mapping(body.get("reasoning"))
    effort = reasoning.get("effort")
    if knobs is None or knobs.style != "effort" or not isinstance(effort, str):
        return body
    fitted = nearest_effort(effort, knobs.efforts)
    return body if fitted == effort else {**body, "reasoning": {**reasoning, "effort": fitted}}


FIT_REASONING_KNOBS: dict[Api, Callable[[JSON, Model], JSON]] = {
    "chat": _fit_chat,
    "responses": _fit_responses,
    "messages": _fit_messages,
}


def has_reasoning_knobs(model: Model) -> bool:
    return REASONING_KNOBS.for_model(model) is not None
