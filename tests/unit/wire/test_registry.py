"""The wire registry: one package per API, and the only way the rest of brickgate reaches one."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

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
