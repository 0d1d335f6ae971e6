"""The pinned coding agents, installed once with npm into a cache outside the repo.

The cache is ``$BRICKGATE_E2E_CACHE`` or ``~/.cache/brickgate-e2e``; each package gets its own
``<name>@<version>`` directory, marked complete by a stamp file so an interrupted install is redone.
A file lock keeps xdist workers (and concurrent pytest runs) from installing the same thing twice.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

INSTALL_TIMEOUT = 420.0  # per package; the agent tests' own pytest timeout is 600 s
_STAMP = ".brickgate-installed"


@dataclass(frozen=True)
class AgentPackage:
    """One npm package and the binary it provides."""

    agent: str
    package: str
    version: str
    binary: str

    @property
    def spec(self) -> str:
        return f"{self.package}@{self.version}"


PACKAGES = {
    p.agent: p
    for p in (
        AgentPackage("opencode", "opencode-ai", "1.18.33", "opencode"),
        AgentPackage("codex", "@openai/codex", "0.169.0", "codex"),
        AgentPackage("claude-code", "@anthropic-ai/claude-code", "2.1.330", "claude"),
    )
}


class InstallError(Exception):
    """npm or node is missing, or an install failed; the message says what to do."""


def cache_root() -> Path:
    explicit = os.environ.get("BRICKGATE_E2E_CACHE")
    return Path(explicit) if explicit else Path.home() / ".cache" / "brickgate-e2e"


def install_dir(package: AgentPackage) -> Path:
    # "@openai/codex@0.169.0" → "openai-codex@0.169.0": one flat directory per pinned package
    return cache_root() / package.spec.lstrip("@").replace("/", "-")


def binary_path(package: AgentPackage) -> Path:
    return install_dir(package) / "node_modules" / ".bin" / package.binary


def is_installed(package: AgentPackage) -> bool:
    return (install_dir(package) / _STAMP).is_file() and binary_path(package).exists()


@contextmanager
def _install_lock() -> Iterator[None]:
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _require_node() -> None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        raise InstallError(
            f"{' and '.join(missing)} not found on PATH: the agent e2e tests need Node.js 20+ and npm "
            "to install opencode, Codex CLI and Claude Code (e.g. `apt-get install nodejs npm`)."
        )


def _start_install(package: AgentPackage) -> subprocess.Popen[str]:
    target = install_dir(package)
    shutil.rmtree(target, ignore_errors=True)  # a half-finished earlier attempt
    target.mkdir(parents=True)
    (target / "package.json").write_text('{"private": true}\n')
    command = ["npm", "install", "--no-fund", "--no-audit", "--save-exact", package.spec]
    return subprocess.Popen(
        command,
        cwd=target,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish_install(package: AgentPackage, proc: subprocess.Popen[str]) -> None:
    try:
        output, _ = proc.communicate(timeout=INSTALL_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
        raise InstallError(  # noqa: B904 - the timeout itself says nothing more
            f"`npm install {package.spec}` took over {INSTALL_TIMEOUT:.0f}s:\n{output[-3000:]}"
        )
    if proc.returncode != 0 or not binary_path(package).exists():
        raise InstallError(
            f"`npm install {package.spec}` in {install_dir(package)} failed (exit {proc.returncode}):\n"
            f"{output[-3000:]}"
        )
    (install_dir(package) / _STAMP).write_text(f"{package.spec}\n")


def ensure_installed(packages: Sequence[AgentPackage]) -> dict[str, float]:
    """Install whatever is missing (in parallel, under the cache lock); seconds spent per agent."""
    _require_node()  # also when installed: Codex's launcher is a node script
    if all(is_installed(p) for p in packages):
        return {}
    started = time.monotonic()
    with _install_lock():
        missing = [p for p in packages if not is_installed(p)]  # another worker may have done it
        running = [(p, _start_install(p)) for p in missing]
        errors: list[str] = []
        for package, proc in running:
            try:
                _finish_install(package, proc)
            except InstallError as exc:
                errors.append(str(exc))
        if errors:
            raise InstallError("\n\n".join(errors))
    spent = time.monotonic() - started
    return {p.agent: spent for p in missing}
