"""Sampling parameters the new models refuse, dropped before the request goes (not after a failed one).

Upstream facts (research databricks-2026.md §1.5, §3.2):

| models (bare-name pattern)             | refuse                                         | source          |
|---|---|---|
| Claude Opus 4.7+ and every Claude 5.x  | temperature, top_p, top_k, penalties           | [KAS] tests     |
| older (manual-thinking) Claude         | penalties                                      | [KAS]           |
| the GPT-5/6 line (not gpt-oss)         | temperature, top_p, penalties, stop            | [KAS]           |
| Gemini 3.8 Flash                       | temperature, top_p, top_k (no sampling params) | [KAS]; [LL]     |
| Kimi K3                                | temperature, top_p, n, penalties               | [HALO]          |
| Grok                                   | penalties, stop, logprobs (and top_logprobs)   | [HALO]          |

The one documented text: ``Model global.anthropic.claude-opus-5 does not support the temperature
parameter.`` [KAS]. Each name is dropped in every API that spells it (``stop`` is ``stop_sequences`` on
Messages, ``generationConfig.stopSequences`` on the Gemini API); the caller's value cannot be honoured by that
model either way (Gemini CLI sends ``temperature``, ``topP`` and ``topK`` on every request).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from brickgate.catalog.model import Model
from brickgate.quirks.by_model import ModelTable
from brickgate.wire.contract import Api

JSON = dict[str, Any]
log = logging.getLogger("brickgate.quirks")

_PENALTIES = ("frequency_penalty", "presence_penalty")
_NEW_CLAUDE = ("temperature", "top_p", "top_k", *_PENALTIES)

REFUSED_SAMPLING: ModelTable[tuple[str, ...]] = ModelTable(
    (
        (r"claude-opus-4-[7-9]|claude-[a-z]+-5", _NEW_CLAUDE),
        (r"claude", _PENALTIES),
        (r"^gpt-[5-9]", ("temperature", "top_p", *_PENALTIES, "stop")),
        (r"gemini-3-8-flash", ("temperature", "top_p", "top_k")),
        (r"kimi-k3", ("temperature", "top_p", "n", *_PENALTIES)),
        (r"grok", (*_PENALTIES, "stop", "logprobs", "top_logprobs")),
    )
)

_APIS: tuple[Api, ...] = ("chat", "responses", "messages")
# how each API spells a parameter (absent: the API has no such field)
_SPELLING: dict[str, dict[Api, str]] = {
    "temperature": {"chat": "temperature", "responses": "temperature", "messages": "temperature"},
    "top_p": {"chat": "top_p", "responses": "top_p", "messages": "top_p"},
    "top_k": {"chat": "top_k", "messages": "top_k"},
    "frequency_penalty": {"chat": "frequency_penalty"},
    "presence_penalty": {"chat": "presence_penalty"},
    "stop": {"chat": "stop", "messages": "stop_sequences"},
    "n": {"chat": "n"},
    "logprobs": {"chat": "logprobs"},
    "top_logprobs": {"chat": "top_logprobs", "responses": "top_logprobs"},
}


def refused_fields(model: Model, api: Api) -> tuple[str, ...]:
    """The request fields ``model`` refuses on ``api``, in that API's spelling."""
    refused = REFUSED_SAMPLING.for_model(model) or ()
    return tuple(_SPELLING[p][api] for p in refused if api in _SPELLING[p])


def _dropper(api: Api) -> Callable[[JSON, Model], JSON]:
    def drop_refused_sampling(body: JSON, model: Model) -> JSON:
        present = [name for name in refused_fields(model, api) if name in body]
        if not present:
            return body
        log.debug("dropping %s: %s does not support them", ", ".join(present), model.id)
        return {k: v for k, v in body.items() if k not in present}

    drop_refused_sampling.__doc__ = f"Sampling fields the model refuses, removed from a {api} body."
    return drop_refused_sampling


# the Gemini API keeps them in `generationConfig`, camel-cased
_GEMINI_SPELLING = {
    "temperature": "temperature",
    "top_p": "topP",
    "top_k": "topK",
    "frequency_penalty": "frequencyPenalty",
    "presence_penalty": "presencePenalty",
    "stop": "stopSequences",
    "n": "candidateCount",
    "logprobs": "responseLogprobs",
    "top_logprobs": "logprobs",
}


def _drop_from_generation_config(body: JSON, model: Model) -> JSON:
    """Sampling fields the model refuses, removed from a Gemini API body's ``generationConfig``."""
    config = body.get("generationConfig")
    if not isinstance(config, dict):
        return body
    present = [
        _GEMINI_SPELLING[p] for p in REFUSED_SAMPLING.for_model(model) or () if _GEMINI_SPELLING[p] in config
    ]
    if not present:
        return body
    log.debug("dropping %s: %s does not support them", ", ".join(present), model.id)
    return {**body, "generationConfig": {k: v for k, v in config.items() if k not in present}}


DROP_REFUSED_SAMPLING: dict[Api, Callable[[JSON, Model], JSON]] = {
    **{api: _dropper(api) for api in _APIS},
    "gemini": _drop_from_generation_config,
}


def refuses_sampling(model: Model) -> bool:
    return REFUSED_SAMPLING.for_model(model) is not None
