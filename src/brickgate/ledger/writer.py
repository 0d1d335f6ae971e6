"""The process's writer for one ledger file: requests queue a draft (one deque append on the hot path);
a background thread turns drafts into rows, feeds the live totals behind /metrics and writes the rows to
the file in batches.

A file that cannot be written (locked past the busy timeout, a full disk, corrupt, a read-only
directory) is reported by ONE warning; rows wait in memory (bounded) and are written once the file
works again, and nothing of it ever reaches a request.
"""

from __future__ import annotations

import atexit
import collections
import logging
import sqlite3
import threading
import time
from pathlib import Path

from brickgate.ledger import store
from brickgate.ledger.live import LiveTotals
from brickgate.ledger.rows import Draft, UsageRow
from brickgate.ledger.trouble import trouble_of

log = logging.getLogger("brickgate.ledger")

FLUSH_INTERVAL = 0.5  # seconds between batches
MAX_UNWRITTEN = 100_000  # rows kept in memory while the file cannot be written (~30 MB)
PRUNE_INTERVAL = 3600.0
RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)  # after consecutive failures to write
DEFAULT_RETENTION_DAYS = 90.0


class Ledger:
    """One ledger file as this process writes it. ``add`` is safe from any thread and never blocks."""

    def __init__(
        self,
        path: Path,
        *,
        retention_days: float = DEFAULT_RETENTION_DAYS,
        enabled: bool = True,
        flush_interval: float = FLUSH_INTERVAL,
    ) -> None:
        self.path = path
        self.enabled = enabled
        self.retention_days = retention_days
        self.live = LiveTotals()
        self._flush_interval = flush_interval
        self._queue: collections.deque[Draft | threading.Event] = collections.deque()
        self._unwritten: list[UsageRow] = []
        self._file: store.Appender | None = None
        self._wake = threading.Event()
        self._stop = False
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._failures = 0
        self._retry_at = 0.0
        self._pruned_at = float("-inf")
        self.trouble: str | None = None  # what is wrong with the file right now, for people
        self.dropped = 0  # rows lost because the file stayed unwritable past MAX_UNWRITTEN

    # -- any thread ---------------------------------------------------------------------------------
    def add(self, draft: Draft) -> None:
        if not self.enabled:
            return
        self._queue.append(draft)
        if self._thread is None:
            self._start()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything added before this call is counted and written (or failed to be).
        False on timeout, e.g. while another process holds the file locked."""
        if self._thread is None:
            return True
        done = threading.Event()
        self._queue.append(done)
        self._wake.set()
        return done.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued and stop the thread."""
        thread = self._thread
        if thread is None:
            return
        self._stop = True
        self._wake.set()
        thread.join(timeout)

    @property
    def pending(self) -> int:
        return len(self._queue) + len(self._unwritten)

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is not None:
                return
            thread = threading.Thread(target=self._run, name="brickgate-ledger", daemon=True)
            thread.start()
            self._thread = thread
            atexit.register(self.close)

    # -- the ledger thread ----------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            self._wake.wait(self._flush_interval)
            self._wake.clear()
            stopping = self._stop
            try:
                self._cycle(final=stopping)
            except Exception:  # a bug here must not end recording for the process
                log.exception("usage ledger: unexpected error")
            if stopping:
                if self._file is not None:
                    self._file.close()
                if self._unwritten:  # the warning said they were kept: say they are now lost
                    log.warning(
                        "usage ledger %s: %d rows were not recorded (it is %s) and are lost as this "
                        "process ends.",
                        self.path,
                        len(self._unwritten),
                        self.trouble,
                    )
                return

    def _cycle(self, *, final: bool = False) -> None:
        waiters: list[threading.Event] = []
        rows: list[UsageRow] = []
        while self._queue:
            item = self._queue.popleft()
            if isinstance(item, threading.Event):
                waiters.append(item)
                continue
            try:
                rows.append(item.row())
            except Exception:
                log.exception("usage ledger: a request could not be turned into a row")
        if rows:
            self.live.observe(rows)
            self._keep(rows)
        if self._unwritten and (final or waiters or time.monotonic() >= self._retry_at):
            self._write()
        if not self.trouble and time.monotonic() - self._pruned_at > PRUNE_INTERVAL:
            self._prune()
        for waiter in waiters:
            waiter.set()

    def _keep(self, rows: list[UsageRow]) -> None:
        self._unwritten.extend(rows)
        overflow = len(self._unwritten) - MAX_UNWRITTEN
        if overflow > 0:
            del self._unwritten[:overflow]
            self.dropped += overflow

    def _appender(self) -> store.Appender:
        if self._file is None:
            self._file = store.Appender(self.path)
        return self._file

    def _write(self) -> None:
        try:
            self._appender().insert(self._unwritten)
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return
        self._unwritten = []
        if self.trouble:
            log.info("usage ledger %s: recording again", self.path)
        self.trouble, self._failures, self._retry_at = None, 0, 0.0

    def _failed(self, exc: BaseException) -> None:
        trouble = trouble_of(exc)
        if self.trouble is None:  # one warning per episode, however many batches fail
            log.warning(
                "usage ledger %s is %s; requests are served as usual and their rows are kept in memory "
                "(up to %d) until it can be written. %s",
                self.path,
                trouble.what,
                MAX_UNWRITTEN,
                trouble.advice,
            )
        self.trouble = trouble.what
        if self._file is not None and not trouble.passing:
            self._file.close()  # reopened on the next attempt (the file may have been replaced)
            self._file = None
        self._retry_at = time.monotonic() + RETRY_DELAYS[min(self._failures, len(RETRY_DELAYS) - 1)]
        self._failures += 1

    def _prune(self) -> None:
        self._pruned_at = time.monotonic()
        cutoff = time.time() - self.retention_days * 86400
        try:
            deleted = self._appender().prune(cutoff)
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return
        if deleted:
            log.info("usage ledger: pruned %d rows older than %g days", deleted, self.retention_days)
