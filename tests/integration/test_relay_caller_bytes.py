"""The same-API fast path sends the caller's own bytes upstream (model renamed, small repaired members
edited on the bytes), and an encoded body when that is not certain; the emulator answers both (issue 17:
an agent's 200 KB body is not encoded a second time)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import orjson
import pytest

from brickgate.auth import Credentials
from brickgate.emulator.control_client import EmulatorControl
from brickgate.workspace import Workspace

CLAUDE = "databricks-claude-sonnet-4-5"
CACHED_SYSTEM = [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}]


def relay_sending(emulator: EmulatorControl, raw: bytes) -> tuple[bytes | Mapping[str, Any], bytes]:
    """What the fast path had the upstream client send for ``raw`` (the bytes, when it passed them on),
    and the answer it relayed."""
    ws = Workspace(credentials=Credentials.pat(emulator.url, emulator.token), persist=False)
    sent: list[bytes | Mapping[str, Any]] = []

    async def go() -> bytes:
        upstream = ws._upstream
        post = upstream.post

        async def spy(path: str, body: bytes | Mapping[str, Any], **options: Any) -> Any:
            sent.append(options.get("encoded") or body)
            return await post(path, body, **options)

        upstream.post = spy  # type: ignore[method-assign]
        try:
            model = ws.model(CLAUDE)
            relay = await ws._relay(model, "messages", orjson.loads(raw), stream=False, raw=raw)
            return await relay.read()
        finally:
            await ws.aclose()

    answer = asyncio.run(go())
    return sent[0], answer


@pytest.mark.parametrize("name", ["claude-sonnet-4-5", CLAUDE])
def test_a_body_no_repair_changes_goes_upstream_as_the_caller_wrote_it(
    emulator: EmulatorControl, name: str
) -> None:
    body = {"model": name, "max_tokens": 5, "system": CACHED_SYSTEM}
    read = {"role": "user", "content": "a file an agent read\n" * 4000}  # big enough to be worth editing
    body["messages"] = [
        read,
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": "caf\u00e9?"},
    ]
    raw = orjson.dumps(body, option=orjson.OPT_INDENT_2)  # spacing orjson would not write by default

    sent, answer = relay_sending(emulator, raw)

    renamed = raw.replace(f'"model": "{name}"'.encode(), f'"model": "{CLAUDE}"'.encode())
    assert sent == (raw if name == CLAUDE else renamed)
    assert orjson.loads(answer)["type"] == "message"
    assert emulator.requests()[-1]["body"]["model"] == CLAUDE


@pytest.mark.parametrize("spaced", [True, False])
def test_a_repaired_body_goes_upstream_repaired(emulator: EmulatorControl, spaced: bool) -> None:
    body: dict[str, Any] = {"model": CLAUDE, "max_tokens": 2048, "system": CACHED_SYSTEM}
    body["thinking"] = {"type": "enabled", "budget_tokens": 1024, "display": "omitted"}  # Claude Code's
    history = [
        {"role": "user", "content": "a file an agent read\n" * 4000},
        {"role": "assistant", "content": "ok"},
    ]
    body["messages"] = [*history, {"role": "user", "content": "hi"}]  # big enough to be worth editing
    raw = orjson.dumps(body, option=orjson.OPT_INDENT_2 if spaced else None)

    sent, answer = relay_sending(emulator, raw)

    # spelt as orjson writes it, the repaired member is edited on the caller's bytes; else all is encoded
    assert isinstance(sent, dict) if spaced else isinstance(sent, bytes)
    doc = orjson.loads(sent) if isinstance(sent, bytes) else sent
    assert doc["thinking"] == {"type": "enabled", "budget_tokens": 1024}
    assert doc["messages"] == body["messages"]
    assert orjson.loads(answer)["type"] == "message"
    assert emulator.requests()[-1]["body"]["thinking"] == {"type": "enabled", "budget_tokens": 1024}
