"""Where a request goes: which API a model is called with, on which surface, at which path, and why.

The workspace declares the inference APIs each model speaks (`api_types`, research databricks-2026.md
§1.3); `API_TYPES` maps each value to brickgate's wire API and its paths. A request is routed so:

1. a `model.api` the user set in config.toml is used for every caller (an explicit pin);
2. else the caller's own API when the model declares it: the same-API fast path, no translation
   (Claude Code x GLM 5.3 → `/ai-gateway/anthropic/v1/messages`, Codex x Kimi K3 → mlflow Responses);
3. else the model's best declared API, in `PREFERENCE` order (the library's default too);
4. a model that declares nothing (older workspaces; external and custom endpoints) takes its family row's
   API (`model.api`). On the classic `/serving-endpoints` surface only the rows with a classic path count.

A model that declares no Chat is never sent to Chat: only what it declares is a candidate.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeGuard, get_args
from urllib.parse import quote

import orjson

from brickgate import home
from brickgate.errors import ConfigError, UpstreamRejected
from brickgate.wire.contract import Api

if TYPE_CHECKING:
    from brickgate.catalog.model import Model

log = logging.getLogger("brickgate.routing")

Surface = Literal["serving-endpoints", "ai-gateway"]
SurfaceSetting = Literal["auto", "serving-endpoints", "ai-gateway"]
SURFACES: tuple[Surface, ...] = ("serving-endpoints", "ai-gateway")
SURFACE_SETTINGS: tuple[str, ...] = ("auto", *SURFACES)
PROBE_TTL_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class ApiType:
    """One `api_types` value: the wire API it speaks and where it is served (`{model}` and `{method}` are
    filled per request where the model goes in the path)."""

    name: str
    api: str | None  # brickgate's API for it; None: declared, but never routed to (reason at the row)
    gateway_path: str
    classic_path: str | None = None  # the `/serving-endpoints` path, where there is one
    classic_families: tuple[str, ...] = ()  # only these families on the classic path (empty: all)


_GEMINI = "gemini/v1beta/models/{model}:{method}"
# Research §1.3's table. Within one API, the first row a model declares is the one used:
API_TYPES: tuple[ApiType, ...] = (
    # Classic Messages serves Claude only (databricks-api.md §2.1), whatever else declares the api type.
    ApiType(
        "anthropic/v1/messages",
        "messages",
        "/ai-gateway/anthropic/v1/messages",
        "/serving-endpoints/anthropic/v1/messages",
        classic_families=("claude",),
    ),
    # openai/v1/responses first: OpenAI's own Responses API for the models that declare it (GPT, Grok),
    # also served classically (§2.1). mlflow/v1/responses next: Databricks' Responses for every other model
    # (GLM, Kimi, DeepSeek, Qwen 3.5). codex/v1/responses last: Codex CLI's adapter (ucode's Codex base URL,
    # §2.4), which a workspace may have disabled (§3.2), so only for a model that declares no other.
    ApiType(
        "openai/v1/responses", "responses", "/ai-gateway/openai/v1/responses", "/serving-endpoints/responses"
    ),
    ApiType("mlflow/v1/responses", "responses", "/ai-gateway/mlflow/v1/responses"),
    ApiType("codex/v1/responses", "responses", "/ai-gateway/codex/v1/responses"),
    ApiType(
        "mlflow/v1/chat/completions",
        "chat",
        "/ai-gateway/mlflow/v1/chat/completions",
        "/serving-endpoints/chat/completions",
    ),
    # The api type says v1, the path v1beta (§6); the model is in the path, the method says if it streams.
    ApiType("gemini/v1/generateContent", "gemini", f"/ai-gateway/{_GEMINI}", f"/serving-endpoints/{_GEMINI}"),
    # Cursor's IDE adapter: its contract is Cursor's, and Responses-only models (gpt-5-5-pro) declare it,
    # so it is no evidence that a model speaks Chat Completions. Shown, never routed to.
    ApiType("cursor/v1/chat/completions", None, "/ai-gateway/cursor/v1/chat/completions"),
    ApiType("mlflow/v1/embeddings", None, "/ai-gateway/mlflow/v1/embeddings"),  # not chat
)
# The model's best API, used when it does not speak the caller's: Messages carries the most (thinking
# blocks with signatures that round-trip, cache_control, checked tool_use/tool_result pairs); Responses
# next (typed reasoning and tool-call items); Chat last (reasoning comes back in three model-specific
# shapes, strict decoders refuse unknown fields). Gemini's API only for Gemini callers (its repairs live on
# Chat), so it goes last.
PREFERENCE: tuple[str, ...] = ("messages", "responses", "chat", "gemini")
_METHODS = {False: "generateContent", True: "streamGenerateContent?alt=sse"}


_SPOKEN = frozenset(get_args(Api))


def spoken(api: str | None) -> TypeGuard[Api]:
    """Whether brickgate has a wire package for ``api`` (a new Api literal value switches its rows on)."""
    return api in _SPOKEN


@dataclass(frozen=True, slots=True)
class Route:
    """The API a request is sent with, on which surface, through which declared api type."""

    api: Api
    surface: Surface
    api_type: ApiType

    def path(self, model: str, *, stream: bool = False) -> str:
        classic = self.surface == "serving-endpoints" and self.api_type.classic_path
        template = classic or self.api_type.gateway_path
        return template.format(model=quote(model, safe=""), method=_METHODS[stream])


class NoRoute(UpstreamRejected):
    """The model speaks no API brickgate can reach it with on this surface."""


class SurfaceLost(NoRoute):
    """The AI Gateway turned out to be missing mid-request, and /serving-endpoints does not serve the model
    over the API the request was already written in: route it again and resend."""


def declared_apis(api_types: tuple[str, ...] | list[str]) -> tuple[Api, ...]:
    """The wire APIs these `api_types` declare, best first (`PREFERENCE`)."""
    apis = {t.api for t in API_TYPES if t.name in api_types and spoken(t.api)}
    return tuple(a for a in PREFERENCE if a in apis and spoken(a))


def _default_type(api: Api) -> ApiType:
    """The row a request for ``api`` uses when the model declares nothing: the first of that API."""
    return next(t for t in API_TYPES if t.api == api)


def _serves(api_type: ApiType, model: Model, surface: Surface) -> bool:
    if surface == "ai-gateway":
        return True
    if api_type.classic_path is None:
        return False
    return not api_type.classic_families or model.family in api_type.classic_families


def options(model: Model, surface: Surface) -> dict[Api, ApiType]:
    """Every API ``model`` can be called with on ``surface``, best first, each with its api type (memoised:
    the gateway asks per request, and models are few)."""
    key = (
        model.api_types,
        model.api,
        model.family,
        model.serving_endpoint,
        declares_gemini_api(model),
        surface,
    )
    found = _OPTIONS.get(key)
    if found is None:
        if len(_OPTIONS) > 4096:
            _OPTIONS.clear()
        found = _OPTIONS[key] = _options(model, surface)
    return found


_OPTIONS: dict[tuple[object, ...], dict[Api, ApiType]] = {}


def _options(model: Model, surface: Surface) -> dict[Api, ApiType]:
    if not model.serving_endpoint and surface == "serving-endpoints":
        return {}  # a Unity Catalog name is known to the AI Gateway only (§1.1)
    if not model.api_types:
        apis: tuple[Api, ...] = (model.api,)
        if declares_gemini_api(model):  # every Gemini model serves Chat too (research §1.3)
            apis = ("chat", "gemini")
        rows = {api: _default_type(api) for api in apis}
        return {api: row for api, row in rows.items() if _serves(row, model, surface)}
    found: dict[Api, ApiType] = {}
    for row in API_TYPES:
        if row.name in model.api_types and spoken(row.api) and _serves(row, model, surface):
            found.setdefault(row.api, row)
    return {api: found[api] for api in PREFERENCE if spoken(api) and api in found}


def choose(model: Model, caller: Api | None, surface: Surface, *, pin: Api | None = None) -> Route:
    """The route for a ``caller`` speaking one API (None: the library, no API of its own) to ``model``;
    ``pin`` (the library's explicit ``api=``, the gateway's fast path) forces the API."""
    served = options(model, surface)
    if caller != "gemini" and "chat" in served:  # the Gemini API for Gemini callers only: why at upstream_api
        served = {api: row for api, row in served.items() if api != "gemini"}
    if pin is None and model.api_source == "config":  # the user's pin wins, declared or not
        pin = model.api
        if pin == "gemini" and caller != "gemini" and "chat" in served:
            pin = "chat"
    if pin is not None:
        return Route(pin, surface, served.get(pin) or _default_type(pin))
    if caller is not None and caller in served:
        return Route(caller, surface, served[caller])
    if model.api in served:
        return Route(model.api, surface, served[model.api])
    if served:
        api, row = next(iter(served.items()))
        return Route(api, surface, row)
    raise _no_route(model, surface)


def upstream_api(model: Model, caller: Api, surface: Surface = "ai-gateway") -> Api:
    """The API a caller's request is sent to ``model`` with (``choose``, for views that need no path).

    Gemini callers keep the Gemini API where the model declares it (relayed as it came, thought signatures
    and all). Other callers stay on Chat Completions even where the model declares the Gemini API (or config
    says ``api = "gemini"``; every Gemini model also serves Chat, research databricks-2026.md §1.3).
    Measured (``python -m bench.translation_cost``, 32-delta streams, two runs on a busy 2-core VM):
    Chat/Messages/Responses callers on Gemini 3 cost 0.59-1.04 ms per answer over Chat and 0.51-0.92 ms
    over the Gemini API, the order flipping between runs: no CPU to gain. And their APIs have no place for
    a thought signature, so a replayed tool call would reach the Gemini API unsigned (a 400 from Gemini 3),
    while on Chat the signature memory puts it back (quirks/thought_signatures.py)."""
    try:
        return choose(model, caller, surface).api
    except NoRoute:
        return model.api


def declares_gemini_api(model: Model) -> bool:
    """Whether ``model`` is served on the Gemini API: declared in its ``api_types``, pinned in config, or,
    where the workspace declares nothing, a Gemini 3.x foundation model (research databricks-2026.md §1.3
    sees ``gemini/v1/generateContent`` on them; theirs are the family rows that need thought signatures)."""
    if model.api_types:
        return "gemini/v1/generateContent" in model.api_types
    return model.api == "gemini" or (
        model.family == "gemini" and model.needs_thought_signature and model.source == "foundation"
    )


def renamed_body(body: Mapping[str, Any], api: Api, model: str) -> dict[str, Any]:
    """A caller's body for endpoint ``model``: its ``model`` field, unless the API's path names it."""
    if api == "gemini":
        return {k: v for k, v in body.items() if k != "model"}
    return {**body, "model": model}


def on_serving_endpoints(model: Model, route: Route) -> Route:
    """The same API on /serving-endpoints, after the AI Gateway turned out to be missing: the body is
    already in that API's shape. A model the classic surface does not serve that way fails clearly."""
    row = options(model, "serving-endpoints").get(route.api)
    if row is None:
        raise SurfaceLost(
            f"The AI Gateway is not available on this workspace, and /serving-endpoints does not serve "
            f"{model.id} over {route.api}.",
            "Send it again: brickgate now uses /serving-endpoints and picks an API served there.",
        )
    return Route(route.api, "serving-endpoints", row)


def _no_route(model: Model, surface: Surface) -> NoRoute:
    if not model.serving_endpoint:
        return NoRoute(
            f"{model.id} is registered only in Unity Catalog, which is reached through the AI Gateway; "
            "brickgate is using /serving-endpoints for this workspace.",
            'If the workspace has the AI Gateway, pass --surface ai-gateway (or set surface = "ai-gateway" '
            "in config.toml); else pick a model with a serving endpoint (`brickgate models`).",
        )
    declared = ", ".join(model.api_types) or "nothing"
    where = "the AI Gateway" if surface == "ai-gateway" else "/serving-endpoints"
    return NoRoute(
        f"{model.id} declares no API brickgate can call on {where} (it declares: {declared}).",
        "Run `brickgate models --all` to see each model's APIs; `api` in config.toml pins one.",
    )


def not_served_here(model: Model, route: Route, exc: UpstreamRejected, detail: str) -> UpstreamRejected:
    """A 404 for one model: its own failure, named, with the successor when Databricks retired it."""
    from brickgate.catalog.retirements import retirement_of  # catalog imports routing

    path = route.path(model.id)
    retired = retirement_of(model.id)
    if retired is not None:
        hint = f"{retired.describe()}."
    else:
        hint = (
            "The workspace lists this model but does not route requests to it (a model can be listed READY "
            "and not be served yet). Pick another one: `brickgate models`."
        )
    return UpstreamRejected(
        f"{model.id} is not served at {path} (HTTP 404): {detail}",
        hint,
        status=exc.status,
        error_code=exc.error_code,
        body=exc.body,
        detail=detail,
    )


def check_surface_setting(value: str) -> SurfaceSetting:
    if value not in SURFACE_SETTINGS:
        raise ConfigError(f"Unknown surface {value!r}.", f"Use one of: {', '.join(SURFACE_SETTINGS)}.")
    return value  # type: ignore[return-value]


def is_gateway_absent(
    status: int, error_code: str | None, message: str, *, model: Model, gateway_seen: bool
) -> bool:
    """Whether an error means the AI Gateway is missing on this host, not that one model is.

    FEATURE_DISABLED, or 404 "Invalid path" (the path is not routed at all), mean the gateway is missing.
    404 ENDPOINT_NOT_FOUND with any other message can be either: a model the catalog lists as READY can
    answer it when it is not routable (research §1.1, `kimi-k3-neo`). It is the model's when the workspace
    declared gateway API types for that model, or when the gateway has answered on this host before.
    NOT_FOUND and RESOURCE_DOES_NOT_EXIST name a model, never a path.
    """
    if error_code == "FEATURE_DISABLED":
        return True
    if status != 404:
        return False
    if "Invalid path" in message:
        return True
    return error_code == "ENDPOINT_NOT_FOUND" and not model.api_types and not gateway_seen


class SurfaceChooser:
    """Remembers, per workspace host, whether the AI Gateway answers; the first real request is the probe.

    The verdict is cached on disk for a day so short-lived CLI runs don't pay a failed request each time.
    """

    def __init__(self, host: str, setting: SurfaceSetting = "auto", *, persist: bool = True) -> None:
        self.host = host
        self.setting = setting
        self._persist = persist
        self._verdict: Surface | None = None if setting == "auto" else setting
        self._on_disk: Surface | None = None  # what this chooser knows the cache file says
        self._answered = False  # the gateway answered a request of this process

    def _cache_file(self) -> Path:
        digest = hashlib.sha256(self.host.encode()).hexdigest()[:16]
        return home.cache_dir() / f"surface-{digest}.json"

    def current(self, model: Model) -> Surface:
        # External and custom endpoints are served through the classic surface only.
        if model.source != "foundation":
            return "serving-endpoints"
        if self._verdict is None:
            self._verdict = self._load() or "ai-gateway"
        return self._verdict

    @property
    def gateway_seen(self) -> bool:
        """Whether the AI Gateway has answered on this host (in this process, or recently on disk)."""
        return self._answered or self._load() == "ai-gateway"

    def gateway_absent(self) -> bool:
        """Record that the gateway is missing. True when the caller should retry on serving-endpoints."""
        if self.setting != "auto":
            return False
        self._verdict = "serving-endpoints"
        self._store("serving-endpoints")
        log.info("AI Gateway not available on %s; using /serving-endpoints", self.host)
        return True

    def gateway_works(self) -> None:
        """Record that the gateway answered. Called per request, so the disk is consulted only once."""
        self._answered = True
        if self.setting != "auto" or self._on_disk == "ai-gateway":
            return
        if self._load() != "ai-gateway":
            self._store("ai-gateway")
        self._on_disk = "ai-gateway"

    def _load(self) -> Surface | None:
        if not self._persist:
            return None
        try:
            doc = orjson.loads(self._cache_file().read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        if time.time() - float(doc.get("at", 0)) > PROBE_TTL_SECONDS:
            return None
        surface = doc.get("surface")
        return surface if surface in ("serving-endpoints", "ai-gateway") else None

    def _store(self, surface: Surface) -> None:
        self._on_disk = surface
        if not self._persist:
            return
        try:
            home.write_private(self._cache_file(), orjson.dumps({"surface": surface, "at": time.time()}))
        except OSError as exc:  # a read-only home must not break requests
            log.debug("cannot cache surface verdict: %s", exc)
