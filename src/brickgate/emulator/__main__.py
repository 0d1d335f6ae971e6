"""`python -m brickgate.emulator --port P [--config FILE] [--no-ai-gateway]`: serve in the foreground."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import sys
from pathlib import Path

from brickgate.emulator.config import EmulatorConfig, load_config
from brickgate.emulator.server import serve


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and serve until interrupted; a bad config file exits 2 with its message."""
    parser = argparse.ArgumentParser(prog="python -m brickgate.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--config", type=Path, help="JSON or TOML file with EmulatorConfig fields")
    parser.add_argument("--no-ai-gateway", action="store_true", help="answer /ai-gateway/* with 404")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config) if args.config else EmulatorConfig()
    except (OSError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.no_ai_gateway:
        config = dataclasses.replace(config, ai_gateway=False)
    token = config.tokens[0] if config.tokens else "(none)"

    def announce(url: str) -> None:
        print(f"emulated Databricks workspace on {url} (token {token})", flush=True)

    try:
        with contextlib.suppress(KeyboardInterrupt):
            serve(config, host=args.host, port=args.port, on_listening=announce)
    except OSError as exc:
        print(
            f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}; pick another --port",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
