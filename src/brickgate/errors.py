"""One error hierarchy; every error carries a message for people and a hint saying what to do.

BrickgateError
├── ConfigError                  bad config file, bad option value
├── AuthError                    credentials
│   ├── NoCredentials            nothing configured anywhere
│   ├── InvalidHost              malformed host
│   ├── HostUnreachable          DNS / connect / timeout to the workspace
│   └── CredentialsRejected      the workspace said no (401/403, "Invalid Token")
├── ModelNotFound                unknown model name (with close matches)
├── InvalidRequest               a request body a decoder cannot read (says what and where)
└── UpstreamError                Databricks answered with an error
    ├── UpstreamRejected         4xx: the request is wrong for this model
    │   └── UpstreamBlocked      an AI Gateway budget or guardrail said no (never retried)
    ├── UpstreamRateLimited      429 after our retries (retry_after seconds, if known)
    ├── UpstreamUnavailable      5xx / connection failures after retries
    └── StreamInterrupted        the stream broke after the first byte was passed on
"""

from __future__ import annotations

from collections.abc import Sequence

AUTH_METHODS_HINT = (
    "Authenticate in one of these ways:\n"
    "  • brickgate login                      (host + personal access token, or pick a CLI profile)\n"
    "  • DATABRICKS_HOST + DATABRICKS_TOKEN   (environment)\n"
    "  • DATABRICKS_HOST + DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET   (OAuth M2M)\n"
    "  • --profile NAME / DATABRICKS_CONFIG_PROFILE   "
    "(a profile of ~/.databrickscfg, e.g. from `databricks auth login`)"
)


class BrickgateError(Exception):
    """Base class. ``message`` says what went wrong, ``hint`` what to do next; ``str(err)`` is both, so an
    error nobody caught still shows its fix."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class ConfigError(BrickgateError):
    pass


class AuthError(BrickgateError):
    exit_code = 2


class NoCredentials(AuthError):
    def __init__(self, message: str = "No Databricks credentials found.", hint: str | None = None) -> None:
        super().__init__(message, hint or AUTH_METHODS_HINT)


class InvalidHost(AuthError):
    pass


class HostUnreachable(AuthError):
    pass


class CredentialsRejected(AuthError):
    status = 0  # the HTTP status that said no (401, 403, 400 "Invalid Token"); 0 when none did


class ModelNotFound(BrickgateError):
    def __init__(self, name: str, suggestions: Sequence[str] = (), hint: str | None = None) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        if hint is None:
            hint = (
                f"Did you mean {', '.join(self.suggestions)}?"
                if self.suggestions
                else "Run `brickgate models` to see the models of this workspace."
            )
        if not name.strip():  # `-m ""`, or a request whose model is an empty string
            super().__init__("No model was named: the model name is empty.", hint)
            return
        super().__init__(f"Model {name!r} is not served by this workspace.", hint)


class InvalidRequest(BrickgateError):
    """A request body that does not follow its API: the message names the field and what it must be."""


class UpstreamError(BrickgateError):
    """Databricks answered with an error. ``status`` is the HTTP status (0 for connection failures)."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        status: int = 0,
        error_code: str | None = None,
        body: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message, hint)
        self.status = status
        self.error_code = error_code
        self.body = body
        self.detail = detail  # the upstream's own message, unwrapped


class UpstreamRejected(UpstreamError):
    pass


class UpstreamBlocked(UpstreamRejected):
    """A workspace policy refused the request: an AI Gateway budget that blocks usage, or a guardrail.
    ``reason`` is ``"budget"`` or ``"guardrail"``. Retrying the same request cannot help."""

    def __init__(self, message: str, hint: str | None = None, *, reason: str, **kw: object) -> None:
        super().__init__(message, hint, **kw)  # type: ignore[arg-type]
        self.reason = reason


class UpstreamRateLimited(UpstreamError):
    def __init__(
        self, message: str, hint: str | None = None, *, retry_after: float | None = None, **kw: object
    ) -> None:
        super().__init__(message, hint, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


class UpstreamUnavailable(UpstreamError):
    pass


class StreamInterrupted(UpstreamError):
    pass
