"""The agent x family matrix for the terminal summary, built from test reports so it works under xdist
(workers tag their items at collection; the tag travels in each report's ``user_properties``).

The table is Markdown, ready to paste into the README; ``BRICKGATE_E2E_MATRIX=path`` also writes it there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CELL_PROPERTY = "agent_matrix_cell"


def tag_matrix_cells(items: Iterable[pytest.Item], test_name: str) -> None:
    """Give each case of ``test_name`` (parametrized by ``agent`` and ``family``) its cell as a property."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if getattr(item, "originalname", None) == test_name and "agent" in params and "family" in params:
            item.user_properties.append((CELL_PROPERTY, f"{params['agent']}|{params['family']}"))


@dataclass
class Matrix:
    agents: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=list)
    outcomes: dict[tuple[str, str], str] = field(default_factory=dict)
    seconds: dict[tuple[str, str], float] = field(default_factory=dict)

    def add(self, agent: str, family: str, report: pytest.TestReport) -> None:
        if agent not in self.agents:
            self.agents.append(agent)
        if family not in self.families:
            self.families.append(family)
        key = (agent, family)
        if report.failed:
            self.outcomes[key] = "FAIL"
        elif report.skipped and self.outcomes.get(key) != "FAIL":
            self.outcomes[key] = "skip"
        elif report.when == "call" and report.passed and key not in self.outcomes:
            self.outcomes[key] = "pass"
        if report.when == "call":
            self.seconds[key] = report.duration

    def markdown(self) -> str:
        """Rows and columns in the test file's order; each row ends with its agent's total run time."""
        from tests.e2e.agent_drivers import DRIVERS
        from tests.e2e.agents_harness import FAMILY_ENDPOINTS

        self.agents.sort(key=_position(list(DRIVERS)))
        self.families.sort(key=_position(list(FAMILY_ENDPOINTS)))
        header = ["agent \\ family", *self.families, "time"]
        rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for agent in self.agents:
            cells = [self.outcomes.get((agent, f), "—") for f in self.families]
            total = sum(self.seconds.get((agent, f), 0.0) for f in self.families)
            rows.append("| " + " | ".join([agent, *cells, f"{total:.0f}s"]) + " |")
        return "\n".join(rows)


def _position(order: list[str]) -> Callable[[str], tuple[int, str]]:
    return lambda name: (order.index(name) if name in order else len(order), name)


def collect(reports: Iterable[Any]) -> Matrix:
    matrix = Matrix()
    for report in reports:
        for name, value in getattr(report, "user_properties", ()):
            if name == CELL_PROPERTY and isinstance(report, pytest.TestReport):
                agent, family = str(value).split("|", 1)
                matrix.add(agent, family, report)
    return matrix


def report_matrix(terminalreporter: Any, config: pytest.Config) -> None:
    """Print the matrix if any agent test ran; write it to ``$BRICKGATE_E2E_MATRIX`` when set."""
    reports = [r for group in terminalreporter.stats.values() for r in group]
    matrix = collect(reports)
    if not matrix.outcomes:
        return
    table = matrix.markdown()
    terminalreporter.write_sep("=", "coding agents x model families (brickgate serve + setup --write)")
    terminalreporter.write_line(table)
    from tests.e2e.agent_install import PACKAGES, cache_root

    versions = ", ".join(p.spec for p in PACKAGES.values())
    terminalreporter.write_line(f"agents: {versions} (installed under {cache_root()})")
    target = os.environ.get("BRICKGATE_E2E_MATRIX")
    if target:
        Path(target).write_text(table + "\n", encoding="utf-8")
        terminalreporter.write_line(f"(also written to {target})")
