"""The quirk table: which repairs a model needs on which upstream API, on the request and on the answer.

Selection is data: each row names one documented defect, its repair of the upstream request body and/or
of the answer per upstream API, the Model field that calls for it (its family row's flag, as config
overrides it), and the upstream error text that names it (so a model no row knows yet gets the same fix on
an adaptive retry, quirks/rejection.py). Rows run in table order. ``relay_only`` answer repairs matter only
where the upstream's bytes reach the caller (the same-API relay): translated paths decode the answer, and
the decoder already copes (or needs what the repair would remove, such as reasoning signatures). Where
models of one family differ (reasoning knobs, refused sampling, Kimi's tool names), a row reads a per-model
pattern table (``reasoning_knobs.py``, ``sampling.py``, ``by_model.py``) instead of a family flag.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from brickgate.catalog.model import Model
from brickgate.quirks import (
    caching,
    chat_history,
    empty_content,
    fields,
    messages,
    responses,
    thought_signatures,
    tool_schema,
)
from brickgate.quirks.array_content import ArrayContentFlattener
from brickgate.quirks.bedrock_metrics import BedrockMetricsRepair
from brickgate.quirks.by_model import ModelTable
from brickgate.quirks.chat_chunks import ChatChunkRepair
from brickgate.quirks.memory import RepairMemory
from brickgate.quirks.reasoning_knobs import FIT_REASONING_KNOBS, has_reasoning_knobs
from brickgate.quirks.sampling import DROP_REFUSED_SAMPLING, refuses_sampling
from brickgate.quirks.schema_unions import flatten_schema_unions
from brickgate.quirks.server_tools import drop_unserved_server_tools
from brickgate.quirks.stream import ResponseRepair, StreamRepair
from brickgate.wire.contract import Api

log = logging.getLogger("brickgate.quirks")
JSON = dict[str, Any]
Repair = Callable[[JSON], JSON]


@dataclass(frozen=True, slots=True)
class Remembering:
    """A request repair that also reads what the workspace learnt from earlier answers."""

    repair: Callable[[JSON, RepairMemory], JSON]


@dataclass(frozen=True, slots=True)
class ForModel:
    """A request repair that reads the model it is for (a setting the user made for that model)."""

    repair: Callable[[JSON, Model], JSON]


RequestRepair = Repair | Remembering | ForModel
ResponseRepairFactory = Callable[[RepairMemory], ResponseRepair]


@dataclass(frozen=True, slots=True)
class Repaired:
    """An upstream body after repairs, and the names of the repairs that changed something."""

    body: JSON
    applied: tuple[str, ...] = ()
    raw: bytes | None = None  # ``body`` already encoded (the caller's own bytes, when no repair changed them)


@dataclass(frozen=True, slots=True, kw_only=True)
class Quirk:
    """One documented defect: when a model has it, and its repairs per upstream API."""

    name: str
    applies: Callable[[Model], bool]
    request: Mapping[Api, RequestRepair] = field(default_factory=dict)
    response: Mapping[Api, ResponseRepairFactory] = field(default_factory=dict)
    refusal: str | None = None  # text of the upstream error this defect causes
    relay_only: bool = False  # the answer repairs run only where upstream bytes reach the caller


def _always(_: Model) -> bool:
    return True


# Kimi K3: tool messages must name their tool (2026 §1.5); a table, as more models may want it
NAMES_TOOL_RESULTS: ModelTable[bool] = ModelTable(((r"kimi-k3", True),))


def _chat_responses_messages(repair: RequestRepair) -> dict[Api, RequestRepair]:
    return dict.fromkeys(("chat", "responses", "messages"), repair)


QUIRKS: tuple[Quirk, ...] = (
    Quirk(name="rename_max_completion_tokens", applies=_always,
          request={"chat": fields.rename_max_completion_tokens}),
    Quirk(name="fit_reasoning_knobs", applies=has_reasoning_knobs,
          request={api: ForModel(fit) for api, fit in FIT_REASONING_KNOBS.items()}),
    Quirk(name="drop_temperature", applies=lambda m: m.rejects_temperature,
          request=_chat_responses_messages(fields.drop_temperature),
          refusal="does not support the temperature parameter"),
    Quirk(name="drop_refused_sampling", applies=refuses_sampling,
          request={api: ForModel(drop) for api, drop in DROP_REFUSED_SAMPLING.items()}),
    Quirk(name="strip_message_names", applies=_always, request={"chat": messages.strip_message_names}),
    Quirk(name="name_tool_results", applies=lambda m: NAMES_TOOL_RESULTS.for_model(m) is not None,
          request={"chat": messages.name_tool_results},
          refusal="tool messages need a resolvable tool name"),
    Quirk(name="developer_as_system", applies=lambda m: m.single_system_message,
          request={"chat": messages.developer_as_system}),
    Quirk(name="merge_system_messages", applies=lambda m: m.single_system_message,
          request={"chat": messages.merge_system_messages}),
    Quirk(name="drop_empty_text", applies=lambda m: m.rejects_empty_text_block,
          request={"chat": empty_content.drop_empty_text_chat,
                   "messages": empty_content.drop_empty_text_anthropic},
          refusal="text content blocks must be non-empty"),
    Quirk(name="split_parallel_tool_calls", applies=lambda m: m.single_tool_call_per_turn,
          request={"chat": messages.split_parallel_tool_calls},
          refusal="Multiple tool calls are not supported"),
    Quirk(name="strip_reasoning_content", applies=lambda m: not m.replays_reasoning_content,
          request={"chat": chat_history.strip_reasoning_content}),
    Quirk(name="flatten_array_content", applies=lambda m: m.returns_array_content,
          response={"chat": ArrayContentFlattener}),
    # reasoning parts (Claude, gpt-oss, Grok on chat) mean nothing to an OpenAI client: the relay flattens
    # them too; the decoder reads them, signatures included, on translated paths
    Quirk(name="flatten_relayed_array_content", applies=lambda m: not m.returns_array_content,
          response={"chat": ArrayContentFlattener}, relay_only=True),
    Quirk(name="attach_thought_signatures", applies=lambda m: m.needs_thought_signature,
          request={"chat": Remembering(thought_signatures.attach_thought_signatures)}),
    Quirk(name="sanitize_tool_schemas", applies=lambda m: m.restricted_tool_schema,
          request=_chat_responses_messages(tool_schema.sanitize_tool_schemas)),
    Quirk(name="flatten_schema_unions", applies=lambda m: m.restricted_tool_schema,
          request=_chat_responses_messages(flatten_schema_unions)),
    Quirk(name="ensure_object_parameters", applies=_always,
          request=_chat_responses_messages(tool_schema.ensure_object_parameters)),
    Quirk(name="strip_strict_from_tools", applies=lambda m: not m.accepts_strict_tools,
          request=dict.fromkeys(("chat", "responses"), tool_schema.strip_strict_from_tools)),
    Quirk(name="drop_eager_input_streaming", applies=_always,
          request={"messages": fields.drop_eager_input_streaming}),
    Quirk(name="drop_unserved_server_tools", applies=_always,
          request={"messages": drop_unserved_server_tools}),
    Quirk(name="drop_stream_options", applies=lambda m: m.rejects_stream_options,
          request={"chat": fields.drop_stream_options}),
    Quirk(name="drop_unknown_fields", applies=lambda m: m.strict_request_fields,
          request={"chat": fields.drop_unknown_chat_fields}),
    Quirk(name="strip_cache_control", applies=lambda m: not m.supports_prompt_caching,
          request=_chat_responses_messages(caching.strip_cache_control)),
    Quirk(name="add_cache_breakpoints", applies=lambda m: m.supports_prompt_caching,
          request={"chat": caching.add_cache_breakpoints_chat,
                   "messages": caching.add_cache_breakpoints_anthropic}),
    Quirk(name="shorten_input_ids", applies=_always, request={"responses": responses.shorten_input_ids}),
    Quirk(name="drop_unsupported_responses_options", applies=_always,
          request={"responses": responses.drop_unsupported_responses_options}),
    Quirk(name="align_item_ids", applies=_always, response={"responses": lambda _: responses.ItemIdRepair()}),
    Quirk(name="add_total_tokens", applies=_always,
          response={"responses": lambda _: responses.TotalTokensRepair()}),
    Quirk(name="drop_bedrock_metrics", applies=_always,
          response={"messages": lambda _: BedrockMetricsRepair()}, relay_only=True),
    Quirk(name="apply_service_tier", applies=lambda m: m.service_tier is not None,
          request=_chat_responses_messages(ForModel(fields.apply_service_tier))),
    # last: the finish chunk it may add before `[DONE]` must not pass through another row's raw repair
    Quirk(name="chat_chunks_for_openai_clients", applies=_always,
          response={"chat": lambda _: ChatChunkRepair()}, relay_only=True),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Plan:
    """The rows of the table that apply to one model on one upstream API."""

    request: tuple[tuple[str, RequestRepair], ...]
    response: tuple[ResponseRepairFactory, ...]


_PLANS: dict[tuple[Model, Api, bool], Plan] = {}


def plan_for(model: Model, api: Api, relay: bool = False) -> Plan:
    """The repairs that apply to ``model`` on ``api`` (``relay``: for the same-API relay), in table order
    (memoised: the table is constant)."""
    key = (model, api, relay)
    plan = _PLANS.get(key)
    if plan is None:
        rows = [q for q in QUIRKS if q.applies(model)]
        plan = Plan(
            request=tuple((q.name, q.request[api]) for q in rows if api in q.request),
            response=tuple(
                q.response[api] for q in rows if api in q.response and (relay or not q.relay_only)
            ),
        )
        if len(_PLANS) > 4096:  # models are few; a long-running process must still not grow without bound
            _PLANS.clear()
        _PLANS[key] = plan
    return plan


def run_repairs(
    body: JSON,
    repairs: tuple[tuple[str, RequestRepair], ...],
    memory: RepairMemory | None = None,
    model: Model | None = None,
) -> Repaired:
    """``body`` through each named repair; never mutated (repairs copy what they change). A ``ForModel``
    repair is skipped without a ``model`` (the adaptive retry has none)."""
    applied: list[str] = []
    for name, repair in repairs:
        if isinstance(repair, Remembering):
            fixed = repair.repair(body, memory or RepairMemory())
        elif isinstance(repair, ForModel):
            fixed = body if model is None else repair.repair(body, model)
        else:
            fixed = repair(body)
        if fixed is not body:
            applied.append(name)
            body = fixed
    return Repaired(body, tuple(applied))


def repair_request(body: JSON, model: Model, api: Api, memory: RepairMemory | None = None) -> Repaired:
    """The upstream ``body`` (already in ``api``'s shape) with every repair ``model`` needs.

    ``memory`` is what the workspace learnt from earlier answers (none: a fresh one). ``applied`` names the
    repairs that changed something, e.g. ``("drop_stream_options",)``.
    """
    repaired = run_repairs(body, plan_for(model, api).request, memory, model)
    if repaired.applied and log.isEnabledFor(logging.DEBUG):  # `--debug` names every repair
        log.debug("repairs for %s on %s: %s", model.id, api, ", ".join(repaired.applied))
    return repaired


def stream_repair(
    model: Model, api: Api, memory: RepairMemory | None = None, *, relay: bool = False
) -> StreamRepair:
    """The response repairs ``model`` needs on ``api``, fresh for one answer (``relay``: one relayed to the
    caller as upstream bytes)."""
    remembered = memory or RepairMemory()
    return StreamRepair(tuple(make(remembered) for make in plan_for(model, api, relay).response))
