"""Model names on the Gemini routes: Gemini CLI's own Google names mapped to a model the user chose.

Gemini CLI (0.61, read from its bundle: ``packages/core/src/config/models.ts`` and
``defaultModelConfigs.ts``) sends the model the user picked for the conversation, but its side requests
name Google's models whatever the user picked, and its aliases resolve to Google's names too. A workspace
serves none of these under those names (or an older model that happens to share one), so a side request
would 404 in the middle of a session. They map, in order, to:

1. ``[gateway] gemini_small_model`` in config.toml, for the small-model names (the side requests);
2. the workspace's own model of that name, if it serves one (``gemini-2.5-flash`` on a 2025 workspace);
3. the model the user chose: the last one a Gemini caller named by a name of its own on this gateway;
4. before any such request: the small model, else the workspace's first Gemini model, else its first.

Any other name resolves as on every route (endpoint names, vendor spellings), with a 404 naming close
matches when the workspace has no such model.
"""

from __future__ import annotations

from brickgate.catalog.model import Model
from brickgate.errors import ModelNotFound
from brickgate.gateway.model_names import ModelDirectory

# Utility models: the classifier/router, prompt completion, edit correction and summaries ("flash-lite"),
# loop detection, next-speaker checks, web-fetch fallback and edit fixing ("gemini-3-flash-base"), and the
# flash names Gemini CLI promotes a flash model to (gemini-3.5-flash → gemini-3.8-flash).
GEMINI_CLI_SMALL_MODELS = frozenset(
    {
        "flash",
        "flash-lite",
        "gemini-2.5-flash",
        "gemini-2.5-flash-lite",
        "gemini-3-flash",
        "gemini-3-flash-preview",
        "gemini-3.1-flash-lite",
        "gemini-3.1-flash-lite-preview",
        "gemini-3.5-flash",
        "gemini-3.5-flash-lite",
        "gemini-3.8-flash",
        "gemma-4-26b-a4b-it",
        "gemma-4-31b-it",
    }
)
# Main-model names: the "auto"/"pro" aliases and what they resolve to, chat compression (which runs on a
# pro model) and the loop detector's double check.
GEMINI_CLI_MAIN_MODELS = frozenset(
    {
        "auto",
        "pro",
        "auto-gemini-2.5",
        "auto-gemini-3",
        "gemini-2.5-pro",
        "gemini-3-pro-preview",
        "gemini-3.1-pro-preview",
        "gemini-3.1-pro-preview-customtools",
    }
)
GEMINI_CLI_MODELS = GEMINI_CLI_SMALL_MODELS | GEMINI_CLI_MAIN_MODELS


class GeminiModels:
    """Resolves the model of a Gemini route, remembering the one its callers chose."""

    def __init__(self, directory: ModelDirectory, small_model: str | None) -> None:
        self._directory = directory
        self._small_model = small_model
        self.chosen: Model | None = None  # what the user's own requests named, latest first

    async def resolve(self, name: str) -> Model:
        ours = name.strip().lower().removeprefix("models/")
        if ours in GEMINI_CLI_SMALL_MODELS and self._small_model:
            return await self._configured_small_model()
        try:
            model = await self._directory.resolve(name)
        except ModelNotFound:
            if ours not in GEMINI_CLI_MODELS:
                raise
            return self.chosen or await self._default(name)
        if ours not in GEMINI_CLI_MODELS:
            self.chosen = model
        return model

    async def _configured_small_model(self) -> Model:
        assert self._small_model is not None
        try:
            return await self._directory.resolve(self._small_model)
        except ModelNotFound as exc:
            exc.message = f"[gateway] gemini_small_model in config.toml: {exc.message}"
            raise

    async def _default(self, name: str) -> Model:
        if self._small_model:
            return await self._configured_small_model()
        models = await self._directory.models()
        if not models:
            raise ModelNotFound(
                name, hint="This workspace lists no chat models; `brickgate models --all` says why."
            )
        return next((m for m in models if m.family == "gemini"), models[0])
