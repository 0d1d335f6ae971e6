"""How each scripted model behaves upstream: the emulator's own data, independent of brickgate's catalog.

Every field reproduces a fact from research/databricks-api.md (§2, §3) or databricks-2026.md (§1.3-§1.5,
§3); the comment after a field or row names it, and rows marked ASSUMPTION fill a gap the research leaves.
Keeping this table separate from `brickgate.catalog.families` means a mistake in the catalog cannot be
hidden by the same mistake here. Per-endpoint facts (prices, limits, names) live in `lineup.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

# wire formats the emulator renders
CHAT = "chat"
RESPONSES = "responses"
ANTHROPIC = "anthropic"
GEMINI = "gemini"

# api_types values (2026 §1.3)
MLFLOW_CHAT = "mlflow/v1/chat/completions"
MLFLOW_RESPONSES = "mlflow/v1/responses"
OPENAI_RESPONSES = "openai/v1/responses"
CODEX_RESPONSES = "codex/v1/responses"
ANTHROPIC_MESSAGES = "anthropic/v1/messages"
CURSOR_CHAT = "cursor/v1/chat/completions"
GEMINI_GENERATE = "gemini/v1/generateContent"
MLFLOW_EMBEDDINGS = "mlflow/v1/embeddings"

PENALTIES = ("frequency_penalty", "presence_penalty")
EFFORTS_ALL = ("none", "minimal", "low", "medium", "high", "xhigh", "max")


@dataclass(frozen=True, slots=True, kw_only=True)
class Behaviour:
    name: str
    family: str  # the label the scripted text uses: "Hello from X (family)!"
    api_types: tuple[str, ...] = (MLFLOW_CHAT,)
    # How reasoning comes back on Chat Completions (2026 §1.4): "summary" = content parts of type
    # "reasoning"; "sibling" = `reasoning_content` next to `content`; "hidden" = no reasoning text on chat
    # (Responses still gets summary items); "encrypted" = only an encrypted reasoning blob; "none".
    reasoning: str = "none"
    reasoning_always: bool = False  # reasoning even when the request did not ask for it (Inkling)
    adaptive_thinking: bool = False  # Claude adaptive: the thinking text comes back empty, signature only
    manual_thinking_refused: bool = False  # adaptive-only Claude: `thinking.type: enabled` is refused
    efforts: tuple[str, ...] | None = None  # accepted reasoning efforts; None = not checked
    refused_params: tuple[str, ...] = ()  # sampling parameters this model answers with a 400
    claude: bool = False  # partial usage on chat chunks; cache_control; empty text blocks rejected
    gemini: bool = False  # array content with thoughtSignature; Google-shaped errors
    needs_thought_signature: bool = False  # Gemini 3: replayed tool calls need a valid signature
    developer_is_system: bool = False  # Gemini: `developer` messages count as the one system instruction
    rejects_schema_unions: bool = False  # Gemini: `anyOf`, `type: [..]`, typeless array items refused
    strict_fields: bool = False  # Go decoder: `json: unknown field "<name>"`
    single_tool_call: bool = False  # gpt-oss: "Multiple tool calls are not supported."
    kimi_tools: bool = False  # tool messages need a resolvable name; ids `functions.<name>:<idx>`
    stream_finish_reason: bool = True  # Inkling: False, its streams end without a finish_reason
    bedrock_metrics: bool = False  # Claude Messages streams carry `amazon-bedrock-invocationMetrics`
    image_output: bool = False  # answers with a generated image; takes no tools (ASSUMPTION)
    judge: bool = False  # an `evaluation` (decision) endpoint: no chat at all

    @property
    def can_reason(self) -> bool:
        return self.reasoning != "none"

    @property
    def speaks_chat(self) -> bool:
        return MLFLOW_CHAT in self.api_types


_CLAUDE = Behaviour(
    name="claude",
    family="claude",
    api_types=(MLFLOW_CHAT, ANTHROPIC_MESSAGES, CURSOR_CHAT),  # real listing, 2026 §1.3
    reasoning="summary",
    refused_params=PENALTIES,  # 2026 §1.5: manual-thinking Claude rejects penalties [KAS]
    claude=True,
)
# 2026 §1.4/§1.5 [KAS]: adaptive Claude (opus-4-7+, opus-5, sonnet-5, fable) refuses temperature/top_p
_CLAUDE_ADAPTIVE = replace(
    _CLAUDE,
    name="claude-adaptive",
    adaptive_thinking=True,
    refused_params=("temperature", "top_p", *PENALTIES),
    bedrock_metrics=True,  # 2026 §1.5 [LLc]; ASSUMPTION: only the current Claude rows carry it
)
_GPT5_FIELDS = ("temperature", "top_p", *PENALTIES, "stop")  # 2026 §1.5 [KAS]: GPT-5 line
_GPT = Behaviour(
    name="gpt",
    family="gpt",
    api_types=(OPENAI_RESPONSES, MLFLOW_CHAT),
    reasoning="hidden",  # 2026 §1.4 [KAS]: chat returns no reasoning text; Responses returns summaries
    efforts=("none", "minimal", "low", "medium", "high", "xhigh"),  # GPT-5.2+: none … xhigh [KAS]
    refused_params=_GPT5_FIELDS,
)
_GEMINI = Behaviour(
    name="gemini",
    family="gemini",
    gemini=True,  # thoughts stay hidden behind thoughtSignature; no reasoning text comes back
    api_types=(GEMINI_GENERATE, MLFLOW_CHAT),
)
# 2026 §1.4 [KAS]: Gemini 3.x on chat returns reasoning only when `reasoning_effort` is set
_GEMINI3 = replace(
    _GEMINI,
    name="gemini3",
    api_types=(MLFLOW_CHAT, GEMINI_GENERATE),
    reasoning="summary",  # ASSUMPTION: as `type: "reasoning"` content parts (the form LiteLLM reads)
    needs_thought_signature=True,
    efforts=("minimal", "low", "medium", "high"),  # 3-1-pro [KAS]; "none" rejected (api §3.9)
    # issue 13 (Codex sends two developer messages; api §3.3 unions). ASSUMPTION: only the 2026 rows, so the
    # 2025 rows brickgate's e2e matrix uses keep their behaviour until brickgate repairs both
    developer_is_system=True,
    rejects_schema_unions=True,
)
_OPEN = Behaviour(name="llama", family="llama", strict_fields=True)
# 2026 §1.3-§1.5: GLM 5.3 / Kimi K3 speak four APIs natively and return `reasoning_content`
_OPEN_REASONING = Behaviour(
    name="glm",
    family="glm",
    api_types=(MLFLOW_CHAT, MLFLOW_RESPONSES, ANTHROPIC_MESSAGES, CODEX_RESPONSES),
    reasoning="sibling",
    efforts=("minimal", "low", "medium", "high", "xhigh", "max"),  # `none` rejected [DIGEST][KAS]
)

BEHAVIOURS: dict[str, Behaviour] = {
    b.name: b
    for b in (
        _CLAUDE,
        replace(
            _CLAUDE, name="claude5", adaptive_thinking=True, refused_params=_CLAUDE_ADAPTIVE.refused_params
        ),
        _CLAUDE_ADAPTIVE,
        # api §3.9: adaptive-only Claude (opus-5-5) refuses manual budgets; ASSUMPTION for the other TAO rows
        replace(_CLAUDE_ADAPTIVE, name="claude-adaptive-only", manual_thinking_refused=True),
        replace(_CLAUDE, name="claude-current", bedrock_metrics=True),  # sonnet-4-6, haiku-5-5
        _GPT,
        replace(_GPT, name="gpt5-mini", efforts=("minimal", "low", "medium", "high")),  # [KAS]
        replace(
            _GPT,
            name="gpt-chat",  # gpt-5-4 (real fixture) and, ASSUMPTION, the other chat-mode GPT-5.x/6 rows
            api_types=(MLFLOW_CHAT, OPENAI_RESPONSES, CURSOR_CHAT),
        ),
        replace(_GPT, name="gpt6-astra", efforts=("low", "medium", "high", "xhigh", "max")),  # [KAS]
        replace(
            _GPT,
            name="gpt-pro",  # gpt-5-5-pro: no mlflow chat (2026 §1.3 fixture); medium/high/xhigh [KAS]
            api_types=(OPENAI_RESPONSES, CURSOR_CHAT, MLFLOW_RESPONSES, CODEX_RESPONSES),
            efforts=("medium", "high", "xhigh"),
        ),
        replace(  # gpt-6-sol: [LL] mode responses; ASSUMPTION no chat api_type
            _GPT, name="gpt-responses", api_types=(OPENAI_RESPONSES, CODEX_RESPONSES, MLFLOW_RESPONSES)
        ),
        # codex: Responses only (api §3.6); ASSUMPTION: declared on the openai and codex paths
        replace(
            _GPT,
            name="codex",
            family="codex",
            api_types=(OPENAI_RESPONSES, CODEX_RESPONSES),
            efforts=None,
            refused_params=(),
        ),
        _GEMINI,
        replace(  # gemini-3-pro (2025 row)
            _GEMINI3,
            name="gemini3-legacy",
            api_types=_GEMINI.api_types,
            developer_is_system=False,
            rejects_schema_unions=False,
        ),
        _GEMINI3,
        replace(_GEMINI3, name="gemini3-quiet", reasoning="none"),  # 3-5-flash-lite: knob, no text [KAS]
        replace(  # 3-8-flash: `supports_sampling_params: false` [KAS][LL]; rejects `minimal` [DIGEST]
            _GEMINI3,
            name="gemini3-nosampling",
            efforts=("low", "medium", "high"),
            refused_params=("temperature", "top_p", "top_k"),  # ASSUMPTION: top_p/top_k with temperature
        ),
        replace(_GEMINI3, name="gemini-image", image_output=True, reasoning="none", efforts=None),
        _OPEN,
        replace(_OPEN, name="qwen", family="qwen"),
        replace(_OPEN, name="gpt-oss", family="gpt-oss", reasoning="summary", single_tool_call=True),
        replace(_OPEN, name="gemma", family="gemma"),
        # qwen35: strict decoder (api §3.4); ASSUMPTION: `reasoning_content` (2026 §1.4 "likely")
        replace(
            _OPEN,
            name="qwen35",
            family="qwen",
            api_types=(MLFLOW_CHAT, MLFLOW_RESPONSES),
            reasoning="sibling",
        ),
        _OPEN_REASONING,
        replace(
            _OPEN_REASONING, name="glm-chat", api_types=(MLFLOW_CHAT,), efforts=None
        ),  # glm-5-2 ASSUMPTION
        replace(
            _OPEN_REASONING,
            name="kimi",
            family="kimi",
            efforts=("none", "low", "high", "max"),  # [KAS][HALO]
            refused_params=("temperature", "top_p", "n", *PENALTIES),  # [HALO]
            kimi_tools=True,
        ),
        replace(  # deepseek-v4-*: chat + mlflow responses (2026 §1.3); ASSUMPTION `reasoning_content`
            _OPEN_REASONING, name="deepseek", family="deepseek", api_types=(MLFLOW_CHAT, MLFLOW_RESPONSES)
        ),
        replace(  # Inkling: reasoning even when not asked [KAS]; streams without finish_reason (§1.5)
            _OPEN_REASONING,
            name="inkling",
            family="inkling",
            api_types=(MLFLOW_CHAT,),
            reasoning_always=True,
            stream_finish_reason=False,
        ),
        Behaviour(  # grok-4-6: encrypted reasoning; refuses penalties, stop, logprobs [KAS][HALO]
            name="grok",
            family="grok",
            api_types=(MLFLOW_CHAT, OPENAI_RESPONSES),  # [UGdoc]: answered on /ai-gateway/openai
            reasoning="encrypted",
            efforts=("low", "medium", "high", "xhigh"),
            refused_params=(*PENALTIES, "stop", "logprobs"),
        ),
        Behaviour(  # grok-4-7 (2026 §1.3 fixture); ASSUMPTION: encrypted reasoning like 4.6
            name="grok-4-7", family="grok", api_types=(MLFLOW_CHAT, OPENAI_RESPONSES), reasoning="encrypted"
        ),
        # 2026 §1.5a: decision endpoints; ASSUMPTION: they declare no inference api_type
        Behaviour(name="judge", family="judge", api_types=(), judge=True),
        Behaviour(name="plain", family="chat"),
        Behaviour(name="embedding", family="embedding", api_types=(MLFLOW_EMBEDDINGS,)),
    )
}


def behaviour_named(name: str) -> Behaviour:
    """The behaviour row for `name`; ValueError lists the valid names."""
    try:
        return BEHAVIOURS[name]
    except KeyError:
        raise ValueError(
            f"unknown behaviour {name!r}; choose one of {', '.join(sorted(BEHAVIOURS))}"
        ) from None
