"""Which identity is this credential? The workspace says (SCIM `Me`); the answer is kept a few minutes.

Anything learnt from a workspace that depends on who asks (the endpoint listing, later per-caller state in
the gateway) is keyed by `Identity.key`: a keyed hash of host + principal, so two tokens of one user share
it and two users never do.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from brickgate.auth.credentials import Credentials
from brickgate.auth.fingerprint import keyed_hash
from brickgate.auth.rest import get_json
from brickgate.errors import UpstreamError, UpstreamRejected

log = logging.getLogger("brickgate.auth")
SCIM_ME_PATH = "/api/2.0/preview/scim/v2/Me"
MEMO_SECONDS = 300.0  # a credential's principal does not change; this only bounds a revoked one's reuse
_MEMO_SIZE = 1024
_memo: dict[tuple[str, str], tuple[Identity, float]] = {}
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Identity:
    host: str
    principal: str  # the workspace's userName (a service principal's is its application id)
    key: str  # keyed hash of host + principal: what per-identity caches are keyed by


def identity_of(creds: Credentials, *, timeout: float = 10) -> Identity:
    """The principal behind `creds`, asked of the workspace at most once per MEMO_SECONDS per credential.

    Raises CredentialsRejected when the workspace refuses the credential, HostUnreachable etc. when it
    can't be asked. A workspace without SCIM (404) gets an identity per credential instead of per user.
    """
    memo_key = (creds.host, credential_key(creds))
    now = time.monotonic()
    with _lock:
        hit = _memo.get(memo_key)
    if hit is not None and hit[1] > now:
        return hit[0]
    identity = _ask(creds, memo_key[1], timeout)
    with _lock:
        if len(_memo) >= _MEMO_SIZE:
            _memo.pop(next(iter(_memo)))
        _memo[memo_key] = (identity, now + MEMO_SECONDS)
    return identity


def credential_key(creds: Credentials) -> str:
    """`creds.key`, or for credentials built by hand a keyed hash of the headers they send."""
    if creds.key:
        return creds.key
    return keyed_hash("headers", creds.host, *sorted(f"{k}={v}" for k, v in creds.headers().items()))


def _ask(creds: Credentials, cred_key: str, timeout: float) -> Identity:
    try:
        me = get_json(creds, SCIM_ME_PATH, timeout=timeout)
    except UpstreamRejected as err:
        if err.status != 404:
            raise
        log.debug("%s has no SCIM Me endpoint: listings are kept per credential", creds.host)
        principal = f"credential:{cred_key}"
    else:
        name = me.get("userName") or me.get("id") if isinstance(me, dict) else None
        if not isinstance(name, str) or not name:
            raise UpstreamError(
                f"{creds.host} did not say who these credentials belong to ({SCIM_ME_PATH}).",
                "Check that the host is a Databricks workspace URL.",
                status=200,
            )
        principal = name
    return Identity(creds.host, principal, keyed_hash("principal", creds.host, principal))
