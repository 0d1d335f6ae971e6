"""Credentials: host metadata, OIDC discovery, the M2M token endpoint, metadata-service tokens, and the
check every API call passes (research/databricks-api.md §4.5, §2.2)."""

from __future__ import annotations

import base64
import binascii
import urllib.parse

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from brickgate.emulator.error_bodies import databricks_error, unauthenticated
from brickgate.emulator.state import EmulatorState


def _state(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


def _basic_credentials(header: str) -> tuple[str, str] | None:
    if not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


def presented_token(header: str) -> str | None:
    """The token in `Bearer <t>` or `Basic base64(token:<t>)`; None when the header has neither shape."""
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    basic = _basic_credentials(header)
    if basic is not None and basic[0] == "token":
        return basic[1]
    return None


def check_auth(request: Request, *, gateway: bool) -> Response | None:
    """None when the request carries a valid PAT or unexpired OAuth token, else the rejection response.

    `x-api-key` is ignored on purpose: Databricks documents `api_key="unused"` for the Anthropic SDK.
    """
    header = request.headers.get("authorization", "")
    token = presented_token(header)
    if token is not None and _state(request).token_is_valid(token):
        return None
    return unauthenticated(gateway, credential_sent=bool(header))


def check_scope(request: Request) -> Response | None:
    """403 for an OAuth token without the `model-serving` scope on an inference call (2026 §3.2: the Apps
    text, find_string id 70127760323; the error_code is an ASSUMPTION)."""
    token = presented_token(request.headers.get("authorization", ""))
    if token is None or _state(request).may_invoke(token):
        return None
    return databricks_error(
        403,
        "PERMISSION_DENIED",
        "Provided OAuth token does not have required scopes: model-serving, model-serving-inference",
    )


async def host_metadata(request: Request) -> Response:
    state = _state(request)
    state.stats["databricks_config"] += 1
    return JSONResponse(
        {
            "oidc_endpoint": f"{state.url}/oidc",
            "workspace_id": state.config.workspace_id,
            "account_id": state.config.account_id,
            "cloud": "aws",
            "host_type": "workspace",
        }
    )


async def oidc_discovery(request: Request) -> Response:
    state = _state(request)
    state.stats["oidc_discovery"] += 1
    base = f"{state.url}/oidc"
    return JSONResponse(
        {
            "issuer": base,
            "authorization_endpoint": f"{base}/v1/authorize",
            "token_endpoint": f"{base}/v1/token",
            "jwks_uri": f"{base}/jwks.json",
            "grant_types_supported": ["client_credentials", "authorization_code", "refresh_token"],
            "response_types_supported": ["code"],
            "scopes_supported": ["all-apis", "offline_access"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }
    )


def _oauth_error(status: int, error: str, description: str) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


async def oidc_token(request: Request) -> Response:
    """client_credentials grant; client auth by Basic header (what the SDK sends) or form fields."""
    state = _state(request)
    state.stats["token"] += 1
    form = dict(urllib.parse.parse_qsl((await request.body()).decode("utf-8", "replace")))
    if form.get("grant_type") != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "Only client_credentials is supported here.")
    creds = _basic_credentials(request.headers.get("authorization", ""))
    if creds is None:
        creds = (str(form.get("client_id", "")), str(form.get("client_secret", "")))
    if creds != (state.config.client_id, state.config.client_secret):
        return _oauth_error(401, "invalid_client", "Client authentication failed")
    scope = str(form.get("scope") or "all-apis")
    return JSONResponse(
        {
            "access_token": state.issue_token(scope),
            "token_type": "Bearer",
            "expires_in": state.config.token_ttl,
            "scope": scope,
        }
    )


async def metadata_service_token(request: Request) -> Response:
    """Metadata-service auth: the SDK GETs with `X-Databricks-Metadata-Version: 1` and `X-Databricks-Host`."""
    state = _state(request)
    state.stats["metadata_token"] += 1
    if request.headers.get("x-databricks-metadata-version") != "1":
        return _oauth_error(400, "invalid_request", "X-Databricks-Metadata-Version: 1 is required")
    if request.headers.get("x-databricks-host", "").rstrip("/") != state.url:
        return _oauth_error(400, "invalid_request", f"X-Databricks-Host must be {state.url}")
    token = state.issue_token()
    return JSONResponse(
        {
            "access_token": token,
            "token_type": "Bearer",
            "expires_on": int(state.issued_tokens[token]),
        }
    )
