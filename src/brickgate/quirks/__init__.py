"""Repairs for documented Databricks defects, applied to UPSTREAM bodies and streams only.

One small pure function per defect; each docstring quotes the upstream fact and the exact error it
prevents, with its research source tag. ``request.QUIRKS`` says which family flags call for which repair.

    repaired = repair_request(body, model, api)        # .body to send, .applied names
    sr = StreamRepair(model, api)    # response side: sr.needed, sr.event(d), sr.response(b), sr.applied
    retry = repair_after_rejection(body, status, message, model, api)   # one adaptive retry, or None
"""

from brickgate.quirks.rejection import repair_after_rejection
from brickgate.quirks.request import Repaired, repair_request
from brickgate.quirks.stream import StreamRepair

__all__ = ["Repaired", "StreamRepair", "repair_after_rejection", "repair_request"]
