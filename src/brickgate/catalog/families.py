"""What we know about each model family: data, not if-chains. Adding a model is one row.

Limits and prices come from research/databricks-api.md §5 (LiteLLM's table, which cites Databricks'
pricing page; third-party, so every row can be overridden in config). Defect flags name the upstream
behaviour and the quirks module fixes each one; the quote after a flag is the error it prevents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any

from brickgate.wire.contract import Api as Api  # defined with the wire APIs; re-exported here

USD_PER_DBU = 0.07  # Model Serving list price on AWS; configurable (`usd_per_dbu` in config.toml)


@dataclass(frozen=True, slots=True, kw_only=True)
class Defects:
    """Upstream defects of a model, each repaired by a quirk; the quote is the error it prevents."""

    # "messages: text content blocks must be non-empty"
    rejects_empty_text_block: bool = False
    # content comes back as [{"type":"text","text":..,"thoughtSignature":..}]
    returns_array_content: bool = False
    # "Function call is missing a thought_signature in functionCall parts"
    needs_thought_signature: bool = False
    # `Unknown name "$schema"`; "Schema.ref ... was set alongside unsupported fields"
    restricted_tool_schema: bool = False
    single_system_message: bool = False
    # `json: unknown field "stream_options"`; strict decoders reject every unknown top-level field
    rejects_stream_options: bool = False
    strict_request_fields: bool = False
    # "Multiple tool calls are not supported."
    single_tool_call_per_turn: bool = False
    # "Model X only supports the Responses API. Please use /serving-endpoints/responses instead."
    responses_only: bool = False
    accepts_strict_tools: bool = False
    # "Model X does not support the temperature parameter."
    rejects_temperature: bool = False
    # takes its `reasoning_content` back on assistant messages (unknown for every family: 2026 §1.4, so the
    # default strips it, quirks/chat_history.py)
    replays_reasoning_content: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile(Defects):
    """Everything routing and the quirks read about a model: its API, limits, capabilities and defects.

    A family row sets them for its family; each ``Model`` carries its own copy, which config overrides,
    so what a user overrides is what brickgate does.
    """

    api: Api
    context_window: int
    max_output_tokens: int
    supports_tools: bool = True
    supports_images: bool = False
    supports_reasoning: bool = False
    supports_prompt_caching: bool = False


DEFECT_FIELDS = tuple(f.name for f in fields(Defects))
PROFILE_FIELDS = tuple(f.name for f in fields(Profile))


@dataclass(frozen=True, slots=True, kw_only=True)
class Family(Profile):
    name: str  # claude | gpt | codex | gemini | llama | qwen | gpt-oss | gemma | other
    # list prices, DBU per million tokens (0 = unknown)
    input_dbu: float = 0.0
    output_dbu: float = 0.0
    cache_read_dbu: float = 0.0
    cache_write_dbu: float = 0.0

    def profile(self) -> dict[str, Any]:
        """The family's profile fields, to give a Model."""
        return {name: getattr(self, name) for name in PROFILE_FIELDS}


_CLAUDE = Family(
    name="claude",
    api="messages",
    context_window=200_000,
    max_output_tokens=64_000,
    supports_images=True,
    supports_reasoning=True,
    supports_prompt_caching=True,
    input_dbu=42.857,
    output_dbu=214.29,
    cache_read_dbu=4.2857,
    cache_write_dbu=53.571,
    rejects_empty_text_block=True,
)
_OPUS = replace(_CLAUDE, input_dbu=71.429, output_dbu=357.14, cache_read_dbu=7.1429, cache_write_dbu=89.286)
_GPT = Family(
    name="gpt",
    api="responses",
    context_window=272_000,
    max_output_tokens=128_000,
    supports_images=True,
    supports_reasoning=True,
    input_dbu=25.0,
    output_dbu=200.0,
    cache_read_dbu=2.5,
    accepts_strict_tools=True,
)
_CODEX = replace(_GPT, name="codex", responses_only=True)
_GEMINI = Family(
    name="gemini",
    api="chat",
    context_window=1_048_576,
    max_output_tokens=65_536,
    supports_images=True,
    supports_reasoning=True,
    input_dbu=17.857,
    output_dbu=142.86,
    cache_read_dbu=1.7857,
    returns_array_content=True,
    restricted_tool_schema=True,
    single_system_message=True,
    rejects_stream_options=True,
)
_OPEN = Family(
    name="other",
    api="chat",
    context_window=128_000,
    max_output_tokens=8_192,
    rejects_stream_options=True,
    strict_request_fields=True,
)
_LLAMA = replace(_OPEN, name="llama", input_dbu=7.143, output_dbu=21.429)
_QWEN = replace(_OPEN, name="qwen", max_output_tokens=16_000, input_dbu=2.143, output_dbu=17.143)
_GPT_OSS = replace(
    _OPEN,
    name="gpt-oss",
    context_window=131_072,
    max_output_tokens=131_072,
    supports_reasoning=True,
    input_dbu=2.143,
    output_dbu=8.571,
    single_tool_call_per_turn=True,
)
_GEMMA = replace(
    _OPEN, name="gemma", max_output_tokens=32_000, supports_images=True, input_dbu=2.143, output_dbu=7.143
)

# (pattern on the bare model name, family row). First match wins, so specific rows come first.
FAMILY_TABLE: tuple[tuple[str, Family], ...] = (
    (
        r"claude-opus-4-1",
        replace(
            _OPUS,
            input_dbu=214.29,
            output_dbu=1071.4,
            cache_read_dbu=21.429,
            cache_write_dbu=267.86,
            max_output_tokens=32_000,
        ),
    ),
    (r"claude-opus-4-5", _OPUS),
    (r"claude-opus-4-[6-9]", replace(_OPUS, context_window=1_000_000, max_output_tokens=128_000)),
    (
        r"claude-opus-5",
        replace(
            _OPUS,
            context_window=1_000_000,
            max_output_tokens=128_000,
            rejects_temperature=True,
        ),
    ),
    (r"claude-opus", _OPUS),
    (r"claude-sonnet-4-6", replace(_CLAUDE, context_window=1_000_000)),
    (
        r"claude-sonnet-5",
        replace(_CLAUDE, context_window=1_000_000, rejects_temperature=True),
    ),
    (
        r"claude-haiku",
        replace(_CLAUDE, input_dbu=14.286, output_dbu=71.429, cache_read_dbu=1.4286, cache_write_dbu=17.857),
    ),
    (r"claude", _CLAUDE),
    (r"gpt-oss-20b", replace(_GPT_OSS, input_dbu=1.0, output_dbu=4.286)),
    (r"gpt-oss", _GPT_OSS),
    (r"gpt-.*codex", _CODEX),
    (r"gpt-5-nano", replace(_GPT, input_dbu=0.714, output_dbu=5.714, cache_read_dbu=0.0714)),
    (r"gpt-5-mini", replace(_GPT, input_dbu=3.571, output_dbu=28.571, cache_read_dbu=0.3571)),
    (r"gpt-5(-1)?$", replace(_GPT, input_dbu=17.857, output_dbu=142.86, cache_read_dbu=1.7857)),
    (r"gpt-5-[5-9]", replace(_GPT, context_window=400_000)),
    (r"gpt", _GPT),
    (
        r"gemini-2-5-flash",
        replace(_GEMINI, max_output_tokens=65_535, input_dbu=4.286, output_dbu=35.714, cache_read_dbu=0.4286),
    ),
    (r"gemini-2", _GEMINI),
    (
        r"gemini-3(-\d+)?-pro",
        replace(
            _GEMINI, input_dbu=35.714, output_dbu=214.29, cache_read_dbu=3.5714, needs_thought_signature=True
        ),
    ),
    (r"gemini", replace(_GEMINI, input_dbu=4.286, output_dbu=35.714, needs_thought_signature=True)),
    (r"llama-3-1-8b", replace(_LLAMA, input_dbu=2.143, output_dbu=6.429)),
    (r"llama-4", replace(_LLAMA, supports_images=True)),
    (r"llama", _LLAMA),
    (r"qwen", _QWEN),
    (r"gemma", _GEMMA),
)
_COMPILED = tuple((re.compile(p), f) for p, f in FAMILY_TABLE)
OTHER = _OPEN
FAMILY_NAMES = ("claude", "gpt", "codex", "gemini", "llama", "qwen", "gpt-oss", "gemma", "other")


def bare_name(name: str) -> str:
    """`databricks-claude-sonnet-4-5`, `system.ai.claude-sonnet-4-5`, `databricks/x` → `claude-sonnet-4-5`."""
    n = name.strip().lower()
    for prefix in ("databricks/", "system.ai.", "databricks-"):
        if n.startswith(prefix):
            n = n[len(prefix) :]
    return n.replace(".", "-").replace("_", "-")


def family_for(name: str) -> Family:
    """The family row for an endpoint or upstream model name; unknown names get safe chat defaults."""
    bare = bare_name(name)
    for pattern, fam in _COMPILED:
        if pattern.search(bare):
            return fam
    return OTHER
