"""The default emulated workspace: the pay-per-token line-up of late 2026 (research databricks-2026.md §1.2,
§1.3, §1.6) after the 2025 endpoints brickgate's own tests use, plus one external, two custom endpoints and a
user-created Unity Catalog model service.

Each row: endpoint name (without `databricks-`), behaviour (`behaviours.py`), the upstream model id echoed in
answers, display name, (input, output) DBU per 1M tokens as the real listing writes them (strings; `price` is
output, `input_price` input — real snapshot, 2026 §2.2; else [LL] $ / 0.07; None = not listed yet, as for
opus-4-8 in that snapshot), `model_class`, and `output_cap`, the largest `max_tokens` admitted (§1.2 "out";
GLM 25,000 per [UG]; None = unchecked). `_EXTRA` adds per-endpoint facts: `otpm` (§3.1 [HALO] table; other
rows get `DEFAULT_OTPM`, an ASSUMPTION), retirement and successor (§1.6), `priority` (§1.2 prio column),
spellings (§1.1), capabilities.

ASSUMPTION: gemini-2-5-pro/flash carry no retirement date although §1.6 retires them on 2026-10-02:
brickgate's tests use them, so this workspace still serves them; the retired path is shown by the other §1.6
endpoints, which are retired on the default clock (`TODAY`) and come back when a test sets an earlier date.
"""

from __future__ import annotations

from typing import Any

EndpointSpec = dict[str, Any]
Row = tuple[str, str, str, str, tuple[str, str] | None, str, int | None]


def _rows(table: str) -> tuple[Row, ...]:
    """`bare behaviour upstream in/out class cap Display Name` per line; `=` repeats the bare name as
    the upstream id, `-` means none."""
    rows: list[Row] = []
    for line in table.strip().splitlines():
        if line.startswith("#"):
            continue
        bare, behaviour, upstream, prices, model_class, cap, display = line.split(maxsplit=6)
        inp, _, out = prices.partition("/")
        rows.append(
            (
                bare,
                behaviour,
                bare if upstream == "=" else upstream,
                display,
                None if prices == "-" else (inp, out),
                model_class,
                None if cap == "-" else int(cap),
            )
        )
    return tuple(rows)


TODAY = "2026-12-01"  # the emulator's default clock (retirements are judged against it)
DEFAULT_OTPM = 200_000  # ASSUMPTION: above every model's output cap, so only the §3.1 rows can 429

_FC = {"function_calling": True}
_FC_IMAGE = {"function_calling": True, "image_input": True}
_REASONING = {"function_calling": True, "openai_reasoning": True, "long_context": True}

_ROWS_2025 = _rows(
    """
claude-sonnet-4-5 claude claude-sonnet-4-5-20250929 42.857/321.429 claude 64000 Claude Sonnet 4.5
claude-haiku-4-5 claude claude-haiku-4-5-20251001 14.286/71.429 claude 64000 Claude Haiku 4.5
claude-opus-4-5 claude claude-opus-4-5-20251101 71.429/357.143 claude 64000 Claude Opus 4.5
claude-opus-4-1 claude claude-opus-4-1-20250805 214.286/1071.42 claude 32000 Claude Opus 4.1
claude-opus-5 claude5 = 71.429/357.143 claude 128000 Claude Opus 5
gpt-5-2 gpt gpt-5.2-2025-12-11 25.0/200.0 gpt 128000 GPT-5.2
gpt-5-mini gpt5-mini gpt-5-mini-2025-08-07 3.571/28.571 gpt 128000 GPT-5 mini
gpt-5-1-codex-max codex gpt-5.1-codex-max 17.857/142.857 gpt 128000 GPT-5.1 Codex Max
gpt-5-2-codex codex gpt-5.2-codex 25.0/200.0 gpt 128000 GPT-5.2 Codex
gemini-2-5-pro gemini gemini-2.5-pro 17.857/142.857 gemini 65536 Gemini 2.5 Pro
gemini-2-5-flash gemini gemini-2.5-flash 4.286/35.714 gemini 65535 Gemini 2.5 Flash
gemini-3-pro gemini3-legacy gemini-3-pro-preview 35.714/214.286 gemini 65536 Gemini 3 Pro
meta-llama-3-3-70b-instruct llama meta-llama-3.3-70b-instruct 7.143/21.429 llama 128000 Llama 3.3 70B Instruct
qwen3-next-80b-a3b-instruct qwen = 2.143/17.143 qwen - Qwen3 Next 80B A3B Instruct
gpt-oss-120b gpt-oss = 2.143/8.571 gpt-oss 131072 GPT OSS 120B
gpt-oss-20b gpt-oss = 1.0/4.286 gpt-oss 131072 GPT OSS 20B
gemma-3-12b gemma = 2.143/7.143 gemma-3 32000 Gemma 3 12B
"""
)

_ROWS_2026 = _rows(
    """
claude-opus-4-8 claude-adaptive = - claude 128000 Claude Opus 4.8
claude-sonnet-4-6 claude-current = 42.857/214.286 claude 64000 Claude Sonnet 4.6
claude-opus-5-5 claude-adaptive-only = 57.143/285.714 claude 128000 Claude Opus 5.5
claude-sonnet-5 claude-adaptive = 28.571/142.857 claude 128000 Claude Sonnet 5
claude-haiku-5-5 claude-current = 1.429/7.143 claude 128000 Claude Haiku 5.5
claude-fable-5-1 claude-adaptive-only = 142.857/714.286 claude 128000 Claude Fable 5.1
claude-sonnet-4 claude claude-sonnet-4-20250514 42.857/214.286 claude 64000 Claude Sonnet 4
gpt-5-4 gpt-chat gpt-5.4-2026-03-05 35.714/214.286 gpt 128000 GPT-5.4
gpt-5-5 gpt gpt-5.5-2026-04-23 71.429/428.571 gpt 128000 GPT-5.5
gpt-5-5-pro gpt-pro gpt-5.5-pro-2026-04-23 428.571/2571.429 gpt 128000 GPT-5.5 Pro
gpt-5-6-sol gpt-chat gpt-5.6-sol 57.143/285.714 gpt 128000 GPT-5.6 Sol
gpt-5-6-luna gpt-chat gpt-5.6-luna 2.857/17.143 gpt 128000 GPT-5.6 Luna
gpt-6-astra gpt6-astra = 142.857/714.286 gpt 128000 GPT-6 Astra
gpt-6-sol gpt-responses = 28.571/142.857 gpt 128000 GPT-6 Sol
gemini-3-1-pro gemini3 gemini-3.1-pro-preview 35.714/214.286 gemini 65536 Gemini 3.1 Pro
gemini-3-5-flash gemini3 gemini-3.5-flash 26.786/160.714 gemini 65536 Gemini 3.5 Flash
gemini-3-5-flash-lite gemini3-quiet gemini-3.5-flash-lite 5.357/44.643 gemini 65536 Gemini 3.5 Flash Lite
gemini-3-7-flash gemini3 gemini-3.7-flash 10.714/53.571 gemini 65536 Gemini 3.7 Flash
gemini-3-8-flash gemini3-nosampling gemini-3.8-flash 10.714/53.571 gemini 65536 Gemini 3.8 Flash
gemini-3-1-flash-image gemini-image gemini-3.1-flash-image - gemini 32768 Gemini 3.1 Flash Image
glm-5-3 glm glm-5.3 20.0/62.857 glm 25000 GLM 5.3
glm-5-2 glm-chat glm-5.2 20.0/62.857 glm 25000 GLM 5.2
glm-5-3-flash glm glm-5.3-flash 2.143/7.143 glm 25000 GLM 5.3 Flash
kimi-k3 kimi = 42.857/214.286 kimi 1048576 Kimi K3
kimi-k3-neo kimi = - kimi - Kimi K3 Neo
kimi-k2-7 kimi kimi-k2.7 13.57/57.14 kimi 262144 Kimi K2.7
deepseek-v4-1-flash-1017 deepseek deepseek-v4.1-flash-1017 4.286/17.14 deepseek 384000 DeepSeek 4.1 Flash 1017
deepseek-v4-1-flash deepseek deepseek-v4.1-flash 4.286/17.14 deepseek 384000 DeepSeek V4.1 Flash
deepseek-v4-flash-0731 deepseek = 2.0/4.0 deepseek 393216 DeepSeek V4 Flash 0731
deepseek-v4-pro-0813 deepseek = 18.857/56.571 deepseek 393216 DeepSeek V4 Pro 0813
inkling inkling = 14.286/57.857 inkling - Inkling
qwen35-122b-a10b qwen35 qwen3.5-122b-a10b 3.14285/31.4285 qwen 25000 Qwen3.5 122B A10B
grok-4-6 grok grok-4.6 35.714/107.143 grok - Grok 4.6
grok-4-7 grok-4-7 grok-4.7 35.714/107.143 grok 500000 Grok 4.7
llama-4-maverick llama = 7.143/21.429 llama 128000 Llama 4 Maverick
# 2026 §1.5a decision endpoints; ASSUMPTION: task llm/v1/chat, no api_types, no UC service
openjev-qwen35-4b judge = 0.6/0 openjev - OpenJEV Qwen3.5 4B
typesafeai-jev-1-14-0 judge typesafeai-jev-1.14.0 0.6/0 typesafeai - TypeSafeAI JEV 1.14.0
"""
)

_RETIRED = {  # §1.6: retirement date, successor
    "claude-sonnet-4": ("2026-10-09", "claude-sonnet-5"),
    "kimi-k2-7": ("2026-10-30", "kimi-k3"),
    "inkling": ("2026-10-30", "glm-5-3"),
    "deepseek-v4-pro-0813": ("2026-10-30", "deepseek-v4-1-flash-1017"),
    "deepseek-v4-flash-0731": ("2026-11-05", "deepseek-v4-1-flash-1017"),
    "deepseek-v4-1-flash": ("2026-11-19", "deepseek-v4-1-flash-1017"),
}
_OTPM = {  # §3.1 [HALO]; ASSUMPTION: the -1017 snapshot inherits deepseek-v4-1-flash's figure
    "glm-5-2": 20_000,
    "glm-5-3": 40_000,
    "glm-5-3-flash": 40_000,
    "kimi-k3": 40_000,
    "deepseek-v4-1-flash": 40_000,
    "deepseek-v4-1-flash-1017": 40_000,
    "deepseek-v4-flash-0731": 10_000,
    "deepseek-v4-pro-0813": 4_000,
    "qwen35-122b-a10b": 100_000,
}
_PRIORITY = (  # §1.2 `prio` column (grok-4-6 is listed without a price, §4.1)
    "gpt-5-4", "gpt-5-5", "gpt-5-6-sol", "gpt-5-6-luna", "gpt-6-astra", "gpt-6-sol", "gemini-3-1-pro",
    "gemini-3-5-flash", "gemini-3-5-flash-lite", "gemini-3-7-flash", "gemini-3-8-flash", "glm-5-2",
    "glm-5-3", "glm-5-3-flash", "kimi-k3", "deepseek-v4-1-flash", "qwen35-122b-a10b", "grok-4-6",
)  # fmt: skip
_EXTRA: dict[str, dict[str, Any]] = {
    # foundation_model.name spellings seen in real listings (§1.1, api §1.4); the default is system.ai.<bare>
    "meta-llama-3-3-70b-instruct": {"fm_name": "system.ai.llama_v3_3_70b_instruct", "capabilities": _FC},
    "gemma-3-12b": {"fm_name": "system.ai.gemma-3-12b-it", "capabilities": _FC_IMAGE},
    "glm-5-2": {"fm_name": "system.ai.databricks-glm-5-2"},
    "qwen35-122b-a10b": {"fm_name": "system.ai.databricks-qwen35-122b-a10b", "capabilities": _FC},
    "gpt-oss-120b": {"capabilities": {"function_calling": True, "openai_reasoning": True}},
    "gpt-oss-20b": {"capabilities": {"function_calling": True, "openai_reasoning": True}},
    "qwen3-next-80b-a3b-instruct": {"capabilities": _FC},
    "llama-4-maverick": {"fm_name": "system.ai.llama-4-maverick", "capabilities": _FC_IMAGE},
    # [UGdoc]: no UC registration → `system.ai.gemini-3-7-flash` is 404 NOT_FOUND on the gateway
    "gemini-3-7-flash": {"uc": False},
    # [UGdoc]: READY and ai_gateway_v2_supported in the catalog, yet 404 ENDPOINT_NOT_FOUND when called
    "kimi-k3-neo": {"routable": False, "uc": False},
    # ASSUMPTION: registered in Unity Catalog only (no serving endpoint), to exercise UC-only discovery
    "glm-5-3-flash": {"serving_endpoint": False},
    "gemini-3-1-flash-image": {"capabilities": {"function_calling": False, "image_input": True}},
    "openjev-qwen35-4b": {"uc": False, "capabilities": {}},
    "typesafeai-jev-1-14-0": {"uc": False, "capabilities": {}},
}
_FAMILY_CAPABILITIES = {
    "claude": _FC_IMAGE,
    "gpt": _REASONING,
    "gemini": _FC_IMAGE,
    "glm": _REASONING,
    "kimi": {**_REASONING, "image_input": True},
    "deepseek": _REASONING,
    "inkling": _REASONING,
    "grok": _REASONING,
}


def _spec(row: Row) -> EndpointSpec:
    bare, behaviour, upstream, display, prices, model_class, cap = row
    spec: EndpointSpec = {
        "name": f"databricks-{bare}",
        "kind": "foundation",
        "behaviour": behaviour,
        "upstream_model": upstream,
        "display_name": display,
        "model_class": model_class,
        "capabilities": _FAMILY_CAPABILITIES.get(model_class, _FC),
    }
    if prices is not None:
        spec["input_price"], spec["price"] = prices
    if cap is not None:
        spec["output_cap"] = cap
    if model_class == "claude":  # Claude keeps the prefix: system.ai.databricks-claude-… (real listing)
        spec["fm_name"] = f"system.ai.databricks-{bare}"
        spec["provider_id"] = f"global.anthropic.{bare}"  # the id Claude's refusals name [KAS]
    if bare in _RETIRED:
        spec["retires"], successor = _RETIRED[bare]
        spec["successor"] = f"databricks-{successor}"
    if bare in _OTPM:
        spec["otpm"] = _OTPM[bare]
    if bare in _PRIORITY:
        spec["priority"] = True
    spec.update(_EXTRA.get(bare, {}))
    return spec


def workspace_2025() -> list[EndpointSpec]:
    """The 2025 line-up (the default before the 2026 one): every model brickgate's own tests name, plus an
    embedding, an external, a custom and a not-ready endpoint."""
    return [
        *map(_spec, _ROWS_2025),
        {"name": "databricks-gte-large-en", "kind": "embedding", "behaviour": "embedding",
         "upstream_model": "gte-large-en", "display_name": "GTE Large (En)", "model_class": "gte",
         "input_price": "1.857", "price": "1.857", "fm_name": "system.ai.gte_large_en_v1_5"},
        {"name": "my-openai-proxy", "kind": "external", "behaviour": "plain", "provider": "openai",
         "upstream_model": "gpt-4o"},
        {"name": "my-custom-chat", "kind": "custom", "behaviour": "plain"},
        {"name": "my-warming-chat", "kind": "custom", "behaviour": "plain", "ready": False},
    ]  # fmt: skip


def default_workspace() -> list[EndpointSpec]:
    """What a fresh emulator serves: the 2025 endpoints first (brickgate's demo takes the first endpoint
    of each family), then the late-2026 line-up, a new embedding model and a user-created model service."""
    return [
        *workspace_2025(),
        *map(_spec, _ROWS_2026),
        {"name": "databricks-qwen3-embedding-0-6b", "kind": "embedding", "behaviour": "embedding",
         "upstream_model": "qwen3-embedding-0.6b", "display_name": "Qwen3 Embedding 0.6B",
         "model_class": "qwen", "input_price": "0.286", "price": "0.286"},
        # user-created: lives in its own catalog, omits supported_api_types in LIST (IceRhymers capture)
        {"name": "workspace.default.team-opus", "kind": "uc-service", "behaviour": "plain",
         "destination": "databricks-claude-opus-4-8"},
    ]  # fmt: skip
