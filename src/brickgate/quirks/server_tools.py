"""Anthropic Messages fields Databricks does not serve: ``container`` and the server tools it does not run.

Fact: Databricks rejects ``container``, and the server tools ``web_search_*``, ``web_fetch_*`` and
``code_execution_*`` are unsupported there (research databricks-2026.md §1.5 [LLc]). They are removed (the
repair is named in ``repairs``, a debug line names what went) instead of sending a request that fails; the
model answers without them. A ``tool_choice`` that names a removed tool goes with it.
"""

from __future__ import annotations

import logging
from typing import Any

JSON = dict[str, Any]
log = logging.getLogger("brickgate.quirks")

UNSERVED_TOOL_TYPES = ("web_search_", "web_fetch_", "code_execution_")


def _unserved(tool: Any) -> bool:
    return isinstance(tool, dict) and str(tool.get("type", "")).startswith(UNSERVED_TOOL_TYPES)


def drop_unserved_server_tools(body: JSON) -> JSON:
    """``body`` without ``container`` and without the server tools Databricks does not run."""
    tools = body.get("tools")
    removed = [t for t in tools if _unserved(t)] if isinstance(tools, list) else []
    if not removed and "container" not in body:
        return body
    out = {k: v for k, v in body.items() if k != "container"}
    names = [str(t.get("name") or t.get("type")) for t in removed]
    if removed and isinstance(tools, list):
        kept = [t for t in tools if not _unserved(t)]
        if kept:
            out["tools"] = kept
        else:
            out.pop("tools", None)
        choice = out.get("tool_choice")
        if isinstance(choice, dict) and (choice.get("name") in names or not kept):
            out.pop("tool_choice")
    dropped = names + (["container"] if "container" in body else [])
    log.debug("not sent to Databricks, which does not run them: %s", ", ".join(dropped))
    return out
