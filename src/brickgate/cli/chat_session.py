"""`brickgate chat -m MODEL`: interactive multi-turn chat with streaming Markdown and a running tally."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.markdown import Markdown

from brickgate.catalog.model import Model
from brickgate.cli.output import print_error
from brickgate.cli.run_session import retry_printer
from brickgate.errors import BrickgateError
from brickgate.pricing import ZERO, Cost
from brickgate.protocol import Message, Request, TextDelta, Usage
from brickgate.workspace import Workspace

HELP = "Commands: /model NAME, /clear, /help, /exit (or Ctrl-D)"
COMMANDS = (
    ("/model NAME", "switch to another model (any name `brickgate models` lists)"),
    ("/model", "show the current model"),
    ("/clear", "forget the conversation so far"),
    ("/help", "this list"),
    ("/exit", "leave (also /quit or Ctrl-D)"),
)


@dataclass
class ChatSession:
    model: Model
    system: str | None = None
    history: list[Message] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    cost: Cost = ZERO

    def request(self, max_tokens: int | None) -> Request:
        msgs = ([Message.of("system", self.system)] if self.system else []) + self.history
        return Request(model=self.model.id, messages=tuple(msgs), max_tokens=max_tokens)


def _footer(workspace: str, s: ChatSession) -> str:
    return (
        f"[dim]{workspace} · {s.model.id} · {s.usage.total_input_tokens} in / {s.usage.output_tokens} out"
        f" · ${s.cost.usd:.6f}[/dim]"
    )


async def _turn(
    ws: Workspace, s: ChatSession, console: Console, err: Console, max_tokens: int | None
) -> None:
    text = ""
    live_ok = console.is_terminal
    # `async with`: an answer stopped by Ctrl-C closes its upstream response at once
    async with ws.stream(s.model, s.request(max_tokens), on_retry=retry_printer(err)) as stream:
        with (
            Live(Markdown(""), console=console, refresh_per_second=12, transient=False)
            if live_ok
            else _NoLive() as live
        ):
            async for event in stream:
                if isinstance(event, TextDelta):
                    text += event.text
                    if live_ok:
                        live.update(Markdown(text))
                    else:
                        console.file.write(event.text)
                        console.file.flush()
        if not live_ok:
            console.file.write("\n")
        done = stream.completion()
    s.history.append(done.response.message)
    s.usage = s.usage + done.usage
    s.cost = s.cost + done.cost


class _NoLive:
    def __enter__(self) -> _NoLive:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, _: object) -> None:
        return None


def _read_line(console: Console) -> str | None:
    try:
        if sys.stdin.isatty():
            return console.input("[bold green]you>[/bold green] ")
        line = sys.stdin.readline()
        return None if line == "" else line.rstrip("\n")
    except (EOFError, KeyboardInterrupt):
        return None


async def _loop(ws: Workspace, s: ChatSession, workspace: str, max_tokens: int | None) -> None:
    console = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    console.print(f"[bold]brickgate chat[/bold] — {s.model.id} on {workspace}. {HELP}")
    try:
        while True:
            line = _read_line(console)
            if line is None or line.strip() in ("/exit", "/quit"):
                break
            cmd = line.strip()
            if not cmd:
                continue
            if cmd in ("/help", "/?"):
                console.print(_help_text(), markup=False)
                continue
            if cmd == "/clear":
                s.history.clear()
                console.print("[dim]Conversation cleared.[/dim]")
                continue
            if cmd.startswith("/model"):
                name = cmd[len("/model") :].strip()
                if not name:
                    console.print(f"[dim]Current model: {s.model.id}[/dim]")
                    continue
                try:
                    s.model = ws.model(name)
                    console.print(
                        f"[dim]Switched to {s.model.id} ({s.model.family} via {s.model.api}).[/dim]"
                    )
                except BrickgateError as exc:
                    print_error(exc)
                continue
            if cmd.startswith("/"):
                console.print(f"Unknown command {cmd.split()[0]}. {HELP}", style="dim", markup=False)
                continue
            s.history.append(Message.of("user", line))
            try:
                answered = await _interruptible(_turn(ws, s, console, err, max_tokens))
            except BrickgateError as exc:
                s.history.pop()  # the failed turn is not part of the conversation
                print_error(exc)
            else:
                if not answered:
                    s.history.pop()  # nor is a stopped one
                    err.print("\n[dim]Stopped; the conversation before it is kept.[/dim]")
            console.print(_footer(workspace, s), highlight=False)
    finally:
        await ws.aclose()


async def _interruptible(turn: Coroutine[Any, Any, None]) -> bool:
    """Run one turn; Ctrl-C stops that answer (False), not the whole chat and its conversation."""
    loop = asyncio.get_running_loop()
    task = loop.create_task(turn)
    previous = signal.getsignal(signal.SIGINT)
    try:
        loop.add_signal_handler(signal.SIGINT, task.cancel)
    except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
        await task
        return True
    try:
        await task
    except asyncio.CancelledError:
        if not task.cancelled():  # this coroutine was cancelled, not the turn
            raise
        return False
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        if previous is not None:  # None: set outside Python; remove_signal_handler restored the default
            signal.signal(signal.SIGINT, previous)  # at the prompt, Ctrl-C leaves as before
    return True


def _help_text() -> str:
    width = max(len(name) for name, _ in COMMANDS)
    lines = [f"  {name.ljust(width)}  {what}" for name, what in COMMANDS]
    return "\n".join(["Commands:", *lines, "Anything else is sent to the model."])


def chat(
    ws: Workspace, model: str, *, system: str | None, max_tokens: int | None, workspace_label: str
) -> None:
    session = ChatSession(model=ws.model(model), system=system)
    asyncio.run(_loop(ws, session, workspace_label, max_tokens))
