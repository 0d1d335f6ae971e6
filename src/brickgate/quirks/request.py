"""Which repairs apply to which family and API, and the pipeline that runs them on an upstream body.

Selection is data: each row names a repair, the upstream APIs it knows, and the Model field that calls for
it (the model's profile: its family row's flags, as config overrides them). Rows run in table order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from brickgate.catalog.families import Api
from brickgate.catalog.model import Model
from brickgate.quirks import (
    caching,
    empty_content,
    fields,
    messages,
    responses,
    thought_signatures,
    tool_schema,
)

JSON = dict[str, Any]
Repair = Callable[[JSON], JSON]


@dataclass(frozen=True, slots=True)
class Repaired:
    """An upstream body after repairs, and the names of the repairs that changed something."""

    body: JSON
    applied: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Quirk:
    """One documented defect: its repair per upstream API, and when a model needs it."""

    name: str
    repairs: Mapping[Api, Repair]
    applies: Callable[[Model], bool]


def _always(_: Model) -> bool:
    return True


QUIRKS: tuple[Quirk, ...] = (
    Quirk("rename_max_completion_tokens", {"chat": fields.rename_max_completion_tokens}, _always),
    Quirk("drop_temperature", dict.fromkeys(("chat", "responses", "messages"), fields.drop_temperature),
          lambda f: f.rejects_temperature),
    Quirk("strip_message_names", {"chat": messages.strip_message_names}, _always),
    Quirk("merge_system_messages", {"chat": messages.merge_system_messages},
          lambda f: f.single_system_message),
    Quirk("drop_empty_text",
          {"chat": empty_content.drop_empty_text_chat, "messages": empty_content.drop_empty_text_anthropic},
          lambda f: f.rejects_empty_text_block),
    Quirk("split_parallel_tool_calls", {"chat": messages.split_parallel_tool_calls},
          lambda f: f.single_tool_call_per_turn),
    Quirk("attach_thought_signatures", {"chat": thought_signatures.attach_thought_signatures},
          lambda f: f.needs_thought_signature),
    Quirk("sanitize_tool_schemas",
          dict.fromkeys(("chat", "responses", "messages"), tool_schema.sanitize_tool_schemas),
          lambda f: f.restricted_tool_schema),
    Quirk("ensure_object_parameters",
          dict.fromkeys(("chat", "responses", "messages"), tool_schema.ensure_object_parameters), _always),
    Quirk("strip_strict_from_tools",
          dict.fromkeys(("chat", "responses"), tool_schema.strip_strict_from_tools),
          lambda f: not f.accepts_strict_tools),
    Quirk("drop_eager_input_streaming", {"messages": fields.drop_eager_input_streaming}, _always),
    Quirk("drop_stream_options", {"chat": fields.drop_stream_options}, lambda f: f.rejects_stream_options),
    Quirk("drop_unknown_fields", {"chat": fields.drop_unknown_chat_fields},
          lambda f: f.strict_request_fields),
    Quirk("strip_cache_control",
          dict.fromkeys(("chat", "responses", "messages"), caching.strip_cache_control),
          lambda f: not f.supports_prompt_caching),
    Quirk("add_cache_breakpoints",
          {"chat": caching.add_cache_breakpoints_chat, "messages": caching.add_cache_breakpoints_anthropic},
          lambda f: f.supports_prompt_caching),
    Quirk("shorten_input_ids", {"responses": responses.shorten_input_ids}, _always),
    Quirk("drop_unsupported_responses_options", {"responses": responses.drop_unsupported_responses_options},
          _always),
)  # fmt: skip

_PLANS: dict[tuple[Model, Api], tuple[tuple[str, Repair], ...]] = {}


def repairs_for(model: Model, api: Api) -> tuple[tuple[str, Repair], ...]:
    """The (name, repair) pairs that apply to a model on an upstream API, in order (memoised)."""
    key = (model, api)
    plan = _PLANS.get(key)
    if plan is None:
        plan = tuple((q.name, q.repairs[api]) for q in QUIRKS if api in q.repairs and q.applies(model))
        if len(_PLANS) > 4096:  # models are few; a long-running process must still not grow without bound
            _PLANS.clear()
        _PLANS[key] = plan
    return plan


def run_repairs(body: JSON, plan: tuple[tuple[str, Repair], ...]) -> Repaired:
    """``body`` through each repair of ``plan``; never mutated (repairs copy what they change)."""
    applied: list[str] = []
    for name, repair in plan:
        fixed = repair(body)
        if fixed is not body:
            applied.append(name)
            body = fixed
    return Repaired(body, tuple(applied))


def repair_request(body: JSON, model: Model, api: Api) -> Repaired:
    """The upstream ``body`` (already in ``api``'s shape) with every repair ``model`` needs.

    ``applied`` names the repairs that changed something, e.g. ``("drop_stream_options",)``.
    """
    return run_repairs(body, repairs_for(model, api))
