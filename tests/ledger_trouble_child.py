"""Run by test_ledger_trouble inside a private mount namespace (`unshare --user --map-root-user --mount`):
a gateway whose brickgate home is on a small tmpfs that is then filled up or made read-only, for real.
Prints one JSON line: the answers' statuses, the ledger's warnings and state, and the rows written once
the filesystem works again.

    python -m tests.ledger_trouble_child full|read-only MOUNT_DIR EMULATOR_URL TOKEN
"""

from __future__ import annotations

import errno
import json
import logging
import os
import subprocess
import sys
from pathlib import Path


def main() -> None:
    mode, mount_dir, url, token = sys.argv[1:5]
    mount = Path(mount_dir)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(mount)], check=True)
    os.environ["BRICKGATE_HOME"] = str(mount / "home")

    from brickgate.auth import Credentials
    from brickgate.gateway.server import start_in_thread
    from brickgate.ledger import ledger_for_home
    from brickgate.workspace import Workspace
    from tests.gateway_harness import FAMILY_MODELS, Chat, call
    from tests.ledger_harness import ledger_rows, wait_for_pending, wait_for_rows

    warnings: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("brickgate.ledger").addHandler(handler)

    ws = Workspace(credentials=Credentials.pat(url, token))
    ws.models()  # the catalog cache is written while the filesystem still works
    body = Chat().request(FAMILY_MODELS["llama"], "hi", stream=False)
    with start_in_thread(ws) as gateway:
        ledger = ledger_for_home()
        statuses = []
        if mode == "full":  # the ledger works first, then the disk fills up
            statuses.append(call(gateway.url, "POST", Chat.path, body).status)
            wait_for_rows(mount / "home", 1)
            _fill(mount / "filler")
        else:
            subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        statuses += [call(gateway.url, "POST", Chat.path, body).status for _ in range(3)]
        wait_for_pending(3)
        for _ in range(3):  # several batches fail; still one warning
            ledger.flush()
        trouble, pending = ledger.trouble, ledger.pending
        if mode == "full":
            (mount / "filler").unlink()
        else:
            subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)
        ledger.flush()
        rows = len(ledger_rows(mount / "home"))
    report = {
        "statuses": statuses,
        "warnings": warnings,
        "trouble": trouble,
        "pending": pending,
        "rows": rows,
    }
    print(json.dumps(report))


def _fill(path: Path) -> None:
    """Write zeros until the filesystem has no byte left."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(fd)


if __name__ == "__main__":
    main()
