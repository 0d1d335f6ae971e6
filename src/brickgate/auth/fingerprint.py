"""Keyed hashes that name a credential or a principal without revealing it.

HMAC-SHA256 under a random key kept in brickgate's cache directory (0600): the hashes on disk can't be
checked against a guessed token or user name by anyone who lacks that key, and deleting the cache forgets
them all at once.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
from pathlib import Path

from brickgate import home

log = logging.getLogger("brickgate.auth")
_KEY_FILE = "fingerprint.key"
_lock = threading.Lock()
_keys: dict[str, bytes] = {}  # per cache directory (tests change BRICKGATE_HOME)


def keyed_hash(*parts: str) -> str:
    """32 hex digits naming `parts`; the same parts give the same name under the same home."""
    message = "\x00".join(parts).encode("utf-8", "surrogatepass")
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()[:32]


def _key() -> bytes:
    path = home.cache_dir() / _KEY_FILE
    with _lock:
        key = _keys.get(str(path))
        if key is None:
            key = _keys[str(path)] = _load_or_create(path)
        return key


def _load_or_create(file: Path) -> bytes:
    key = _read_key(file)
    if key is not None:
        return key
    key = secrets.token_bytes(32)
    try:
        _create_once(file, key)
    except FileExistsError:  # another process (a gateway worker) created it first: everyone uses that one
        return _read_key(file) or key
    except OSError as err:  # a read-only home still works: nothing learnt survives the process
        log.debug("Cannot store %s (%s): caches will not be found again", file, err.strerror)
    return key


def _read_key(file: Path) -> bytes | None:
    try:
        key = file.read_bytes()
    except OSError:
        return None
    return key if len(key) == 32 and home.is_private(file) else None


def _create_once(file: Path, key: bytes) -> None:
    """Write ``key`` to ``file`` unless it exists: a complete private file linked into place, so processes
    starting together agree on one key and none ever reads half of one. An unusable file is replaced."""
    tmp = file.with_name(f".{file.name}.{secrets.token_hex(8)}")
    home.write_private(tmp, key)
    try:
        if file.exists() and _read_key(file) is None:
            os.replace(tmp, file)  # wrong size or mode: ours replaces it
            return
        os.link(tmp, file)
    finally:
        tmp.unlink(missing_ok=True)
