"""OpenAI Responses on Databricks: over-long ids, refused OpenAI-only options, missing totals.

Upstream facts (research/databricks-api.md §3.7, from unity-gateway issue #99's raw SSE log and ai-bridge):
- ids reach ~192 chars (``resp_...``) and Databricks **rejects ids > 64 chars on replay** (``input[N].id``);
  Databricks' own ``DatabricksOpenAI`` truncates ``response.id`` and ``output[].id`` to 64 chars
  [code: ai-bridge ``_truncate_response_ids``/``_truncate_input_ids``].
- ``response.completed.response.usage.total_tokens`` can be missing.
"""

from __future__ import annotations

import hashlib
import logging
import re
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
