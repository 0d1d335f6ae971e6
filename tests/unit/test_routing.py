"""Surface choice: the AI Gateway first, serving-endpoints once it is known to be absent, remembered a day."""

from __future__ import annotations

import pytest

from brickgate.routing import SurfaceChooser
from tests.unit.quirks.factory import LLAMA

HOST = "https://adb-1.azuredatabricks.net"


def test_gateway_is_tried_first_on_an_unknown_workspace() -> None:
    assert SurfaceChooser(HOST).current(LLAMA) == "ai-gateway"


def test_absent_gateway_is_remembered_by_the_next_process() -> None:
    assert SurfaceChooser(HOST).gateway_absent()
    assert SurfaceChooser(HOST).current(LLAMA) == "serving-endpoints"


def test_forced_surface_never_falls_back() -> None:
    chooser = SurfaceChooser(HOST, "ai-gateway")
    assert not chooser.gateway_absent()
    assert chooser.current(LLAMA) == "ai-gateway"


def test_a_working_gateway_is_not_reread_from_disk_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    load = SurfaceChooser._load

    def counting_load(self: SurfaceChooser) -> object:
        reads.append(self.host)
        return load(self)

    monkeypatch.setattr(SurfaceChooser, "_load", counting_load)
    chooser = SurfaceChooser(HOST)
    for _ in range(50):  # what Workspace.send does per successful request
        chooser.current(LLAMA)
        chooser.gateway_works()
    assert len(reads) <= 2
    assert load(SurfaceChooser(HOST)) == "ai-gateway"  # the verdict still reached the cache file
