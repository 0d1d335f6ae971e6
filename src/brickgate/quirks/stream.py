"""Response-side repairs, applied to each parsed upstream SSE payload (or a non-streaming body)."""

from __future__ import annotations

import re
from typing import Any

from brickgate.catalog.families import Api
from brickgate.catalog.model import Model
from brickgate.quirks.array_content import ArrayContentFlattener, drop_null_usage, flatten_chat_chunk
from brickgate.quirks.responses import MAX_ID_LENGTH, add_total_tokens, shorten_id, shorten_response_ids

JSON = dict[str, Any]

_ITEM_EVENTS = ("response.output_item.added", "response.output_item.done")
# Top-level keys of a raw Responses event. A JSON string value cannot hold an unescaped quote, so these
# patterns never match inside a text delta.
_ITEM_ID = re.compile(rb'"item_id"\s*:\s*"([^"\\]*)"')
_OUTPUT_INDEX = re.compile(rb'"output_index"\s*:\s*(\d+)')


class StreamRepair:
    """Repairs one upstream response, event by event; keeps the state a repair needs across events.

    ``needed`` is False when no response repair applies to this model and API: the relay can then skip
    :meth:`event` entirely. :meth:`event` returns its argument unchanged (the same object) when it fixed
    nothing, so a relay re-serialises only the events that changed.

    Responses (§3.7): ``response.output_item.added`` carries ``item.id`` (~54 chars) but the
    ``content_part``/``output_text`` events of the same ``output_index`` carry a different ~192-char
    ``item_id``, and ``@ai-sdk/openai`` then fails with "text part not found". Each ``item_id`` is rewritten
    to the ``item.id`` seen for its ``output_index``; ids over 64 chars are shortened; a missing
    ``usage.total_tokens`` is computed.
    """

    __slots__ = ("_applied", "_flattener", "_id_fixes", "_item_ids", "needed")

    def __init__(self, model: Model, api: Api) -> None:
        # Gemini over chat: array content flattened, thought signatures kept (quirks/array_content.py).
        self._flattener = (
            ArrayContentFlattener() if api == "chat" and model.traits.returns_array_content else None
        )
        self.needed = api == "responses" or self._flattener is not None
        self._item_ids: dict[int, str] = {}
        # raw item_id → what it becomes, learned on its first event: the deltas of one item repeat it
        self._id_fixes: dict[bytes, bytes] = {}
        self._applied: dict[str, None] = {}

    @property
    def applied(self) -> tuple[str, ...]:
        """Names of the response repairs that changed something so far, in first-use order."""
        return tuple(self._applied)

    def event(self, data: JSON) -> JSON:
        """One parsed SSE JSON payload, repaired (the same object when nothing changed)."""
        if not self.needed:
            return data
        if self._flattener is not None:
            return self._flatten(data)
        if "item_id" in data:
            return self._fix_item_id(data)
        if data.get("type") in _ITEM_EVENTS:
            return self._fix_item(data)
        response = data.get("response")
        if isinstance(response, dict):
            fixed = self._fix_response(response)
            return data if fixed is response else {**data, "response": fixed}
        return data

    def item_id_bytes(self, raw: bytes) -> bytes | None:
        """The same ``item_id`` repair as :meth:`event`, on a raw event's bytes, without parsing it.

        For the per-delta events of a Responses stream (the bulk of it) this is several times cheaper than
        parse + re-serialise. Returns None when the event has no ``item_id`` (parse it and use
        :meth:`event`); the bytes unchanged (same object) when nothing needs fixing.
        """
        start, end = _item_id_span(raw)
        if start < 0:
            return None
        current = raw[start:end]
        fix = self._id_fixes.get(current)
        if fix is None:
            fix = self._learn_fix(current, _output_index(raw))
        return raw if fix is current else raw[:start] + fix + raw[end:]

    def _learn_fix(self, current: bytes, output_index: int) -> bytes:
        expected = self._item_ids.get(output_index)
        text = current.decode()
        if expected is None:
            if len(text) <= MAX_ID_LENGTH:
                fix = current
            else:
                fix = shorten_id(text).encode()
                self._note("shorten_ids")
        elif expected == text:
            fix = current
        else:
            fix = expected.encode()
            self._note("rewrite_item_ids")
        if expected is not None or fix is not current:
            self._id_fixes[current] = fix  # an unannounced short id may still be announced later
        return fix

    def response(self, body: JSON) -> JSON:
        """A non-streaming JSON body, repaired (the same object when nothing changed)."""
        if not self.needed:
            return body
        if self._flattener is not None:
            return self._flatten(body)
        return self._fix_response(body)

    def _flatten(self, data: JSON) -> JSON:
        assert self._flattener is not None
        fixed = flatten_chat_chunk(data, self._flattener)
        if fixed is not data:
            self._note("flatten_array_content")
        trimmed = drop_null_usage(fixed)
        if trimmed is not fixed:
            self._note("drop_null_usage")
        return trimmed

    def _note(self, name: str) -> None:
        self._applied[name] = None

    def _fix_item_id(self, data: JSON) -> JSON:
        item_id = data["item_id"]
        expected = self._item_ids.get(data.get("output_index", -1))
        if expected is not None:
            if item_id == expected:
                return data
            self._note("rewrite_item_ids")
            return {**data, "item_id": expected}
        if isinstance(item_id, str) and len(item_id) > MAX_ID_LENGTH:
            self._note("shorten_ids")
            return {**data, "item_id": shorten_id(item_id)}
        return data

    def _fix_item(self, data: JSON) -> JSON:
        item = data.get("item")
        index = data.get("output_index")
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            return data
        item_id = self._item_ids.get(index) if isinstance(index, int) else None
        if item_id is None:
            item_id = shorten_id(item["id"])
            if isinstance(index, int):
                self._item_ids[index] = item_id
        if item_id == item["id"]:
            return data
        self._note("shorten_ids" if item_id == shorten_id(item["id"]) else "rewrite_item_ids")
        return {**data, "item": {**item, "id": item_id}}

    def _fix_response(self, response: JSON) -> JSON:
        fixed = shorten_response_ids(response)
        if fixed is not response:
            self._note("shorten_ids")
        fixed = self._align_output_ids(fixed)
        with_total = add_total_tokens(fixed)
        if with_total is not fixed:
            self._note("add_total_tokens")
        return with_total

    def _align_output_ids(self, response: JSON) -> JSON:
        """``output[i].id`` equal to the ``item.id`` the stream announced for output index ``i``."""
        output = response.get("output")
        if not self._item_ids or not isinstance(output, list):
            return response
        items = list(output)
        for i, item in enumerate(output):
            want = self._item_ids.get(i)
            if want is not None and isinstance(item, dict) and item.get("id") != want:
                items[i] = {**item, "id": want}
        if items == output:
            return response
        self._note("rewrite_item_ids")
        return {**response, "output": items}


def _item_id_span(raw: bytes) -> tuple[int, int]:
    """Where the ``item_id`` value sits in a raw event: a plain find for compact JSON (what Databricks
    sends; this runs on every delta), the regex for anything spaced."""
    at = raw.find(b'"item_id":"')
    if at >= 0:
        start = at + 11
        end = raw.find(b'"', start)
        if end >= 0 and raw.find(b"\\", start, end) < 0:
            return start, end
    found = _ITEM_ID.search(raw)
    return (found.start(1), found.end(1)) if found else (-1, -1)


def _output_index(raw: bytes) -> int:
    at = raw.find(b'"output_index":')
    if at >= 0:
        digits = raw[at + 15 : at + 25].split(b",", 1)[0].split(b"}", 1)[0].strip()
        if digits.isdigit():
            return int(digits)
    found = _OUTPUT_INDEX.search(raw)
    return int(found.group(1)) if found else -1
