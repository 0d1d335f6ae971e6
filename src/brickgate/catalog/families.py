"""What we know about each model family: data, not if-chains. Adding a model is one row.

The workspace's own declarations come first (catalog/discovery.py: `api_types`, prices, capabilities); a
row is the fallback for what it does not declare, and the home of defects nobody declares. Limits and
prices come from research/databricks-2026.md §1.2 (2025 rows: databricks-api.md §5), LiteLLM's table,
which cites Databricks' pricing page: third-party, so every row can be overridden in config. Prices are
written in $ per 1M tokens as the research lists them and kept in DBU (`$ = DBU * 0.07`).

`max_output_tokens` is what a request may really ask for, not the model card: the smallest of the card, the
gateway's cap (GLM 25,000 [UG]) and the per-minute output budget a larger `max_tokens` can never be admitted
under (OTPM, §3.1 [HALO]). A 400 saying `max_tokens` is too large is clamped and retried anyway.

Defect flags name the upstream behaviour and the quirks module fixes each one; the quote after a flag is the
error it prevents.
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
    name: str  # one of FAMILY_NAMES
    # list prices, DBU per million tokens (0 = unknown)
    input_dbu: float = 0.0
    output_dbu: float = 0.0
    cache_read_dbu: float = 0.0
    cache_write_dbu: float = 0.0
    not_chat: str | None = None  # why endpoints of this family are no chat models (judges, image output)

    def profile(self) -> dict[str, Any]:
        """The family's profile fields, to give a Model."""
        return {name: getattr(self, name) for name in PROFILE_FIELDS}

    @property
    def known(self) -> bool:
        """False for the row of names no family matches (limits are brickgate's defaults)."""
        return self.name != "other"


def _usd(family: Family, usd_in: float, usd_out: float, cache_read: float = 0.0, **limits: Any) -> Family:
    """`family` at these $ per 1M tokens (research §1.2 columns); Claude's cache writes cost 1.25 * input."""
    write = usd_in * 1.25 if family.supports_prompt_caching else 0.0
    return replace(
        family,
        input_dbu=round(usd_in / USD_PER_DBU, 4),
        output_dbu=round(usd_out / USD_PER_DBU, 4),
        cache_read_dbu=round(cache_read / USD_PER_DBU, 4),
        cache_write_dbu=round(write / USD_PER_DBU, 4),
        **limits,
    )


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
_CLAUDE_1M = replace(_CLAUDE, context_window=1_000_000, max_output_tokens=128_000)
_OPUS_1M = replace(_OPUS, context_window=1_000_000, max_output_tokens=128_000)
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
_GPT_922K = replace(_GPT, context_window=922_000)
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
_GEMINI_3 = replace(_GEMINI, needs_thought_signature=True)
# The strict (Go) chat decoder of the older open models (research databricks-api.md §3.4).
_STRICT_OPEN = Family(
    name="other",
    api="chat",
    context_window=128_000,
    max_output_tokens=8_192,
    rejects_stream_options=True,
    strict_request_fields=True,
)
# A family no row knows (a new one next month): brickgate's defaults. 128K context is the smallest of any
# 2026 chat row; 32K output is what coding agents ask for by default (an 8,192 cap cuts their edits short).
# Declared capabilities override both (catalog/discovery.py), and a too-large max_tokens is clamped on 400.
OTHER = replace(_STRICT_OPEN, max_output_tokens=32_000)
_LLAMA = replace(_STRICT_OPEN, name="llama", input_dbu=7.143, output_dbu=21.429)
_QWEN = replace(_STRICT_OPEN, name="qwen", max_output_tokens=16_000, input_dbu=2.143, output_dbu=17.143)
_GPT_OSS = replace(
    _STRICT_OPEN,
    name="gpt-oss",
    context_window=131_072,
    max_output_tokens=131_072,
    supports_reasoning=True,
    input_dbu=2.143,
    output_dbu=8.571,
    single_tool_call_per_turn=True,
)
_GEMMA = replace(
    _STRICT_OPEN,
    name="gemma",
    max_output_tokens=32_000,
    supports_images=True,
    input_dbu=2.143,
    output_dbu=7.143,
)
# The 2026 open reasoning models (GLM, Kimi, DeepSeek, Inkling, Grok): chat decoders that accept the OpenAI
# fields, reasoning as `reasoning_content` (§1.3-§1.5).
_REASONING_OPEN = Family(
    name="other", api="chat", context_window=1_000_000, max_output_tokens=32_000, supports_reasoning=True
)
_GLM = replace(_REASONING_OPEN, name="glm", context_window=1_048_576, max_output_tokens=25_000)  # 25K [UG]
_KIMI = replace(_REASONING_OPEN, name="kimi", max_output_tokens=40_000, supports_images=True)  # OTPM [HALO]
_DEEPSEEK = replace(_REASONING_OPEN, name="deepseek", max_output_tokens=40_000, supports_images=True)
_GROK = replace(_REASONING_OPEN, name="grok", context_window=500_000)
_NOT_CHAT = replace(OTHER, supports_tools=False)
_JUDGE = replace(_NOT_CHAT, name="judge", not_chat="judge (evaluation) endpoint: answers ai_decide, not chat")
_IMAGE = replace(_NOT_CHAT, name="image", not_chat="image-output model: answers with pictures, not code")

# (pattern on the bare model name, family row). First match wins, so specific rows come first.
FAMILY_TABLE: tuple[tuple[str, Family], ...] = (
    # §1.5a decision endpoints and §1.2 image-output models: listed with the reason, never used for chat
    (r"openjev|jev-\d", _usd(_JUDGE, 0.042, 0.0)),
    (r"image", _IMAGE),
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
    (r"claude-opus-4-[6-9]", _OPUS_1M),
    (r"claude-opus-5-5", _usd(_CLAUDE_1M, 4, 20, 0.20, rejects_temperature=True)),
    (
        r"claude-opus-5",
        replace(_OPUS, context_window=1_000_000, max_output_tokens=128_000, rejects_temperature=True),
    ),
    (r"claude-opus", _OPUS),
    (r"claude-sonnet-4-6", replace(_CLAUDE, context_window=1_000_000)),
    (r"claude-sonnet-5-5", _usd(_CLAUDE_1M, 2, 10, 0.10)),
    (r"claude-sonnet-5", _usd(_CLAUDE_1M, 2, 10, 0.20, rejects_temperature=True)),
    (r"claude-haiku-5", _usd(_CLAUDE_1M, 0.10, 0.50, 0.01)),
    (
        r"claude-haiku",
        replace(_CLAUDE, input_dbu=14.286, output_dbu=71.429, cache_read_dbu=1.4286, cache_write_dbu=17.857),
    ),
    (r"claude-fable-5-1", _usd(_CLAUDE_1M, 10, 50, 0.25, rejects_temperature=True)),
    (r"claude-fable", _usd(_CLAUDE_1M, 10, 50, 1.00, rejects_temperature=True)),
    (r"claude", _CLAUDE),
    (r"gpt-oss-20b", replace(_GPT_OSS, input_dbu=1.0, output_dbu=4.286)),
    (r"gpt-oss", _GPT_OSS),
    (r"gpt-.*codex", _CODEX),
    # Pro GPTs speak Responses only (§1.3)
    (r"gpt-5-[45]-pro", _usd(_GPT_922K, 30, 180, responses_only=True)),
    (r"gpt-5-4-mini", _usd(_GPT, 0.75, 4.5)),
    (r"gpt-5-4-nano", _usd(_GPT, 0.20, 1.25)),
    (r"gpt-5-4", _usd(_GPT_922K, 2.5, 15, 0.25)),
    (r"gpt-5-5", _usd(_GPT_922K, 5, 30, 0.50)),
    (r"gpt-5-6-sol", _usd(_GPT_922K, 4, 20, 0.40)),
    (r"gpt-5-6-terra", _usd(_GPT_922K, 2, 12, 0.20)),
    (r"gpt-5-6-luna", _usd(_GPT_922K, 0.20, 1.20, 0.02)),
    (r"gpt-6-astra", _usd(_GPT_922K, 10, 50, 1.00)),
    (r"gpt-6-1-sol", _usd(_GPT_922K, 2, 10, 0.10)),
    (r"gpt-6-sol", _usd(_GPT_922K, 2, 10, 0.20)),
    (r"gpt-6-1-terra", _usd(_GPT_922K, 1, 5, 0.05)),
    (r"gpt-6-luna", _usd(_GPT_922K, 0.10, 0.50, 0.01)),
    (r"gpt-5-nano", replace(_GPT, input_dbu=0.714, output_dbu=5.714, cache_read_dbu=0.0714)),
    (r"gpt-5-mini", replace(_GPT, input_dbu=3.571, output_dbu=28.571, cache_read_dbu=0.3571)),
    (r"gpt-5(-1)?$", replace(_GPT, input_dbu=17.857, output_dbu=142.86, cache_read_dbu=1.7857)),
    (r"gpt-(5-[5-9]|[6-9])", _GPT_922K),
    (r"gpt", _GPT),
    (
        r"gemini-2-5-flash",
        replace(_GEMINI, max_output_tokens=65_535, input_dbu=4.286, output_dbu=35.714, cache_read_dbu=0.4286),
    ),
    (r"gemini-2", _GEMINI),
    (
        r"gemini-3(-\d+)?-pro",
        replace(_GEMINI_3, input_dbu=35.714, output_dbu=214.29, cache_read_dbu=3.5714),
    ),
    (r"gemini-3-5-flash-lite", _usd(_GEMINI_3, 0.375, 3.125, 0.0375)),
    (r"gemini-3-1-flash-lite", _usd(_GEMINI_3, 0.3125, 1.875, 0.031)),
    (r"gemini-3-5-flash", _usd(_GEMINI_3, 1.875, 11.25, 0.1875)),
    (r"gemini-3-[6-9]-flash", _usd(_GEMINI_3, 0.75, 3.75, 0.075)),
    (r"gemini-3-flash", _usd(_GEMINI_3, 0.625, 3.75)),
    (r"gemini-4-argon", _usd(_GEMINI_3, 2.5, 12.5, 0.125, max_output_tokens=1_048_576)),
    (r"gemini", replace(_GEMINI_3, input_dbu=4.286, output_dbu=35.714)),
    (r"glm-5-3-flash", _usd(_GLM, 0.15, 0.50, 0.03, supports_images=True)),
    (r"glm-5-2", _usd(_GLM, 1.40, 4.40, 0.26, context_window=1_000_000)),
    (r"glm", _usd(_GLM, 1.40, 4.40, 0.26)),
    (r"kimi-k3-1-pro", _usd(_KIMI, 2.00, 10.00, 0.20, context_window=1_048_576)),
    (r"kimi-k2", _usd(_KIMI, 0.95, 4.00, 0.19, context_window=262_144, max_output_tokens=262_144)),
    (r"kimi", _usd(_KIMI, 3.00, 15.00, 0.30)),
    # DeepSeek outputs: the OTPM a larger max_tokens is refused under at once (§3.1 [HALO])
    (r"deepseek-v4-pro", _usd(_DEEPSEEK, 1.32, 3.96, 0.132, max_output_tokens=4_000, supports_images=False)),
    (
        r"deepseek-v4-flash",
        _usd(_DEEPSEEK, 0.14, 0.28, 0.028, max_output_tokens=10_000, supports_images=False),
    ),
    (r"deepseek-v4-1-flash-\d{4}", _usd(_DEEPSEEK, 0.30, 1.20, 0.007)),
    (r"deepseek", _usd(_DEEPSEEK, 0.30, 1.20, 0.03)),
    (r"inkling", _usd(replace(_REASONING_OPEN, name="inkling", supports_images=True), 1.00, 4.05, 0.17)),
    (r"grok-4-6", _usd(_GROK, 2.5, 7.5, 0.625)),
    (r"grok", _usd(_GROK, 2.5, 7.5, 0.625, max_output_tokens=500_000, supports_images=True)),
    (r"llama-3-1-8b", replace(_LLAMA, input_dbu=2.143, output_dbu=6.429)),
    (r"llama-4", replace(_LLAMA, max_output_tokens=128_000, supports_images=True)),
    (r"llama", _LLAMA),
    # Qwen 3.5 thinks always (TAO [LL]) and keeps the strict decoder (emulator row; §1.2: 262K / 25K)
    (
        r"qwen-?3-?5",
        _usd(
            _QWEN, 0.22, 2.20, 0.22, context_window=262_144, max_output_tokens=25_000, supports_reasoning=True
        ),
    ),
    (r"qwen", _QWEN),
    (r"gemma", _GEMMA),
)
_COMPILED = tuple((re.compile(p), f) for p, f in FAMILY_TABLE)
FAMILY_NAMES = (
    "claude",
    "gpt",
    "codex",
    "gemini",
    "glm",
    "kimi",
    "deepseek",
    "grok",
    "inkling",
    "llama",
    "qwen",
    "gpt-oss",
    "gemma",
    "other",
    "judge",
    "image",
)


def bare_name(name: str) -> str:
    """`databricks-claude-sonnet-4-5`, `system.ai.claude-sonnet-4-5`, `databricks/x` → `claude-sonnet-4-5`."""
    n = name.strip().lower()
    for prefix in ("databricks/", "system.ai.", "databricks-"):
        if n.startswith(prefix):
            n = n[len(prefix) :]
    return n.replace(".", "-").replace("_", "-")


def family_for(name: str) -> Family:
    """The family row for an endpoint or upstream model name; unknown names get the `OTHER` defaults."""
    bare = bare_name(name)
    for pattern, fam in _COMPILED:
        if pattern.search(bare):
            return fam
    return OTHER
