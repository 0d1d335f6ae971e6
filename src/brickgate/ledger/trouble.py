"""What is wrong with a ledger file that cannot be read or written, in words for people (data: one row
per message SQLite or the OS gives)."""

from __future__ import annotations

import sqlite3
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
# A file brickgate did not write is never written to, not even a pragma: it may be someone's data.
_NOT_OURS_ADVICE = (
    "brickgate leaves it untouched. Move the file away (or set BRICKGATE_HOME to another directory, which "
    "moves config and credentials too); brickgate starts a new ledger on the next request."
)
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
    (
        "is a directory",
        Trouble("a directory, not a file", "Move it away; brickgate starts a new ledger there."),
    ),
    ("unable to open", Trouble("impossible to open or create", _UNWRITABLE.advice)),
)


class RefusedFile(sqlite3.DatabaseError):
    """A SQLite file at the ledger's path that this brickgate must not write to (nor read as a ledger)."""

    def __init__(self, trouble: Trouble) -> None:
        super().__init__(trouble.what)
        self.trouble = trouble


def newer_ledger(version: int, known: int) -> RefusedFile:
    what = f"from a newer brickgate (ledger schema {version}; this brickgate knows {known})"
    return RefusedFile(Trouble(what, f"Upgrade brickgate to read it. {_NOT_OURS_ADVICE}"))


def foreign_file(details: str) -> RefusedFile:
    return RefusedFile(Trouble(f"not a brickgate usage ledger ({details})", _NOT_OURS_ADVICE))


def trouble_of(exc: BaseException) -> Trouble:
    if isinstance(exc, RefusedFile):
        return exc.trouble
    text = str(exc).lower()
    for needle, trouble in TROUBLES:
        if needle in text:
            return trouble
    return Trouble(f"failing ({type(exc).__name__}: {exc})", _UNWRITABLE.advice)
