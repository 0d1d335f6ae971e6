"""What one Workspace learnt from earlier answers, for the repairs of its later requests.

Two things outlive a request: Gemini thought signatures (an agent replays a tool call as plain strings, so
the signature must be put back from what the answer carried) and the fields an endpoint refused (so later
requests are repaired up front instead of paying for a failed one). Both belong to one workspace, which is
one identity on one host: a ``RepairMemory`` is created per ``Workspace`` and never shared, so two
workspaces in one process never see each other's data.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from brickgate.wire.contract import Api


class SignatureStore:
    """Thought signatures by tool-call id: a bounded LRU (agents replay recent calls, not old ones)."""

    def __init__(self, capacity: int = 50_000) -> None:
        self._capacity = capacity
        self._data: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()  # the sync helpers run a workspace on their own thread

    def put(self, call_id: str, signature: str) -> None:
        with self._lock:
            self._data[call_id] = signature
            self._data.move_to_end(call_id)
            while len(self._data) > self._capacity:
                self._data.popitem(last=False)

    def get(self, call_id: str) -> str | None:
        with self._lock:
            return self._data.get(call_id)


class RepairMemory:
    """Thought signatures seen in answers, and the refusals each endpoint answered with."""

    def __init__(self) -> None:
        self.signatures = SignatureStore()
        self._refusals: dict[tuple[str, Api], tuple[str, ...]] = {}

    def refusals(self, endpoint: str, api: Api) -> tuple[str, ...]:
        """The upstream messages an adaptive repair fixed for ``endpoint`` on ``api``, oldest first."""
        return self._refusals.get((endpoint, api), ())

    def learn_refusal(self, endpoint: str, api: Api, message: str) -> None:
        known = self._refusals.get((endpoint, api), ())
        if message not in known:
            self._refusals[(endpoint, api)] = (*known, message)
