"""Prove credentials work with one cheap authenticated call."""

from __future__ import annotations

from brickgate.auth.credentials import Credentials
from brickgate.auth.rest import get_json

SERVING_ENDPOINTS_PATH = "/api/2.0/serving-endpoints"


def verify(creds: Credentials, *, timeout: float = 10) -> int:
    """List serving endpoints once; the number visible. Raises HostUnreachable, CredentialsRejected, ..."""
    body = get_json(creds, SERVING_ENDPOINTS_PATH, timeout=timeout)
    endpoints = body.get("endpoints") if isinstance(body, dict) else None
    return len(endpoints) if isinstance(endpoints, list) else 0
