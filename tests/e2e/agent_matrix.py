"""The agent x family matrix for the terminal summary, built from test reports so it works under xdist
(workers tag their items at collection; the tag travels in each report's ``user_properties``).

A cell is `pass`, `FAIL`, `—` (not run) or, for an expected failure with a reason outside brickgate, a
footnote mark whose reason is listed under the table. Each row ends with the seconds its cells took and
the CPU seconds its agent used (the part of the time that load from other processes cannot inflate).
The table is Markdown, ready to paste into the README; ``BRICKGATE_E2E_MATRIX=path`` also writes it there.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CELL_PROPERTY = "agent_matrix_cell"
CPU_PROPERTY = "agent_cpu_seconds"  # recorded by each cell: the agent's own CPU time
_MARKS = "¹²³⁴⁵⁶⁷⁸⁹"


def tag_matrix_cells(items: Iterable[pytest.Item], test_name: str) -> None:
    """Give each case of ``test_name`` (parametrized by ``agent`` and ``family``) its cell as a property."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if getattr(item, "originalname", None) == test_name and "agent" in params and "family" in params:
            item.user_properties.append((CELL_PROPERTY, f"{params['agent']}|{params['family']}"))


def expected_failure_reason(report: pytest.TestReport) -> str:
    return str(getattr(report, "wasxfail", "")).removeprefix("reason: ").strip() or "expected to fail"


@dataclass
class Matrix:
    outcomes: dict[tuple[str, str], str] = field(default_factory=dict)  # pass | FAIL | blocked: reason
    seconds: dict[tuple[str, str], float] = field(default_factory=dict)
    cpu: dict[tuple[str, str], float] = field(default_factory=dict)

    def add(self, agent: str, family: str, report: pytest.TestReport) -> None:
        key = (agent, family)
        if report.failed:
            self.outcomes[key] = "FAIL"
        elif report.skipped and hasattr(report, "wasxfail") and self.outcomes.get(key) != "FAIL":
            self.outcomes[key] = "blocked: " + expected_failure_reason(report)
        elif report.skipped and self.outcomes.get(key) != "FAIL":
            self.outcomes[key] = "skip"
        elif report.when == "call" and report.passed and key not in self.outcomes:
            self.outcomes[key] = "pass"
        if report.when == "call":
            self.seconds[key] = report.duration
            self.cpu[key] = sum(float(v) for n, v in report.user_properties if n == CPU_PROPERTY)

    def markdown(self) -> str:
        """Rows in DRIVERS' order, columns in COLUMNS' order; reasons as numbered notes under the table."""
        from tests.e2e.agent_drivers import DRIVERS
        from tests.e2e.agents_harness import COLUMNS

        ran = {agent for agent, _ in self.outcomes}
        rows = [d for d in DRIVERS.values() if d.name in ran]
        families = [c.family for c in COLUMNS if any((d.name, c.family) in self.outcomes for d in rows)]
        reasons: list[str] = []
        header = ["agent (API it speaks)", *families, "time", "agent CPU"]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for driver in rows:
            cells = [self._cell(driver.name, family, reasons) for family in families]
            total = sum(self.seconds.get((driver.name, f), 0.0) for f in families)
            cpu = sum(self.cpu.get((driver.name, f), 0.0) for f in families)
            lines.append("| " + " | ".join([driver.label, *cells, f"{total:.0f} s", f"{cpu:.0f} s"]) + " |")
        notes = [f"{_MARKS[i]} {reason}" for i, reason in enumerate(reasons)]
        return "\n".join(lines + (["", *notes] if notes else []))

    def _cell(self, agent: str, family: str, reasons: list[str]) -> str:
        outcome = self.outcomes.get((agent, family), "—")
        if not outcome.startswith("blocked: "):
            return outcome
        reason = outcome.removeprefix("blocked: ")
        if reason not in reasons:
            reasons.append(reason)
        return "n/a" + _MARKS[reasons.index(reason) % len(_MARKS)]


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
