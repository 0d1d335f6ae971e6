"""OpenAI Responses on Databricks: over-long ids, refused OpenAI-only options, missing totals.

Upstream facts (research/databricks-api.md §3.7, from unity-gateway issue #99's raw SSE log and ai-bridge):
- ids reach ~192 chars (``resp_...``) and Databricks **rejects ids > 64 chars on replay** (``input[N].id``);
  Databricks' own ``DatabricksOpenAI`` truncates ``response.id`` and ``output[].id`` to 64 chars
  [code: ai-bridge ``_truncate_response_ids``/``_truncate_input_ids``].
- streamed ``item_id`` values (~192 chars) differ from the ``item.id`` announced for the same output index
  (~54 chars), and ``@ai-sdk/openai`` then fails with "text part not found".
- ``response.completed.response.usage.total_tokens`` can be missing.

Request side: :func:`shorten_input_ids`, :func:`drop_unsupported_responses_options`. Response side (one
instance per answer, keeping what it saw): :class:`ItemIdRepair`, :class:`TotalTokensRepair`.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from typing import Any

from brickgate.quirks.copy_on_change import map_items

JSON = dict[str, Any]

log = logging.getLogger("brickgate.quirks")

MAX_ID_LENGTH = 64
_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9]{0,15})_")


def shorten_id(value: str) -> str:
    """``value`` itself when ≤ 64 chars, else its type prefix + ``_`` + a SHA-256 hex digest, 64 chars long.

    Deterministic, so an id we returned shortened and the caller replays maps to itself, and the same long
    id always shortens the same way in a stream and in a later request.
    """
    if len(value) <= MAX_ID_LENGTH:
        return value
    match = _PREFIX.match(value)
    prefix = match.group(1) if match else "id"
    digest = hashlib.sha256(value.encode()).hexdigest()
    return f"{prefix}_{digest[: MAX_ID_LENGTH - len(prefix) - 1]}"


def shorten_input_ids(body: JSON) -> JSON:
    """Every replayed ``input[].id`` longer than 64 chars shortened by :func:`shorten_id`.

    Prevents Databricks' 400 for ``input[N].id`` over 64 chars (§3.7).
    """
    return map_items(body, "input", _with_short_id)


def _with_short_id(item: Any) -> JSON | None:
    if isinstance(item, dict) and isinstance(item.get("id"), str) and len(item["id"]) > MAX_ID_LENGTH:
        return {**item, "id": shorten_id(item["id"])}
    return None


def drop_unsupported_responses_options(body: JSON) -> JSON:
    """OpenAI-only Responses options that Databricks does not serve, removed.

    Each is an assumption the emulator mirrors (the research names no error string for them):
    - ``include: ["reasoning.encrypted_content"]`` (Codex, opencode): no encrypted reasoning round trip
      through Databricks; other ``include`` entries are kept.
    - ``reasoning.summary`` (opencode, Codex for unknown slugs).
    - ``store``: Databricks stores no responses; the AI Gateway rejects ``store`` [code: ucode
      ``build_pi_base_urls`` comment] (§3.3).
    - ``previous_response_id``: nothing is stored upstream to continue from (logged: context is lost).
    ``prompt_cache_key`` is kept: the research names no refusal for it.
    """
    out = body
    include = body.get("include")
    if isinstance(include, list) and "reasoning.encrypted_content" in include:
        kept = [x for x in include if x != "reasoning.encrypted_content"]
        out = {**out, "include": kept} if kept else {k: v for k, v in out.items() if k != "include"}
    reasoning = body.get("reasoning")
    if isinstance(reasoning, dict) and "summary" in reasoning:
        out = {**out, "reasoning": {k: v for k, v in reasoning.items() if k != "summary"}}
    if "previous_response_id" in body:
        log.warning("previous_response_id is not supported upstream; sending the request without it")
    if "store" in body or "previous_response_id" in body:
        out = {k: v for k, v in out.items() if k not in ("store", "previous_response_id")}
    return out


def _with_total_tokens(usage: Any) -> Any:
    if not isinstance(usage, dict) or usage.get("total_tokens") is not None:
        return usage
    inp, outp = usage.get("input_tokens"), usage.get("output_tokens")
    if not isinstance(inp, int) or not isinstance(outp, int):
        return usage
    return {**usage, "total_tokens": inp + outp}


def add_total_tokens(response: JSON) -> JSON:
    """A Responses ``response`` object whose ``usage`` has ``total_tokens`` (input + output) when missing.

    Fact: ``response.completed.response.usage.total_tokens`` can be missing (§3.7).
    """
    usage = _with_total_tokens(response.get("usage"))
    return response if usage is response.get("usage") else {**response, "usage": usage}


def _shortened_item(item: Any) -> Any:
    if isinstance(item, dict) and isinstance(item.get("id"), str) and len(item["id"]) > MAX_ID_LENGTH:
        return {**item, "id": shorten_id(item["id"])}
    return item


def shorten_response_ids(response: JSON) -> JSON:
    """A Responses ``response`` object with ``id`` and every ``output[].id`` at most 64 chars.

    So that a caller replaying what we returned is not refused (§3.7). The same object when all fit.
    """
    out = response
    rid = response.get("id")
    if isinstance(rid, str) and len(rid) > MAX_ID_LENGTH:
        out = {**out, "id": shorten_id(rid)}
    output = response.get("output")
    if isinstance(output, list):
        items = [_shortened_item(item) for item in output]
        if any(a is not b for a, b in zip(items, output, strict=True)):
            out = {**out, "output": items}
    return out


_ITEM_EVENTS = ("response.output_item.added", "response.output_item.done")
# Top-level keys of a raw Responses event. A JSON string value cannot hold an unescaped quote, so these
# patterns never match inside a text delta.
_ITEM_ID = re.compile(rb'"item_id"\s*:\s*"([^"\\]*)"')
_OUTPUT_INDEX = re.compile(rb'"output_index"\s*:\s*(\d+)')


class ItemIdRepair:
    """One Responses answer's ids, consistent and at most 64 chars (§3.7).

    ``response.output_item.added`` carries ``item.id`` but the ``content_part``/``output_text`` events of the
    same ``output_index`` carry a different ``item_id``: each ``item_id`` is rewritten to the ``item.id``
    seen for its ``output_index``, the final ``output[i].id`` likewise, and ids over 64 chars are shortened.
    """

    __slots__ = ("_applied", "_id_fixes", "_item_ids")

    def __init__(self) -> None:
        self._item_ids: dict[int, str] = {}
        # raw item_id → what it becomes, learned on its first event: the deltas of one item repeat it
        self._id_fixes: dict[bytes, bytes] = {}
        self._applied: dict[str, None] = {}

    @property
    def applied(self) -> Iterable[str]:
        return self._applied

    def event(self, data: JSON) -> JSON:
        if "item_id" in data:
            return self._fix_item_id(data)
        if data.get("type") in _ITEM_EVENTS:
            return self._fix_item(data)
        response = data.get("response")
        if isinstance(response, dict):
            fixed = self.response(response)
            return data if fixed is response else {**data, "response": fixed}
        return data

    def response(self, body: JSON) -> JSON:
        fixed = shorten_response_ids(body)
        if fixed is not body:
            self._note("shorten_ids")
        return self._align_output_ids(fixed)

    def raw_event(self, raw: bytes) -> bytes | None:
        """The ``item_id`` fix on a raw event's bytes, without parsing it (None: no ``item_id``, parse it).

        For the per-delta events of a Responses stream (the bulk of it) this is several times cheaper than
        parse + re-serialise; the bytes come back unchanged (the same object) when nothing needs fixing.
        """
        start, end = _item_id_span(raw)
        if start < 0:
            return None
        current = raw[start:end]
        fix = self._id_fixes.get(current)
        if fix is None:
            fix = self._learn_fix(current, _output_index(raw))
        return raw if fix is current else raw[:start] + fix + raw[end:]

    def scan(self, block: bytes) -> bool:
        del block
        return True  # nearly every event of a Responses stream carries an id

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


class TotalTokensRepair:
    """A final Responses ``usage`` with its ``total_tokens`` (§3.7: it can be missing)."""

    __slots__ = ("changed",)

    def __init__(self) -> None:
        self.changed = False

    @property
    def applied(self) -> Iterable[str]:
        return ("add_total_tokens",) if self.changed else ()

    def event(self, data: JSON) -> JSON:
        response = data.get("response")
        if not isinstance(response, dict):
            return data
        fixed = self.response(response)
        return data if fixed is response else {**data, "response": fixed}

    def response(self, body: JSON) -> JSON:
        fixed = add_total_tokens(body)
        self.changed = self.changed or fixed is not body
        return fixed

    def raw_event(self, raw: bytes) -> bytes | None:
        return None if b'"usage"' in raw else raw

    def scan(self, block: bytes) -> bool:
        return b'"usage"' in block


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
