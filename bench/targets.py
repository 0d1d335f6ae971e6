"""The four targets in front of one mock upstream: direct, the floor relay, `brickgate serve`, LiteLLM."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.procs import DRIVER_CPU, GATEWAY_CPU, Server, free_port, start
from bench.workloads import CHAT_MODEL, CLAUDE_MODEL, GPT_MODEL, Workload

REPO = Path(__file__).resolve().parent.parent
UPSTREAM_TOKEN = "dapi-bench"
LITELLM_VERSION = (
    "1.108.7"  # newest litellm[proxy] that installs from the registry here (README: how checked)
)
LITELLM_KEY = "sk-bench-master-key"
LITELLM_MODELS = (CHAT_MODEL, CLAUDE_MODEL, GPT_MODEL)


@dataclass
class Target:
    name: str
    server: Server
    key: str = "unused"

    def supports(self, w: Workload) -> bool:
        if self.name == "litellm":  # its config serves the three Databricks APIs' models, not Gemini's
            return w.inbound != "gemini" and w.model in LITELLM_MODELS
        return not (self.name in FLOORS and w.translated)

    @property
    def direct(self) -> bool:
        return self.name == "direct"

    def path(self, w: Workload) -> str:
        return w.path(w.upstream, upstream=True) if self.direct else w.path(w.inbound, upstream=False)

    def body(self, w: Workload) -> bytes:
        return w.body(w.upstream if self.direct else w.inbound)

    def terminal(self, w: Workload) -> bytes:
        return w.terminal(w.upstream if self.direct else w.inbound)


def python_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABRICKS_", "BRICKGATE_", "LITELLM_"))}
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def start_mock(log_dir: Path, extra_endpoints: int = 0) -> Server:
    cmd = [sys.executable, "-m", "bench.mock_upstream", "--extra-endpoints", str(extra_endpoints)]
    return start("mock", cmd, cpu=DRIVER_CPU, log_dir=log_dir, env=python_env())


# the floor relay, then the same relay parsing the body (a relay that checks its input), then parsing and
# writing it again (the least a translation does): issue 17's bounds, measured like every target
FLOORS = {"floor": "none", "floor-parse": "read", "floor-rewrite": "write"}


def start_floor(mock: Server, log_dir: Path, name: str = "floor") -> Target:
    cmd = [sys.executable, "-m", "bench.floor_relay", "--upstream", mock.url, "--token", UPSTREAM_TOKEN]
    cmd += ["--parse", FLOORS[name]]
    return Target(name, start(name, cmd, cpu=GATEWAY_CPU, log_dir=log_dir, env=python_env()))


def brickgate_env(upstream_url: str, home: Path, token: str = UPSTREAM_TOKEN) -> dict[str, str]:
    """A private brickgate home that pins the serving-endpoints surface, so no probe lands in the numbers."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('surface = "serving-endpoints"\n')
    return python_env(
        DATABRICKS_HOST=upstream_url,
        DATABRICKS_TOKEN=token,
        BRICKGATE_HOME=str(home),
        DATABRICKS_CONFIG_FILE=str(home / "no-databrickscfg"),
        NO_COLOR="1",
    )


def start_brickgate(
    mock: Server, log_dir: Path, *, quiet: bool = False, name: str = "brickgate", src: Path | None = None
) -> Target:
    """`brickgate serve` as users run it (access log on), pinned to the gateway CPU. ``src``: another
    checkout's src/ to run instead (a before/after comparison in one run)."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "brickgate.cli.main",
        "--surface",
        "serving-endpoints",
        "serve",
        "--port",
        str(port),
    ]
    if quiet:
        cmd.append("--quiet")
    env = brickgate_env(mock.url, log_dir / f"{name}-home")
    if src is not None:
        env["PYTHONPATH"] = f"{src}:{env['PYTHONPATH']}"
    server = start(
        name,
        cmd,
        cpu=GATEWAY_CPU,
        log_dir=log_dir,
        env=env,
        ready_url=f"http://127.0.0.1:{port}/health",
    )
    return Target(name, server)


def bench_cache() -> Path:
    """Where LiteLLM's venv lives: outside the repo, never a project dependency."""
    base = os.environ.get("BRICKGATE_BENCH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "brickgate-bench"
    )
    return Path(base)


def ensure_litellm(log: Path) -> Path:
    """The `litellm` executable of a private venv, created and installed on first use (a few minutes)."""
    venv = bench_cache() / f"litellm-{LITELLM_VERSION}"
    exe = venv / "bin" / "litellm"
    if exe.exists():
        return exe
    print(f"installing litellm[proxy]=={LITELLM_VERSION} into {venv} (first run only)...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    with log.open("wb") as out:
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", f"litellm[proxy]=={LITELLM_VERSION}"],
            check=True,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=900,
        )
    return exe


def litellm_config(mock: Server) -> str:
    entries = []
    for model in LITELLM_MODELS:
        entries.append(
            f"  - model_name: {model}\n    litellm_params:\n      model: databricks/{model}\n"
            f"      api_base: {mock.url}/serving-endpoints\n      api_key: {UPSTREAM_TOKEN}\n"
        )
    return (
        "model_list:\n" + "".join(entries) + "litellm_settings:\n  callbacks: []\n  num_retries: 0\n"
        "  request_timeout: 60\n  drop_params: true\n"
        f"general_settings:\n  master_key: {LITELLM_KEY}\n"
    )


def start_litellm(mock: Server, log_dir: Path) -> Target:
    """LiteLLM's proxy as shipped, one worker, no database, price map from the package (no network)."""
    exe = ensure_litellm(log_dir / "litellm-install.log")
    config = log_dir / "litellm.yaml"
    config.write_text(litellm_config(mock))
    port = free_port()
    cmd = [
        str(exe),
        "--config",
        str(config),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--num_workers",
        "1",
    ]
    # No network here: without HF_HUB_OFFLINE its token counter retries a Hugging Face tokenizer download
    # for ~30 s per stream before falling back to tiktoken (what an offline install does anyway).
    env = python_env(LITELLM_LOCAL_MODEL_COST_MAP="True", LITELLM_MASTER_KEY=LITELLM_KEY, HF_HUB_OFFLINE="1")
    env.pop("PYTHONPATH")
    server = start(
        "litellm",
        cmd,
        cpu=GATEWAY_CPU,
        log_dir=log_dir,
        env=env,
        ready_url=f"http://127.0.0.1:{port}/health/liveliness",
        timeout=120,
    )
    return Target("litellm", server, key=LITELLM_KEY)
