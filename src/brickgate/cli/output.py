"""Printing for people: errors as message + hint, warnings on stderr, everything through redaction."""

from __future__ import annotations

import json
import logging
import sys
from typing import TYPE_CHECKING, Any

from brickgate.redact import redact

if TYPE_CHECKING:
    from rich.console import Console

    from brickgate.errors import BrickgateError


def stdout_console() -> Console:
    """Rich console on stdout; piped output gets wide lines instead of an 80-column wrap."""
    from rich.console import Console

    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 160)
    return console


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def print_error(err: BrickgateError) -> None:
    """`Error: <message>` in red, the hint dimmed below it, on stderr."""
    from rich.text import Text

    console = stderr_console()
    console.print(Text("Error: ", style="bold red") + Text(redact(err.message), style="red"), soft_wrap=True)
    if err.hint:
        console.print(Text(redact(err.hint), style="dim"), soft_wrap=True)


def print_warning(message: str) -> None:
    from rich.text import Text

    text = Text("Warning: ", style="bold yellow") + Text(redact(message), style="yellow")
    stderr_console().print(text, soft_wrap=True)


def print_json(data: Any) -> None:
    """JSON on stdout (redacted: no secret can leave through machine-readable output either)."""
    sys.stdout.write(redact(json.dumps(data, indent=2)) + "\n")


def error_json(err: BrickgateError) -> dict[str, Any]:
    return {"type": type(err).__name__, "message": redact(err.message), "hint": redact(err.hint or "")}


class RedactingHandler(logging.Handler):
    """brickgate's log records on stderr: warnings in yellow, everything redacted."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a broken log call must never break a command
            message = str(record.msg)
        if record.levelno >= logging.WARNING:
            print_warning(message)
        else:
            stderr_console().print(redact(f"{record.name}: {message}"), style="dim", markup=False)
