"""Repairs for documented Databricks defects, applied to UPSTREAM bodies and answers only.

One small pure function (or, for an answer, one small class) per defect; each docstring quotes the upstream
fact and the exact error it prevents, with its research source tag. ``table.QUIRKS`` says which model
fields call for which repair, on the request and on the answer.

    memory = RepairMemory()                                  # one per Workspace: what its answers taught
    repaired = repair_request(body, model, api, memory)      # .body to send, .applied names
    sr = stream_repair(model, api, memory)   # per answer: sr.needed, sr.event(d), sr.response(b), sr.applied
    retry = repair_after_rejection(body, status, message, api)   # one adaptive retry, or None
"""

from brickgate.quirks.memory import RepairMemory
from brickgate.quirks.rejection import repair_after_rejection
from brickgate.quirks.stream import StreamRepair
from brickgate.quirks.table import Repaired, repair_request, stream_repair

__all__ = [
    "RepairMemory",
    "Repaired",
    "StreamRepair",
    "repair_after_rejection",
    "repair_request",
    "stream_repair",
]
