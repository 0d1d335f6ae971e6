"""Where brickgate keeps its state: one directory (platformdirs default; BRICKGATE_HOME overrides)."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path


def home() -> Path:
    override = os.environ.get("BRICKGATE_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path("brickgate", appauthor=False)


def config_path() -> Path:
    return home() / "config.toml"


def credentials_path() -> Path:
    return home() / "credentials.json"


def cache_dir() -> Path:
    return home() / "cache"


def is_private(path: Path) -> bool:
    """True when group and others have no access (0600/0700-style)."""
    if sys.platform == "win32":
        return True
    return not (path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def make_private_dir(path: Path) -> None:
    """Create ``path`` and every missing parent as 0700. ``mkdir(parents=True, mode=...)`` gives the mode
    to the last directory only, and the umask trims it; directories that already exist are left alone."""
    missing: list[Path] = []
    while not path.is_dir():
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:  # created meanwhile by another brickgate process
            continue
        directory.chmod(0o700)


def write_private(path: Path, data: bytes) -> None:
    """Atomically write ``data`` readable by the owner only (0600). A link already at ``path`` is replaced,
    never followed: the data goes to a new file (O_EXCL|O_NOFOLLOW) renamed over it."""
    make_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
