"""Where a request goes: a model's upstream API and the surface (serving endpoints or AI Gateway)."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import orjson

from brickgate import home
from brickgate.catalog.families import Api
from brickgate.catalog.model import Model
from brickgate.errors import ConfigError

log = logging.getLogger("brickgate.routing")

Surface = Literal["serving-endpoints", "ai-gateway"]
SurfaceSetting = Literal["auto", "serving-endpoints", "ai-gateway"]
SURFACE_SETTINGS: tuple[str, ...] = ("auto", "serving-endpoints", "ai-gateway")

UPSTREAM_PATHS: dict[tuple[Surface, Api], str] = {
    ("serving-endpoints", "chat"): "/serving-endpoints/chat/completions",
    ("serving-endpoints", "responses"): "/serving-endpoints/responses",
    ("serving-endpoints", "messages"): "/serving-endpoints/anthropic/v1/messages",
    ("ai-gateway", "chat"): "/ai-gateway/mlflow/v1/chat/completions",
    ("ai-gateway", "responses"): "/ai-gateway/openai/v1/responses",
    ("ai-gateway", "messages"): "/ai-gateway/anthropic/v1/messages",
    # the Gemini API names the model in the path (research databricks-2026.md §6, databricks-api.md §2.9)
    ("serving-endpoints", "gemini"): "/serving-endpoints/gemini/v1beta/models/{model}",
    ("ai-gateway", "gemini"): "/ai-gateway/gemini/v1beta/models/{model}",
}
# APIs whose path names the model, with the method for a whole answer and for a streamed one
PATH_METHODS: dict[Api, tuple[str, str]] = {"gemini": (":generateContent", ":streamGenerateContent?alt=sse")}
PROBE_TTL_SECONDS = 24 * 3600


def upstream_path(surface: Surface, api: Api, model: str = "", *, stream: bool = False) -> str:
    """The path ``api`` is served at on ``surface``; for the Gemini API, with endpoint ``model`` and the
    method (streamed or not) in it."""
    path = UPSTREAM_PATHS[(surface, api)]
    methods = PATH_METHODS.get(api)
    if methods is None:
        return path
    return path.format(model=quote(model, safe="")) + methods[stream]


def renamed_body(body: Mapping[str, Any], api: Api, model: str) -> dict[str, Any]:
    """A caller's body for endpoint ``model``: its ``model`` field, unless the API's path names it."""
    if api in PATH_METHODS:
        return {k: v for k, v in body.items() if k != "model"}
    return {**body, "model": model}


def declares_gemini_api(model: Model) -> bool:
    """Whether ``model`` is served on the Gemini API. Until the catalog reads each model's declared
    ``api_types`` (issue 12), that is taken to be Gemini 3.x: research databricks-2026.md §1.3 sees
    ``gemini/v1/generateContent`` on them, and theirs are the family rows that need thought signatures."""
    return model.api == "gemini" or (
        model.family == "gemini" and model.needs_thought_signature and model.source == "foundation"
    )


def upstream_api(model: Model, caller: Api) -> Api:
    """The API a caller's request is sent to ``model`` with: Gemini callers keep the Gemini API where the
    model declares it (relayed as it came, thought signatures and all); everything else takes the model's
    API, translated when it is not the caller's own.

    Other callers stay on Chat Completions even where the model declares the Gemini API (or config says
    ``api = "gemini"``; every Gemini model also serves Chat, research databricks-2026.md §1.3). Measured
    (``python -m bench.translation_cost``, 32-delta streams, two runs on a busy 2-core VM): Chat/Messages/
    Responses callers on Gemini 3 cost 0.59-1.04 ms per answer over Chat and 0.51-0.92 ms over the Gemini
    API, the order flipping between runs: no CPU to gain. And their APIs have no place for a thought
    signature, so a replayed tool call would reach the Gemini API unsigned (a 400 from Gemini 3), while on
    Chat the signature memory puts it back (quirks/thought_signatures.py)."""
    if caller == "gemini" and declares_gemini_api(model):
        return "gemini"
    return "chat" if model.api == "gemini" else model.api


def check_surface_setting(value: str) -> SurfaceSetting:
    if value not in SURFACE_SETTINGS:
        raise ConfigError(f"Unknown surface {value!r}.", f"Use one of: {', '.join(SURFACE_SETTINGS)}.")
    return value  # type: ignore[return-value]


def is_gateway_absent(status: int, error_code: str | None, message: str) -> bool:
    """The AI Gateway answers unserved paths with 404 ENDPOINT_NOT_FOUND ("Invalid path") or
    FEATURE_DISABLED."""
    if error_code == "FEATURE_DISABLED":
        return True
    return status == 404 and (error_code == "ENDPOINT_NOT_FOUND" or "Invalid path" in message)


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
