"""Error responses in the shapes Databricks really sends (research/databricks-api.md §2.10, §2.9, §2.2)."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse, PlainTextResponse, Response


class StreamCut(Exception):
    """Raised inside a streaming body to drop the connection mid-stream (the `cut_stream` fault)."""


class UpstreamError(Exception):
    """Raised while validating a request; carries the finished HTTP response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def databricks_error(
    status: int, error_code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    """`{"error_code": ..., "message": ...}`, the standard Databricks REST error body."""
    return JSONResponse({"error_code": error_code, "message": message}, status_code=status, headers=headers)


def bad_request(message: str) -> UpstreamError:
    return UpstreamError(databricks_error(400, "BAD_REQUEST", message))


def wrapped_provider_error(message: str) -> UpstreamError:
    """Claude's errors arrive JSON-encoded inside `message`: `{"message": "..."}` as a string."""
    return bad_request(json.dumps({"message": message}, separators=(",", ":")))


def google_error(message: str, field: str | None = None) -> UpstreamError:
    """Gemini's Google-shaped 400: `{"error": {"code": 400, "message", "status": "INVALID_ARGUMENT"}}`."""
    details: list[dict[str, Any]] = []
    if field is not None:
        details.append(
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": field, "description": message}],
            }
        )
    body = {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT", "details": details}}
    return UpstreamError(JSONResponse(body, status_code=400))


def not_found(name: str) -> UpstreamError:
    return UpstreamError(
        databricks_error(
            404,
            "RESOURCE_DOES_NOT_EXIST",
            f"The given endpoint does not exist, please retry after checking "
            f"the specified model and version deployment exists. Endpoint: {name}",
        )
    )


def invalid_path() -> Response:
    return databricks_error(404, "ENDPOINT_NOT_FOUND", "Invalid path")


def uc_model_not_found(name: str) -> UpstreamError:
    """2026 §1.1 [UGdoc]: a name with no Unity Catalog registration answers 404 `NOT_FOUND` on the gateway
    (message: ASSUMPTION)."""
    return UpstreamError(
        databricks_error(
            404,
            "NOT_FOUND",
            f"Model service '{name}' does not exist or you do not have permission to use it.",
        )
    )


def unroutable(name: str) -> UpstreamError:
    """2026 §1.1 [UGdoc]: listed READY in the catalog, yet 404 `ENDPOINT_NOT_FOUND` (message: ASSUMPTION,
    deliberately not "Invalid path": the path exists, this model is not routable)."""
    return UpstreamError(
        databricks_error(404, "ENDPOINT_NOT_FOUND", f"No route to model '{name}' on this workspace.")
    )


def empty_response(status: int) -> Response:
    """499 / 504 with an empty body, as the model-services listing answers them (2026 §2.3 [UG])."""
    return Response(b"", status_code=status)


def unauthenticated(gateway: bool, credential_sent: bool) -> Response:
    """Gateway: 400 `Invalid Token` (plain body, §2.2). Elsewhere unconfirmed: 401 in Databricks shape."""
    if gateway:
        return PlainTextResponse("Invalid Token", status_code=400)
    message = (
        "Invalid access token."
        if credential_sent
        else "Credential was not sent or was of an unsupported type for this API."
    )
    return databricks_error(401, "UNAUTHENTICATED", message)
