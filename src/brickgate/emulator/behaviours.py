"""How each scripted model behaves upstream: the emulator's own data, independent of brickgate's catalog.

Every flag reproduces a documented Databricks fact (research/databricks-api.md §2, §3); the comment after
a flag names the behaviour. Keeping this table separate from `brickgate.catalog.families` means a mistake
in the catalog cannot be hidden by the same mistake here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

CHAT = "chat"
RESPONSES = "responses"
ANTHROPIC = "anthropic"


@dataclass(frozen=True, slots=True, kw_only=True)
class Behaviour:
    name: str
    family: str  # the label the scripted text uses: "Hello from X (family)!"
    surfaces: frozenset[str] = frozenset({CHAT})
    reasoning: bool = False  # can emit reasoning / thinking when the request enables it
    # Claude: partial usage on every chat chunk; cache_control honoured; empty text blocks rejected
    claude: bool = False
    rejects_temperature: bool = False  # "Model X does not support the temperature parameter."
    # Gemini: array content with thoughtSignature; Google-shaped errors for schema and stream_options
    gemini: bool = False
    needs_thought_signature: bool = False  # gemini 3: replayed tool calls need a valid signature
    strict_fields: bool = False  # Go decoder: `json: unknown field "<name>"`
    single_tool_call: bool = False  # gpt-oss: "Multiple tool calls are not supported."
    api_types: tuple[str, ...] = ("mlflow/v1/chat/completions",)


_CLAUDE = Behaviour(
    name="claude",
    family="claude",
    surfaces=frozenset({CHAT, ANTHROPIC}),
    reasoning=True,
    claude=True,
    api_types=("anthropic/v1/messages", "mlflow/v1/chat/completions"),
)
_GPT = Behaviour(
    name="gpt",
    family="gpt",
    surfaces=frozenset({CHAT, RESPONSES}),
    reasoning=True,
    api_types=("openai/v1/responses", "mlflow/v1/chat/completions"),
)
_GEMINI = Behaviour(
    name="gemini",
    family="gemini",
    gemini=True,  # thoughts stay hidden behind thoughtSignature; no reasoning text comes back
    api_types=("gemini/v1/generateContent", "mlflow/v1/chat/completions"),
)
_OPEN = Behaviour(name="llama", family="llama", strict_fields=True)

BEHAVIOURS: dict[str, Behaviour] = {
    b.name: b
    for b in (
        _CLAUDE,
        replace(_CLAUDE, name="claude5", rejects_temperature=True),
        _GPT,
        replace(
            _GPT,
            name="codex",
            family="codex",
            surfaces=frozenset({RESPONSES}),
            api_types=("openai/v1/responses",),
        ),
        _GEMINI,
        replace(_GEMINI, name="gemini3", needs_thought_signature=True),
        _OPEN,
        replace(_OPEN, name="qwen", family="qwen"),
        replace(_OPEN, name="gpt-oss", family="gpt-oss", reasoning=True, single_tool_call=True),
        replace(_OPEN, name="gemma", family="gemma"),
        Behaviour(name="plain", family="chat"),
        Behaviour(name="embedding", family="embedding", surfaces=frozenset(), api_types=()),
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
