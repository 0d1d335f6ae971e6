"""What is wrong with a ledger file that cannot be read or written, in words for people (data: one row
per message SQLite or the OS gives)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Trouble:
    """What is wrong with the ledger file, for people, and what to do about it."""

    what: str  # completes "the usage ledger FILE is ..."
    advice: str
    passing: bool = False  # another process holds the file: the connection is kept for the retry


_LOCKED = Trouble(
    "locked by another process", "Another program holds it locked; it is retried.", passing=True
)
_FULL = Trouble("the disk is full", "Free some disk space; it is retried.")
_CORRUPT_ADVICE = "Move the file away; brickgate starts a new ledger on the next request."
_UNWRITABLE = Trouble("not writable", "Check that brickgate's home directory is writable; it is retried.")
# The words SQLite and the OS use → the trouble (data: one row per message).
TROUBLES: tuple[tuple[str, Trouble], ...] = (
    ("locked", _LOCKED),
    ("busy", _LOCKED),
    ("disk is full", _FULL),
    ("no space", _FULL),
    ("not a database", Trouble("not a ledger file (corrupt or foreign)", _CORRUPT_ADVICE)),
    ("malformed", Trouble("corrupt", _CORRUPT_ADVICE)),
    ("readonly", _UNWRITABLE),
    ("read-only", _UNWRITABLE),
    ("permission denied", _UNWRITABLE),
    ("unable to open", Trouble("impossible to open or create", _UNWRITABLE.advice)),
)


def trouble_of(exc: BaseException) -> Trouble:
    text = str(exc).lower()
    for needle, trouble in TROUBLES:
        if needle in text:
            return trouble
    return Trouble(f"failing ({type(exc).__name__}: {exc})", _UNWRITABLE.advice)
