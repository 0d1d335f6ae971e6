"""SCIM `Me`: who the presented credential belongs to (`GET /api/2.0/preview/scim/v2/Me`).

ASSUMPTION (the research notes are silent; the shape is Databricks' documented SCIM User): each PAT of the
config is its own user (the first `emulator-user@example.com`, the n-th `emulator-user-n@example.com`);
OAuth tokens belong to the one service principal, whose userName is its application id (the client id).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from brickgate.emulator.auth import presented_token
from brickgate.emulator.state import EmulatorState

_USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"


async def me(request: Request) -> Response:
    state: EmulatorState = request.app.state.emulator
    state.stats["scim_me"] += 1
    token = presented_token(request.headers.get("authorization", "")) or ""
    if token in state.config.tokens:
        n = state.config.tokens.index(token)
        name = "emulator-user@example.com" if n == 0 else f"emulator-user-{n}@example.com"
        body = {"id": str(1000 + n), "userName": name, "displayName": name.split("@")[0], "active": True}
    else:
        body = {"id": "2000", "userName": state.config.client_id, "displayName": "emulator service principal"}
    return JSONResponse({**body, "schemas": [_USER_SCHEMA]})
