"""What to tell someone whose credentials the workspace rejected: where they came from, and the fix there.

A rejected token means different work depending on where it lives: a new DATABRICKS_TOKEN, `brickgate login`
again, a profile's `token` line, `databricks auth login`, an OAuth secret. One table, by origin and auth type.
"""

from __future__ import annotations

from brickgate import home
from brickgate.auth.config_file import config_file_path
from brickgate.auth.credentials import Credentials

_NEW_TOKEN = "Create a new token (workspace Settings → Developer → Access tokens)"
_M2M = "the service principal's OAuth secret may be wrong or expired, or it lacks access to this workspace"
# (origin, auth type) → where they came from; "*" matches any auth type.
_WHERE = {
    ("env", "pat"): "DATABRICKS_TOKEN in the environment",
    ("env", "oauth-m2m"): "DATABRICKS_CLIENT_ID / DATABRICKS_CLIENT_SECRET in the environment (OAuth M2M)",
    ("env", "*"): "the environment ({auth_type})",
    ("login", "*"): "the login stored by `brickgate login` ({stored})",
    ("profile", "*"): "profile {profile!r} of {config_file} ({auth_type})",
    ("given", "*"): "the token given to brickgate",
    ("sdk", "*"): "databricks-sdk's own search ({auth_type})",
}
_FIX = {
    ("env", "pat"): f"{_NEW_TOKEN} and set DATABRICKS_TOKEN to it.",
    ("env", "oauth-m2m"): f"Check DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET: {_M2M}.",
    ("login", "*"): f"{_NEW_TOKEN} and run `brickgate login --host {{host}}` again.",
    ("profile", "pat"): f"{_NEW_TOKEN} and put it on the `token` line of profile {{profile!r}}.",
    ("profile", "oauth-m2m"): f"Check client_id and client_secret of profile {{profile!r}}: {_M2M}.",
    ("profile", "databricks-cli"): "Log in again: `databricks auth login --profile {profile}`.",
    ("sdk", "databricks-cli"): "Log in again: `databricks auth login --host {host}`.",
    ("*", "azure-cli"): "Log in again: `az login`, with an account that may use this workspace.",
    ("given", "*"): f"{_NEW_TOKEN} and use that.",
}
_DEFAULT_FIX = "Check that these credentials may use this workspace, then run `brickgate status`."


def rejection_hint(creds: Credentials) -> str:
    """`Credentials from <where>. <fix for that place>.`"""
    facts = {
        "auth_type": creds.auth_type,
        "host": creds.host,
        "profile": creds.profile or "DEFAULT",
        "config_file": config_file_path(),
        "stored": home.credentials_path(),
    }
    where = _lookup(_WHERE, creds) or "databricks-sdk ({auth_type})"
    fix = _lookup(_FIX, creds) or _DEFAULT_FIX
    return f"These credentials come from {where.format(**facts)}. {fix.format(**facts)}"


def _lookup(table: dict[tuple[str, str], str], creds: Credentials) -> str | None:
    for key in ((creds.origin, creds.auth_type), (creds.origin, "*"), ("*", creds.auth_type)):
        if key in table:
            return table[key]
    return None
