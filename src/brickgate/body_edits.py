"""Top-level edits made on the caller's bytes, so a relayed body is not encoded again.

The same-API fast path parses the caller's body, renames the model and repairs it. The repairs agents
actually meet change small top-level fields (opencode's ``stream_options``, Codex's ``store``/``include``,
Claude Code's ``thinking.display``), while the conversation (a 200 KB history) stays as it came: one
``orjson.dumps`` of the whole body for a 50-byte change cost about as much as the floor relay's whole
request (bench/README.md, agent-sized requests). ``edited`` applies the top-level differences between two
parsed bodies to the original bytes instead.

The members are found by walking the top level from both ends, in document order (orjson keeps it),
matching each small member's key and value as orjson spells them (compact, as agents send them), until a
big value (the history, the tools) stops the walk: no search through the conversation, whose strings
may hold anything. An edit is made only where that walk reached its member; anything else (a changed
member between two big ones, spaces or escapes spelt otherwise, neighbours removed at the end that share
a comma) answers None and the body is encoded whole, as before. One case is not seen: a top-level key
repeated between two big members with the value it has first (JSON says names SHOULD be unique; orjson
keeps the last). The edit then lands on the first one and the upstream reads the caller's own repeat,
which is what the caller sent — never another caller's or the gateway's value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

WORTH_EDITING = 64 * 1024  # bytes; a smaller body is encoded whole in less time than the walk takes
MAX_NODES = 64  # values, keys included, of a member worth walking past
MAX_STRING = 4096  # characters of a string member worth walking past
_WHITESPACE = b" \t\r\n"
_MISSING = object()


@dataclass(slots=True)
class _Member:
    key_start: int
    value_start: int
    value_end: int
    lead: int | None  # the comma before the key (None for the first member)
    trail: int | None  # just past the comma after the value (None for the last member)


def edited(
    raw: bytes, before: Mapping[str, Any], after: Mapping[str, Any], *, worth: int = WORTH_EDITING
) -> bytes | None:
    """``raw`` (the encoding of ``before``) changed into an encoding of ``after``, where they differ only
    in top-level values (compared by identity: repairs copy what they change), or None when not certain
    or ``raw`` is shorter than ``worth`` bytes (encoding it whole is cheaper then)."""
    changed = [key for key in before if _changed(before[key], after.get(key, _MISSING))]
    added = [key for key in after if key not in before]
    if not changed and not added:
        return raw
    if len(raw) < worth:
        return None
    members = _walk(raw, before, set(changed))
    if members is None:
        return None
    spans: list[tuple[int, int, bytes]] = []  # (start, end, replacement)
    for key in changed:
        member = members.get(key)
        if member is None:
            return None
        if key in after:
            spans.append((member.value_start, member.value_end, orjson.dumps(after[key])))
        elif member.trail is not None:
            spans.append((member.key_start, member.trail, b""))
        elif member.lead is not None:
            spans.append((member.lead, member.value_end, b""))
        else:
            spans.append((member.key_start, member.value_end, b""))
    if added:
        text = b"".join(orjson.dumps(key) + b":" + orjson.dumps(after[key]) + b"," for key in added)
        if all(key not in after for key in before):  # no member left to put a comma before
            text = text[:-1]
        opening = _skip(raw, 0)
        spans.append((opening + 1, opening + 1, text))
    spans.sort()
    if any(spans[i][1] > spans[i + 1][0] for i in range(len(spans) - 1)):
        return None
    view, at = memoryview(raw), 0
    pieces: list[bytes | memoryview] = []  # joined once: one copy of the body, not one per edit
    for begin, end, replacement in spans:
        pieces += (view[at:begin], replacement)
        at = end
    pieces.append(view[at:])
    return b"".join(pieces)


def _changed(old: Any, new: Any) -> bool:
    """By identity (repairs copy what they change); a scalar also by type and value: a renamed model that
    was already the endpoint's name is a new string, not a change (but ``1`` is not ``true``)."""
    return new is not old and (
        old.__class__ not in _SCALARS or new.__class__ is not old.__class__ or new != old
    )


_SCALARS = frozenset((str, int, float, bool, type(None)))


def _walk(raw: bytes, doc: Mapping[str, Any], wanted: set[str]) -> dict[str, _Member] | None:
    """The ``wanted`` top-level members of ``raw`` (and those on the way), each reached from the nearer end
    of the object past small values spelt as orjson spells them, else from the other end, by key; None
    when ``raw`` is not one JSON object. Walking from the nearer end spares sizing the history."""
    opening, closing = _skip(raw, 0), _skip_back(raw, len(raw)) - 1
    if opening >= closing or raw[opening] != 0x7B or raw[closing] != 0x7D:  # "{" ... "}"
        return None
    walk = _Walk(raw, list(doc.items()), opening, closing)
    places = [i for i, (key, _) in enumerate(walk.items) if key in wanted]
    last = len(walk.items) - 1
    if not walk.forward(max((i for i in places if i <= last - i), default=-1)):
        return None
    walk.backward(min((i for i in places if walk.items[i][0] not in walk.found), default=last + 1))
    missing = [i for i in places if walk.items[i][0] not in walk.found]
    if missing and not walk.forward(max(missing)):  # the nearer end was blocked: the far one
        return None
    return walk.found


class _Walk:
    """The top level of ``raw`` walked member by member from its start (``forward``) and its end
    (``backward``), never across each other."""

    def __init__(self, raw: bytes, items: list[tuple[str, Any]], opening: int, closing: int) -> None:
        self.raw, self.items, self.closing = raw, items, closing
        self.found: dict[str, _Member] = {}
        self.at, self.next = _skip(raw, opening + 1), 0  # the front: the next member's key
        self.lead: int | None = None  # the comma before it
        self.end, self.first = _skip_back(raw, closing), len(items)  # the back: past the last unwalked value
        self.stuck = False  # the front met a member it cannot walk past

    def forward(self, until: int) -> bool:
        """Walk from the front through member ``until``; False when the bytes end otherwise than the parsed
        body does (nothing is certain then)."""
        raw, last = self.raw, len(self.items) - 1
        while not self.stuck and self.next <= min(until, self.first - 1):
            key, value = self.items[self.next]
            member = _member_at(raw, self.at, key, value)
            if member is None:
                self.stuck = True
                break
            after = _skip(raw, member[1])
            trail = _skip(raw, after + 1) if raw.startswith(b",", after) else None
            if trail is None and (after != self.closing or self.next != last):
                return False  # the object ends here, or not as the parsed body does
            self.found[key] = _Member(self.at, member[0], member[1], self.lead, trail)
            self.next += 1
            if trail is None:
                break
            self.lead, self.at = after, trail
        return True

    def backward(self, until: int) -> None:
        """Walk from the end down to member ``until``, as far as small members spelt as orjson spells them
        go."""
        raw = self.raw
        while self.first - 1 >= max(until, self.next):
            key, value = self.items[self.first - 1]
            if not _small(value):
                return
            name, spelt = orjson.dumps(key), orjson.dumps(value)
            value_start = self.end - len(spelt)
            colon = _skip_back(raw, value_start) - 1
            key_start = _skip_back(raw, colon) - len(name)
            comma = _skip_back(raw, key_start) - 1
            if not (
                raw.startswith(spelt, value_start)
                and raw.startswith(b":", colon)
                and raw.startswith(name, key_start)
                and raw.startswith(b",", comma)
            ):
                return
            self.found[key] = _Member(key_start, value_start, self.end, comma, None)  # removed with its comma
            self.end = _skip_back(raw, comma)
            self.first -= 1


def _member_at(raw: bytes, at: int, key: str, value: Any) -> tuple[int, int] | None:
    """(value start, value end) of ``"key": value`` spelt as orjson spells it at ``at``, or None."""
    if not _small(value):
        return None
    name = orjson.dumps(key)
    if not raw.startswith(name, at):
        return None
    colon = _skip(raw, at + len(name))
    if not raw.startswith(b":", colon):
        return None
    start, spelt = _skip(raw, colon + 1), orjson.dumps(value)
    return (start, start + len(spelt)) if raw.startswith(spelt, start) else None


def _small(value: Any) -> bool:
    """Whether ``value`` has at most MAX_NODES values and no long string; stops at the first excess, so a
    history costs a few steps (without recursion or generators: this runs on every relayed request)."""
    budget, pending = MAX_NODES, [value]
    while pending:
        item = pending.pop()
        budget -= 1
        kind = item.__class__
        if kind is str:
            if len(item) > MAX_STRING:
                return False
        elif kind is dict:
            budget -= len(item)
            pending += item.values()
        elif kind is list:
            if len(item) > budget:
                return False
            pending += item
        if budget < 0:
            return False
    return True


def _skip(raw: bytes, at: int) -> int:
    """Offset of the first non-whitespace byte at or after ``at`` (``len(raw)`` when none)."""
    end = len(raw)
    while at < end and raw[at] in _WHITESPACE:
        at += 1
    return at


def _skip_back(raw: bytes, at: int) -> int:
    """Offset just past the last non-whitespace byte before ``at`` (0 when none)."""
    while at > 0 and raw[at - 1] in _WHITESPACE:
        at -= 1
    return at
