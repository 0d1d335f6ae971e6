"""Response-side repairs: the ones the quirk table selected for one answer, run on each parsed event (or on
the non-streaming body), and on raw event bytes where a repair can do without parsing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

JSON = dict[str, Any]


class ResponseRepair(Protocol):
    """One defect's repair of one answer; an instance per answer keeps what it saw across events."""

    @property
    def applied(self) -> Iterable[str]:
        """Names of what it changed so far (e.g. ``rewrite_item_ids``)."""
        ...

    def event(self, data: JSON) -> JSON:
        """One parsed SSE payload, repaired (the same object when nothing changed)."""
        ...

    def response(self, body: JSON) -> JSON:
        """A non-streaming body, repaired (the same object when nothing changed)."""
        ...

    def raw_event(self, raw: bytes) -> bytes | None:
        """One raw event (without its blank line), repaired without parsing; None when it must be parsed.
        The result may hold more than one event (a repair that adds one puts it before ``raw``)."""
        ...

    def scan(self, block: bytes) -> bool:
        """Notes what a block of whole raw events shows (every block of a relayed stream passes here);
        False when no event in it needs this repair, so the block can go out untouched."""
        ...


class StreamRepair:
    """The response repairs of one answer, in table order.

    ``needed`` is False when none applies: a relay then passes bytes through untouched. :meth:`event` returns
    its argument unchanged (the same object) when nothing was fixed, so a relay re-serialises only the
    events a repair changed.
    """

    __slots__ = ("_repairs", "needed")

    def __init__(self, repairs: tuple[ResponseRepair, ...] = ()) -> None:
        self._repairs = repairs
        self.needed = bool(repairs)

    @property
    def applied(self) -> tuple[str, ...]:
        """Names of the response repairs that changed something so far, in first-use order."""
        return tuple(dict.fromkeys(name for repair in self._repairs for name in repair.applied))

    def event(self, data: JSON) -> JSON:
        for repair in self._repairs:
            data = repair.event(data)
        return data

    def response(self, body: JSON) -> JSON:
        for repair in self._repairs:
            body = repair.response(body)
        return body

    def raw_event(self, raw: bytes) -> bytes | None:
        for repair in self._repairs:
            fixed = repair.raw_event(raw)
            if fixed is None:
                return None
            raw = fixed
        return raw

    def scan(self, block: bytes) -> bool:
        """Whether any event of ``block`` may need a repair; every repair sees every block."""
        touched = False
        for repair in self._repairs:
            touched = repair.scan(block) or touched
        return touched
