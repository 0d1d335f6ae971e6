"""The wire registry: one package per API, and the only way the rest of brickgate reaches one."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import pytest

import brickgate
from brickgate.wire.contract import Api
from brickgate.wire.registry import WIRES

SRC = Path(brickgate.__file__).parent


def test_every_api_has_exactly_one_registered_wire_package() -> None:
    assert sorted(WIRES) == sorted(get_args(Api))
    assert len({id(wire) for wire in WIRES.values()}) == len(WIRES)


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_nothing_outside_wire_imports_a_concrete_wire_package() -> None:
    packages = {getattr(wire, "__name__", "") for wire in WIRES.values()}
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in SRC.rglob("*.py")
        if not path.is_relative_to(SRC / "wire")
        for name in imported_modules(path)
        if any(name == p or name.startswith(p + ".") for p in packages)
    ]
    assert offenders == []


MINIMAL_BODIES: dict[Api, dict[str, object]] = {
    "chat": {"model": "m", "messages": [{"role": "user", "content": "hi"}]},
    "responses": {"model": "m", "input": "hi"},
    "messages": {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]},
    "gemini": {"model": "m", "contents": [{"role": "user", "parts": [{"text": "hi"}]}]},
}
NON_CANONICAL_SAMPLES: dict[Api, dict[str, object]] = {
    "chat": {"stream_options": {"include_usage": True}, "n": 1, "user_tag": "x"},
    "responses": {"include": [], "store": False},
    "messages": {"top_k": 3, "context_management": {}},
    "gemini": {"safetySettings": [], "cachedContent": "cachedContents/1", "generationConfig": {"topK": 3}},
}


@pytest.mark.parametrize("api", sorted(WIRES))
def test_a_decoded_request_carries_exactly_the_non_canonical_fields_in_extra(api: Api) -> None:
    wire = WIRES[api]
    body = MINIMAL_BODIES[api] | NON_CANONICAL_SAMPLES[api]
    request = wire.decode_request(body)
    assert set(request.extra) == set(NON_CANONICAL_SAMPLES[api])
    assert not any(wire.FIELDS[name].canonical for name in request.extra if name in wire.FIELDS)


def test_the_strict_chat_repair_keeps_exactly_the_documented_chat_fields() -> None:
    from brickgate.quirks.fields import drop_unknown_chat_fields

    table = WIRES["chat"].FIELDS
    body = dict.fromkeys(table, 1)
    assert set(drop_unknown_chat_fields(body)) == {name for name, field in table.items() if field.documented}
