"""The pinned coding agents, installed once with npm into a cache outside the repo.

The cache is ``$BRICKGATE_E2E_CACHE`` or ``~/.cache/brickgate-e2e``; each package gets its own
``<name>@<version>`` directory, marked complete by a stamp file so an interrupted install is redone.
A file lock keeps xdist workers (and concurrent pytest runs) from installing the same thing twice.

Versions are the research's (agents-2026.md §0), except Kilo: 7.8.1's platform binary package is
missing from the registry here, 7.7.7 is the newest that installs. Crush's npm package downloads its
binary from github.com at install time; where that fails for want of a network, the agent is "not
installable here" (the failed attempt is remembered for an hour, so each worker does not retry it).
"""

from __future__ import annotations

import fcntl
import os
import shlex
import shutil
import subprocess
import sys
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
    downloads: str = ""  # what its install fetches from outside the npm registry, if anything
    warm_up: tuple[str, ...] = ()  # run once after installing (Copilot unpacks ~235 MB on first start)
    pip: bool = False  # a Python package, installed into its own venv (aider pins its own openai)

    @property
    def spec(self) -> str:
        return f"{self.package}=={self.version}" if self.pip else f"{self.package}@{self.version}"

    def env(self) -> dict[str, str]:
        """Environment every run of the agent needs (where Copilot keeps its unpacked package)."""
        return {"COPILOT_PKG_CACHE_HOME": str(install_dir(self) / "pkg-cache")} if self.warm_up else {}


PACKAGES = {
    p.agent: p
    for p in (
        AgentPackage("opencode", "opencode-ai", "1.18.33", "opencode"),
        AgentPackage("codex", "@openai/codex", "0.169.0", "codex"),
        AgentPackage("claude-code", "@anthropic-ai/claude-code", "2.1.330", "claude"),
        AgentPackage("gemini-cli", "@google/gemini-cli", "0.61.0", "gemini"),
        AgentPackage("copilot", "@github/copilot", "1.0.102", "copilot", warm_up=("--version",)),
        AgentPackage("kilo", "@kilocode/cli", "7.7.7", "kilo"),
        AgentPackage("pi", "@mariozechner/pi-coding-agent", "0.73.1", "pi"),
        AgentPackage("continue", "@continuedev/cli", "1.5.47", "cn"),
        AgentPackage("qwen-code", "@qwen-code/qwen-code", "0.24.4", "qwen"),
        AgentPackage(
            "crush", "@charmland/crush", "0.96.1", "crush", downloads="the crush binary from github.com"
        ),
        AgentPackage("aider", "aider-chat", "0.86.2", "aider", pip=True),
    )
}
_NETWORK_ERRORS = ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENETUNREACH")
_FAILURE_MEMORY = 3600.0  # seconds a failed download-at-install attempt is not retried


class InstallError(Exception):
    """npm or node is missing, or an install failed; the message says what to do."""


def cache_root() -> Path:
    explicit = os.environ.get("BRICKGATE_E2E_CACHE")
    return Path(explicit) if explicit else Path.home() / ".cache" / "brickgate-e2e"


def install_dir(package: AgentPackage) -> Path:
    # "@openai/codex@0.169.0" → "openai-codex@0.169.0": one flat directory per pinned package
    return cache_root() / f"{package.package}@{package.version}".lstrip("@").replace("/", "-")


def binary_path(package: AgentPackage) -> Path:
    if package.pip:
        return install_dir(package) / "venv" / "bin" / package.binary
    return install_dir(package) / "node_modules" / ".bin" / package.binary


def is_installed(package: AgentPackage) -> bool:
    stamp = install_dir(package) / _STAMP
    return stamp.is_file() and stamp.read_text() == _stamp_text(package) and binary_path(package).exists()


def _stamp_text(package: AgentPackage) -> str:
    return f"{package.spec}\n" + (f"warmed up: {' '.join(package.warm_up)}\n" if package.warm_up else "")


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
    if package.pip:
        venv = shlex.quote(str(target / "venv"))
        install = f"{shlex.quote(sys.executable)} -m venv {venv} && {venv}/bin/pip install -q {package.spec}"
        command = ["sh", "-c", install]
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
        output, _ = proc.communicate(timeout=INSTALL_TIMEOUT * (2 if package.pip else 1))
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
        raise InstallError(  # noqa: B904 - the timeout itself says nothing more
            f"Installing {package.spec} took over {INSTALL_TIMEOUT:.0f}s:\n{output[-3000:]}"
        )
    if proc.returncode != 0 or not binary_path(package).exists():
        raise InstallError(
            f"Installing {package.spec} in {install_dir(package)} failed (exit {proc.returncode}):\n"
            f"{output[-3000:]}"
        )
    if package.warm_up:
        subprocess.run(
            [str(binary_path(package)), *package.warm_up],
            env={**os.environ, **package.env()},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=INSTALL_TIMEOUT,
            check=True,
        )
    (install_dir(package) / _STAMP).write_text(_stamp_text(package))


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


def not_installable_here(package: AgentPackage) -> str | None:
    """Install a package that downloads from outside the npm registry; the reason it cannot be
    installed on this machine when the download fails for want of a network, else None (installed).
    Any other failure raises ``InstallError``."""
    failed = install_dir(package).with_name(install_dir(package).name + ".failed")
    if is_installed(package):
        return None
    with _install_lock():
        if is_installed(package):
            return None
        if failed.is_file() and time.time() - failed.stat().st_mtime < _FAILURE_MEMORY:
            return failed.read_text()
        try:
            _finish_install(package, _start_install(package))
        except InstallError as exc:
            error = next((e for e in _NETWORK_ERRORS if e in str(exc)), None)
            if error is None:
                raise
            line = next(line for line in str(exc).splitlines() if error in line)
            detail = line.rsplit(": ", 1)[-1].strip()  # e.g. "getaddrinfo ENOTFOUND github.com"
            reason = f"not installable here: its npm install downloads {package.downloads} ({detail})"
            failed.write_text(reason)
            return reason
    failed.unlink(missing_ok=True)
    return None
