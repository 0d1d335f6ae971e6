"""The credential `brickgate login` stores: host + token, or the name of a config-file profile (0600 JSON)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from brickgate import home
from brickgate.errors import ConfigError
from brickgate.redact import register_secret

log = logging.getLogger("brickgate.auth")


@dataclass(frozen=True, slots=True)
class StoredLogin:
    """Exactly one of (host and token) or profile is set."""

    host: str | None = None
    token: str | None = None
    profile: str | None = None

    def __repr__(self) -> str:  # never show the token
        return f"StoredLogin(host={self.host!r}, profile={self.profile!r})"


def save_login(*, host: str | None = None, token: str | None = None, profile: str | None = None) -> None:
    """Store host + token, or a profile name, readable by the owner only."""
    if profile is not None and (host or token):
        raise ConfigError("A stored login is either a profile or a host + token, not both.")
    if profile is None and not (host and token):
        raise ConfigError("A stored login needs both a host and a token (or a profile).")
    data = {"profile": profile} if profile is not None else {"host": host, "token": token}
    home.write_private(home.credentials_path(), json.dumps(data, indent=2).encode())


def load_login() -> StoredLogin | None:
    """The stored login, or None. A file others can read is refused (with a warning), never used."""
    path = home.credentials_path()
    if not path.is_file():
        return None
    if not home.is_private(path):
        log.warning(
            "Ignoring %s: it is readable by other users. Run `chmod 600 %s` or `brickgate login` again.",
            path,
            path,
        )
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ConfigError(
            f"Cannot read the stored login {path}: {err}", "Run `brickgate login` again."
        ) from None
    login = _parse(data)
    if login is None:
        raise ConfigError(f"The stored login {path} is malformed.", "Run `brickgate login` again.")
    register_secret(login.token)
    return login


def clear_login() -> bool:
    """Forget the stored login. True if there was one."""
    path = home.credentials_path()
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def _parse(data: object) -> StoredLogin | None:
    if not isinstance(data, dict):
        return None
    profile, host, token = data.get("profile"), data.get("host"), data.get("token")
    if isinstance(profile, str) and profile:
        return StoredLogin(profile=profile)
    if isinstance(host, str) and host and isinstance(token, str) and token:
        return StoredLogin(host=host, token=token)
    return None
