"""Credentials: flags > stored `brickgate login` > environment > `~/.databrickscfg` default profile.

Plain PATs never import databricks-sdk; everything else goes through its `Config`, imported lazily.
"""

from brickgate.auth.config_file import list_profiles
from brickgate.auth.credentials import Credentials, CredentialSource
from brickgate.auth.host import normalize_host
from brickgate.auth.resolve import peek_host, resolve
from brickgate.auth.stored_login import StoredLogin, clear_login, load_login, save_login
from brickgate.auth.verify import verify

__all__ = [
    "CredentialSource",
    "Credentials",
    "StoredLogin",
    "clear_login",
    "list_profiles",
    "load_login",
    "normalize_host",
    "peek_host",
    "resolve",
    "save_login",
    "verify",
]
