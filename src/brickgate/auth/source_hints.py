"""What to tell someone whose credentials failed: where they came from, and the fix in that place.

A failing credential means different work depending on where it lives: a new DATABRICKS_TOKEN, `brickgate
login` again, a profile's `token` line, `databricks auth login`, an OAuth secret, `az login`. Tables by
origin and auth type; `"*"` matches any.
"""

from __future__ import annotations

from brickgate import home
from brickgate.auth.config_file import config_file_path
from brickgate.auth.credentials import CredentialOrigin, Credentials
from brickgate.errors import AUTH_METHODS_HINT

CALLER_TOKEN_FIX = (
    "Send a fresh Databricks token of your own: `brickgate token` (or `databricks auth token --host {host}`) "
    "prints one; `brickgate setup AGENT --gateway URL` makes an agent fetch it itself."
)
_NEW_TOKEN = "Create a new token (workspace Settings → Developer → Access tokens)"
_M2M = "the service principal's OAuth secret may be wrong or expired, or it lacks access to this workspace"
_CLI = "Install the Databricks CLI (https://docs.databricks.com/dev-tools/cli/install)"
Table = dict[tuple[str, str], str]
_WHERE: Table = {
    ("env", "pat"): "DATABRICKS_TOKEN in the environment",
    ("env", "oauth-m2m"): "DATABRICKS_CLIENT_ID / DATABRICKS_CLIENT_SECRET in the environment (OAuth M2M)",
    ("env", "*"): "the environment ({auth_type})",
    ("login", "*"): "the login stored by `brickgate login` ({stored})",
    ("profile", "*"): "profile {profile!r} of {config_file} ({auth_type})",
    ("given", "*"): "the token given to brickgate",
    ("sdk", "*"): "databricks-sdk's own search ({auth_type})",
    ("caller", "*"): "the token this request carried (the gateway runs each request as its caller)",
}
# The workspace refused them.
_REJECTED_FIX: Table = {
    ("env", "pat"): f"{_NEW_TOKEN} and set DATABRICKS_TOKEN to it.",
    ("env", "oauth-m2m"): f"Check DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET: {_M2M}.",
    ("login", "*"): f"{_NEW_TOKEN} and run `brickgate login --host {{host}}` again.",
    ("profile", "pat"): f"{_NEW_TOKEN} and put it on the `token` line of profile {{profile!r}}.",
    ("profile", "oauth-m2m"): f"Check client_id and client_secret of profile {{profile!r}}: {_M2M}.",
    ("profile", "databricks-cli"): "Log in again: `databricks auth login --profile {profile}`.",
    ("*", "databricks-cli"): "Log in again: `databricks auth login --host {host}`.",
    ("*", "azure-cli"): "Log in again: `az login`, with an account that may use this workspace.",
    ("given", "*"): f"{_NEW_TOKEN} and use that.",
    ("caller", "*"): CALLER_TOKEN_FIX,
}
# databricks-sdk could not set them up at all (a CLI missing or logged out, ...).
_SETUP_FIX: Table = {
    ("profile", "databricks-cli"): f"{_CLI} and run `databricks auth login --profile {{profile}}`.",
    ("*", "databricks-cli"): f"{_CLI} and run `databricks auth login --host {{host}}`.",
    (
        "*",
        "azure-cli",
    ): f"Install the Azure CLI and run `az login`, or choose another way:\n{AUTH_METHODS_HINT}",
}


def rejection_hint(creds: Credentials) -> str:
    """For credentials the workspace rejected (401/403, "Invalid Token", no OAuth token issued)."""
    fix = _lookup(_REJECTED_FIX, creds.origin, creds.auth_type)
    return _hint(
        creds.origin,
        creds.auth_type,
        creds.profile,
        creds.host,
        fix or "Check that these credentials may use this workspace, then run `brickgate status`.",
    )


def setup_hint(origin: CredentialOrigin, auth_type: str, profile: str | None, host: str) -> str:
    """For credentials databricks-sdk could not set up from where it looked."""
    fix = _lookup(_SETUP_FIX, origin, auth_type) or AUTH_METHODS_HINT
    return _hint(origin, auth_type, profile, host, fix)


def _hint(origin: CredentialOrigin, auth_type: str, profile: str | None, host: str, fix: str) -> str:
    facts = {
        "auth_type": auth_type,
        "host": host or "<workspace URL>",
        "profile": profile or "DEFAULT",
        "config_file": config_file_path(),
        "stored": home.credentials_path(),
    }
    where = _lookup(_WHERE, origin, auth_type) or "databricks-sdk ({auth_type})"
    return f"These credentials come from {where.format(**facts)}. {fix.format(**facts)}"


def _lookup(table: Table, origin: str, auth_type: str) -> str | None:
    for key in ((origin, auth_type), (origin, "*"), ("*", auth_type)):
        if key in table:
            return table[key]
    return None
