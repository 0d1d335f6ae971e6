"""Surface choice: the AI Gateway first, serving-endpoints once it is known to be absent, remembered a day;
the paths per API (the Gemini API's with the model in them) and which API a caller's request takes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from brickgate.routing import Route, Surface, SurfaceChooser, _default_type, renamed_body, upstream_api
from brickgate.wire.contract import Api
from tests.unit.quirks.factory import CLAUDE, GEMINI_3, GEMINI_25, GPT, LLAMA

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


def test_the_gemini_api_names_the_endpoint_and_the_method_in_its_path() -> None:
    def path(surface: Surface, api: Api, model: str, *, stream: bool = False) -> str:
        return Route(api, surface, _default_type(api)).path(model, stream=stream)

    assert path("ai-gateway", "gemini", "databricks-gemini-3-5-flash") == (
        "/ai-gateway/gemini/v1beta/models/databricks-gemini-3-5-flash:generateContent"
    )
    assert path("serving-endpoints", "gemini", "system.ai/x y", stream=True) == (
        "/serving-endpoints/gemini/v1beta/models/system.ai%2Fx%20y:streamGenerateContent?alt=sse"
    )
    assert path("ai-gateway", "chat", "ignored", stream=True) == "/ai-gateway/mlflow/v1/chat/completions"


def test_a_relayed_body_is_renamed_in_its_model_field_unless_the_path_names_it() -> None:
    assert renamed_body({"model": "gpt-5.2", "input": "hi"}, "responses", "databricks-gpt-5-2") == {
        "model": "databricks-gpt-5-2",
        "input": "hi",
    }
    assert renamed_body({"model": "gemini-3.5-flash", "contents": []}, "gemini", "x") == {"contents": []}


def test_gemini_callers_keep_the_gemini_api_only_where_the_model_declares_it() -> None:
    assert upstream_api(GEMINI_3, "gemini") == "gemini"  # Gemini 3.x: relayed as it came
    assert upstream_api(GEMINI_25, "gemini") == "chat"  # 2.5: translated to the model's API
    assert upstream_api(CLAUDE, "gemini") == "messages"
    assert upstream_api(GPT, "gemini") == "responses"
    assert upstream_api(LLAMA, "gemini") == "chat"
    assert upstream_api(replace(GEMINI_3, source="external"), "gemini") == "chat"


def test_other_callers_take_the_models_own_api_even_on_a_gemini_model() -> None:
    assert upstream_api(GEMINI_3, "messages") == "chat"
    assert upstream_api(GEMINI_3, "chat") == "chat"
    # config's api = "gemini": Gemini callers relayed, the others over Chat (their replays carry no signature)
    assert upstream_api(replace(GEMINI_3, api="gemini"), "messages") == "chat"
    assert upstream_api(replace(GEMINI_3, api="gemini"), "chat") == "chat"
    assert upstream_api(replace(GEMINI_25, api="gemini"), "gemini") == "gemini"
