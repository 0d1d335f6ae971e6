"""Keyed hashes that name a credential or a principal without revealing it.

HMAC-SHA256 under a random key kept in brickgate's cache directory (0600): the hashes on disk can't be
checked against a guessed token or user name by anyone who lacks that key, and deleting the cache forgets
them all at once.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
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
    try:
        key = file.read_bytes()
        if len(key) == 32 and home.is_private(file):
            return key
    except OSError:
        pass
    key = secrets.token_bytes(32)
    try:
        home.write_private(file, key)
    except OSError as err:  # a read-only home still works: nothing learnt survives the process
        log.debug("Cannot store %s (%s): caches will not be found again", file, err.strerror)
    return key
