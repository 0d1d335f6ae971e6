"""Which inference path serves which model, and under which names (research databricks-2026.md §1.1, §1.3;
databricks-api.md §2.1).

On `/ai-gateway/*` a path accepts exactly the models whose `api_types` declare one of its api types (the
Codex path also takes `openai/v1/responses` models: ucode sends GPT there, 2026 §2.4 [UG]). The classic
`/serving-endpoints/*` paths follow the docs: Chat for every chat model (and external/custom endpoints),
Responses for OpenAI models only, Anthropic Messages for Claude only (api §2.1), Gemini for models that
declare generateContent.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from brickgate.emulator.behaviours import (
    ANTHROPIC,
    ANTHROPIC_MESSAGES,
    CHAT,
    CODEX_RESPONSES,
    CURSOR_CHAT,
    GEMINI,
    GEMINI_GENERATE,
    MLFLOW_CHAT,
    MLFLOW_EMBEDDINGS,
    MLFLOW_RESPONSES,
    OPENAI_RESPONSES,
    RESPONSES,
)
from brickgate.emulator.error_bodies import (
    bad_request,
    not_found,
    uc_model_not_found,
    unroutable,
)
from brickgate.emulator.workspace import Endpoint

EMBEDDINGS = "embeddings"
RESPONSES_ONLY = (
    "Model {name} only supports the Responses API. Please use /serving-endpoints/responses instead."
)


@dataclass(frozen=True, slots=True)
class Surface:
    path: str
    wire: str  # CHAT | RESPONSES | ANTHROPIC | GEMINI | EMBEDDINGS: how the body is read and answered
    api_types: tuple[str, ...]  # what a model must declare here (gateway paths); the first names the path
    gateway: bool  # /ai-gateway/*: UC names, 400 `Invalid Token`

    @property
    def api_type(self) -> str:
        return self.api_types[0]


def _gw(path: str, wire: str, *api_types: str) -> Surface:
    return Surface("/ai-gateway/" + path, wire, api_types, True)


def _classic(path: str, wire: str, api_type: str) -> Surface:
    return Surface("/serving-endpoints/" + path, wire, (api_type,), False)


GEMINI_PATH = "gemini/v1beta/models/{target}"
CLASSIC = (
    _classic("chat/completions", CHAT, MLFLOW_CHAT),
    _classic("{name}/invocations", CHAT, MLFLOW_CHAT),
    _classic("embeddings", EMBEDDINGS, MLFLOW_EMBEDDINGS),
    _classic("responses", RESPONSES, OPENAI_RESPONSES),
    _classic("anthropic/v1/messages", ANTHROPIC, ANTHROPIC_MESSAGES),
    _classic(GEMINI_PATH, GEMINI, GEMINI_GENERATE),
)
GATEWAY = (
    _gw("mlflow/v1/chat/completions", CHAT, MLFLOW_CHAT),
    _gw("mlflow/v1/embeddings", EMBEDDINGS, MLFLOW_EMBEDDINGS),
    _gw("mlflow/v1/responses", RESPONSES, MLFLOW_RESPONSES),
    _gw("openai/v1/responses", RESPONSES, OPENAI_RESPONSES),
    _gw("codex/v1/responses", RESPONSES, CODEX_RESPONSES, OPENAI_RESPONSES),
    _gw("anthropic/v1/messages", ANTHROPIC, ANTHROPIC_MESSAGES),
    _gw("cursor/v1/chat/completions", CHAT, CURSOR_CHAT),
    _gw(GEMINI_PATH, GEMINI, GEMINI_GENERATE),
)


def _classic_serves(surface: Surface, endpoint: Endpoint) -> bool:
    behaviour = endpoint.behaviour
    if surface.wire == CHAT:
        if surface.path.endswith("/invocations") and endpoint.task == "llm/v1/embeddings":
            return True  # invocations take any task's body (api §2.1)
        return endpoint.kind in ("external", "custom") or endpoint.speaks_chat
    if surface.wire == ANTHROPIC:
        return behaviour.claude  # api §2.1: "Anthropic Messages (Claude only)"
    return bool(set(surface.api_types) & set(endpoint.api_types))


def check_served(surface: Surface, endpoint: Endpoint) -> None:
    """Refuse a model on a path it does not declare, in the wording Databricks uses where known."""
    if not endpoint.ready:  # ASSUMPTION: text and status not confirmed
        raise bad_request(
            f"Endpoint {endpoint.name} is not ready (state: NOT_READY). Retry once it is READY."
        )
    declared = set(endpoint.api_types)
    served = declared & set(surface.api_types) if surface.gateway else _classic_serves(surface, endpoint)
    if served:
        return
    name, behaviour = endpoint.name, endpoint.behaviour
    if behaviour.judge:  # ASSUMPTION: 2026 §1.5a says these fail chat/tools; the text is chosen
        raise bad_request(
            f"Endpoint {name} is an evaluation endpoint: it answers ai_decide requests only, "
            f"not {surface.api_type}."
        )
    if endpoint.task == "llm/v1/embeddings":  # ASSUMPTION: text
        raise bad_request(
            f"Endpoint {name} serves task llm/v1/embeddings and cannot answer {surface.wire} requests."
        )
    if surface.wire == EMBEDDINGS:  # ASSUMPTION: text
        raise bad_request(f"Endpoint {name} serves task {endpoint.task}, not llm/v1/embeddings.")
    responses_only = not endpoint.speaks_chat and declared & {
        OPENAI_RESPONSES,
        CODEX_RESPONSES,
        MLFLOW_RESPONSES,
    }
    if surface.wire == CHAT and responses_only:
        raise bad_request(RESPONSES_ONLY.format(name=name))  # api §3.6, documented for codex models
    classic_responses = surface.path == "/serving-endpoints/responses"
    suffix = " Use /serving-endpoints/chat/completions instead." if classic_responses else ""
    # api §2.1: "API type 'anthropic/v1/messages' is not supported"; ASSUMPTION: same wording elsewhere
    raise bad_request(f"API type '{surface.api_type}' is not supported for endpoint {name}.{suffix}")


def resolve(endpoints: Mapping[str, Endpoint], name: str, *, gateway: bool, today: datetime.date) -> Endpoint:
    """The endpoint a request's model name reaches on this surface, or the 404/400 Databricks answers.

    Classic paths know serving-endpoint names only. The gateway also takes Unity Catalog names of registered
    models (`system.ai.x`, 2026 §1.1 [UGdoc]), a user-created service's full name (routed to its
    destination), and, ASSUMPTION, the `foundation_model.name` spelling of a registered model.
    """
    if gateway and name.startswith("model-services/"):  # IceRhymers capture: the prefixed form is a 400
        raise bad_request(  # ASSUMPTION: text
            f"Invalid model '{name}': use the model service's full name without the 'model-services/' prefix."
        )
    found = _lookup(endpoints, name, gateway=gateway)
    if found is None or found.retired(today):  # ASSUMPTION: retired = gone (dbdemos-notebooks#249)
        raise uc_model_not_found(name) if gateway and "." in name else not_found(name)
    if found.destination is not None:
        found = endpoints[found.destination]
    if not found.routable:
        raise unroutable(name)
    return found


def _lookup(endpoints: Mapping[str, Endpoint], name: str, *, gateway: bool) -> Endpoint | None:
    endpoint = endpoints.get(name)
    if endpoint is not None and endpoint.serving_endpoint:
        return endpoint
    if not gateway:
        return None
    for candidate in endpoints.values():
        if candidate.uc_name is not None and name in (candidate.uc_name, candidate.fm_name):
            return candidate
    return None
